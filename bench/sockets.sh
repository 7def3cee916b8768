#!/usr/bin/env bash
# Benchmark: netdiag sockets against ss and netstat with many loopback TCP connections open.
# Opens CONNECTIONS (default 20000) loopback connections (two sockets each) from helper processes,
# then times, best of RUNS (default 5), each of:
#   netdiag sockets -tan   vs  ss -tan   vs  netstat -tan
#   netdiag sockets -tanp  vs  ss -tanp
# and prints the ratios. netdiag runs through ./netdiag (JVM start-up included).
# Targets (issue 17): -tan within 1.3x of ss and faster than netstat by a clear margin; -tanp faster than ss -tanp.
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${CONNECTIONS:-20000}
runs=${RUNS:-5}
per_process=4000 # keeps every helper under a 20,000 descriptor limit (2 per connection)

./netdiag --version >/dev/null # build the jar and the AOT cache first

pids=()
fifos=()
cleanup() {
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for f in "${fifos[@]:-}"; do [ -n "$f" ] && rm -f "$f"; done
}
trap cleanup EXIT
left=$connections
while [ "$left" -gt 0 ]; do
    n=$(( left < per_process ? left : per_process ))
    out=$(mktemp)
    fifos+=("$out")
    python3 bench/sockets-connections.py "$n" >"$out" </dev/null &
    pids+=($!)
    left=$(( left - n ))
done
for out in "${fifos[@]}"; do
    until grep -q ready "$out" 2>/dev/null; do sleep 0.2; done
done
echo "open: $(ss -tan | wc -l) TCP sockets (${connections} connections)"

best() { # best wall time in ms of "$@" over $runs runs, output discarded
    local best=999999 t0 t1 ms
    for _ in $(seq "$runs"); do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        ms=$(( (t1 - t0) / 1000000 ))
        [ "$ms" -lt "$best" ] && best=$ms
    done
    echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

floor=$(best ./netdiag --version)
nd=$(best ./netdiag sockets -tan)
ss_t=$(best ss -tan)
printf '%-28s %6s ms  (JVM and picocli start-up: the floor under every netdiag command)\n' "netdiag --version" "$floor"
printf '%-28s %6s ms\n' "netdiag sockets -tan" "$nd"
printf '%-28s %6s ms\n' "ss -tan" "$ss_t"
if command -v netstat >/dev/null; then
    ns=$(best netstat -tan)
    printf '%-28s %6s ms\n' "netstat -tan" "$ns"
fi
ndp=$(best ./netdiag sockets -tanp)
ssp=$(best ss -tanp)
printf '%-28s %6s ms\n' "netdiag sockets -tanp" "$ndp"
printf '%-28s %6s ms\n' "ss -tanp" "$ssp"
echo
echo "ratio netdiag/ss      -tan : $(ratio "$nd" "$ss_t")  (target <= 1.3)"
echo "listing cost above start-up: $(( nd - floor )) ms for $(ss -tanH | wc -l) sockets"
[ -n "${ns:-}" ] && echo "ratio netdiag/netstat -tan : $(ratio "$nd" "$ns")  (target clearly < 1)"
echo "ratio netdiag/ss     -tanp : $(ratio "$ndp" "$ssp")  (target < 1)"
if [ -x /usr/bin/time ]; then
    rss=$( { /usr/bin/time -f %M ./netdiag sockets -tan >/dev/null; } 2>&1 | tail -1)
    echo "max RSS of netdiag sockets -tan: $((rss / 1024)) MiB (rows stream; only their text is kept for column widths)"
fi
# same rows? (sorted, Process column dropped)
if diff <(./netdiag sockets -tanH | awk '{print $1,$2,$3,$4,$5}' | sort) <(ss -tanH | awk '{print $1,$2,$3,$4,$5}' | sort) >/dev/null; then
    echo "rows: identical to ss"
else
    echo "rows: differ from ss (sockets opened or closed between the two listings?)"
fi
