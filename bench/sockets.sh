#!/usr/bin/env bash
# Benchmark: netdiag sockets against ss and netstat with many loopback TCP connections open.
# Opens CONNECTIONS (default 20000) loopback connections (two sockets each) from helper processes,
# then times RUNS (default 5) interleaved rounds of:
#   netdiag sockets -tan   vs  ss -tan   vs  netstat -tan
#   netdiag sockets -tanp  vs  ss -tanp
# and prints the ratios. netdiag runs through ./netdiag (JVM start-up included).
# Targets (issue 17): -tan within 1.3x of ss and faster than netstat by a clear margin; -tanp faster than ss -tanp.
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${CONNECTIONS:-20000}
runs=${RUNS:-5}
per_process=4000 # keeps every helper under a 20,000 descriptor limit (2 per connection)

./netdiag --version >/dev/null # build the jar and the AOT caches first
./netdiag sockets -tan >/dev/null

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

ms_of() { # wall time in ms of "$@", output discarded
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}
# The commands run interleaved, one round after another, so that a slow moment of the machine falls on all of them
# alike; each line gives the best and the median of RUNS runs, and the ratios are taken both ways.
declare -A times
round() { # runs each named command once: name=command...
    local spec name
    for spec in "$@"; do
        name=${spec%%=*}
        times[$name]+="$(ms_of ${spec#*=}) "
    done
}
best() { tr ' ' '\n' <<<"${times[$1]}" | grep . | sort -n | head -1; }
median() { tr ' ' '\n' <<<"${times[$1]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
line() { printf '%-28s %6s ms best, %6s ms median\n' "$1" "$(best "$2")" "$(median "$2")"; }

have_netstat=
command -v netstat >/dev/null && have_netstat=1
for _ in $(seq "$runs"); do
    round floor="./netdiag --version" nd="./netdiag sockets -tan" ss="ss -tan" ${have_netstat:+ns="netstat -tan"}
done
for _ in $(seq "$runs"); do
    round ndp="./netdiag sockets -tanp" ssp="ss -tanp"
done
line "netdiag --version" floor
echo "                              (JVM and picocli start-up: the floor under every netdiag command)"
line "netdiag sockets -tan" nd
line "ss -tan" ss
[ -n "$have_netstat" ] && line "netstat -tan" ns
line "netdiag sockets -tanp" ndp
line "ss -tanp" ssp
echo
echo "ratio netdiag/ss      -tan : best $(ratio "$(best nd)" "$(best ss)"), median $(ratio "$(median nd)" "$(median ss)")  (target <= 1.3)"
echo "listing cost above start-up: $(( $(best nd) - $(best floor) )) ms (best) for $(ss -tanH | wc -l) sockets"
[ -n "$have_netstat" ] && echo "ratio netdiag/netstat -tan : best $(ratio "$(best nd)" "$(best ns)"), median $(ratio "$(median nd)" "$(median ns)")  (target clearly < 1)"
echo "ratio netdiag/ss     -tanp : best $(ratio "$(best ndp)" "$(best ssp)"), median $(ratio "$(median ndp)" "$(median ssp)")  (target < 1)"
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
