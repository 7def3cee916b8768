#!/usr/bin/env bash
# Benchmark: a netdiag exporter /metrics scrape against ss -tan, with many loopback TCP connections open,
# then the exporter's memory over a soak of 1 s scrapes.
# Opens CONNECTIONS (default 20000) loopback connections (two sockets each, 40,000 sockets) from helper
# processes (bench/sockets-connections.py), starts ./netdiag exporter on a free loopback port, and times RUNS
# (default 9) scrapes of /metrics (curl, wall time) and as many runs of ss -tan, alternating, and prints the
# medians and their ratio. Target (issue 16): a scrape no slower than ss -tan.
# Then SOAK_SECONDS (default 600) of one scrape a second, printing the exporter's RSS at the start, every
# minute, and at the end, and the change from the start and from the first minute. Target: flat (read as: the
# end within 3% of the value after the first minute; native-notes/exporter.md, Memory).
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${CONNECTIONS:-20000}
runs=${RUNS:-9}
soak=${SOAK_SECONDS:-600}
per_process=4000 # keeps every helper under a 20,000 descriptor limit (2 per connection)

./netdiag --version >/dev/null # build the jar first

pids=()
files=()
exporter=
cleanup() {
    [ -n "$exporter" ] && kill "$exporter" 2>/dev/null || true
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for f in "${files[@]:-}"; do [ -n "$f" ] && rm -f "$f"; done
}
trap cleanup EXIT
left=$connections
helper_out=()
while [ "$left" -gt 0 ]; do
    n=$(( left < per_process ? left : per_process ))
    out=$(mktemp)
    files+=("$out")
    helper_out+=("$out")
    python3 bench/sockets-connections.py "$n" >"$out" </dev/null &
    pids+=($!)
    left=$(( left - n ))
done
for out in "${helper_out[@]}"; do
    until grep -q ready "$out" 2>/dev/null; do sleep 0.2; done
done
echo "open: $(ss -tan | wc -l) TCP sockets (${connections} connections), $(date -u +%Y-%m-%d)"

start=$(mktemp)
files+=("$start")
./netdiag --json exporter --listen 127.0.0.1:0 >"$start" 2>&1 </dev/null &
exporter=$!
until grep -q '"listen"' "$start" 2>/dev/null; do
    kill -0 "$exporter" 2>/dev/null || { cat "$start" >&2; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/.*"metrics":"\([^"]*\)".*/\1/p' "$start")
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$exporter/status"; }
echo "exporter: $url (pid $exporter), RSS $(rss) kB before its first scrape"

scrape() { curl -s -o /dev/null -w '%{time_total}\n' "$url"; }
ms() { # wall time of "$@" in ms, output discarded
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    awk -v d=$(( t1 - t0 )) 'BEGIN { printf "%.1f\n", d / 1e6 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# the first scrapes read the owner map and warm the JIT: not counted
for _ in 1 2 3; do scrape >/dev/null; done
scrapes=()
sss=()
for _ in $(seq "$runs"); do
    scrapes+=("$(scrape | awk '{ printf "%.1f\n", $1 * 1000 }')")
    sss+=("$(ms ss -tan)")
done
s_med=$(printf '%s\n' "${scrapes[@]}" | median)
ss_med=$(printf '%s\n' "${sss[@]}" | median)
series=$(curl -s "$url" | grep -c '^netdiag_socket_queue_bytes{' || true)
printf '%-34s %8s ms  (median of %d; %s queue series)\n' "exporter /metrics scrape (curl)" "$s_med" "$runs" "$series"
printf '%-34s %8s ms  (median of %d)\n' "ss -tan" "$ss_med" "$runs"
printf '%-34s %8s\n' "scrape / ss -tan" "$(awk -v a="$s_med" -v b="$ss_med" 'BEGIN { printf "%.2f", a / b }')"

if [ "$soak" -gt 0 ]; then
    first=$(rss)
    echo "soak: ${soak} s of 1 s scrapes; RSS at start ${first} kB"
    t0=$(date +%s)
    next=60
    while [ $(( $(date +%s) - t0 )) -lt "$soak" ]; do
        scrape >/dev/null
        sleep 1
        el=$(( $(date +%s) - t0 ))
        if [ "$el" -ge "$next" ]; then
            now=$(rss)
            if [ "$next" -eq 60 ]; then
                minute=$now
            fi
            echo "  ${el} s: RSS ${now} kB"
            next=$(( next + 60 ))
        fi
    done
    last=$(rss)
    pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }'; }
    echo "soak: RSS at end ${last} kB (start ${first} kB, $(pct "$first" "$last")${minute:+; after the first minute ${minute} kB, $(pct "$minute" "$last")})"
fi
