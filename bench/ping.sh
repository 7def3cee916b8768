#!/usr/bin/env bash
# netdiag ping against iputils ping and fping on loopback (root: raw ICMP sockets). Not a test: it prints
# numbers and ratios (median wall time of RUNS runs, default 3; RTT averages from the last run).
#  1. `ping -q -c 1000 -i 0.002 127.0.0.1`: both average RTTs (target: within 20 us of iputils) and the
#     wall-time ratio (target: 1.1x plus start-up).
#  2. a sweep of 127.0.1.0/24 with one probe per address against `fping -q -c1 -i1 -g` (target: no slower).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-1000}
interval=${INTERVAL:-0.002}
runs=${RUNS:-3}   # each measurement runs this many times; the median wall time is reported

./netdiag --version >/dev/null   # builds the jar and the AOT cache when needed

wall_ms() { # runs "$@" $runs times, output (of the last run) to $out_file, prints the median wall time in ms
    local s e i times=()
    for ((i = 0; i < runs; i++)); do
        s=$(date +%s%N); "$@" >"$out_file" 2>&1 || true; e=$(date +%s%N)
        times+=($(((e - s) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}
avg_of() { sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/\([0-9.]*\)/.*|\1|p' "$1"; }
received_of() { sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out_file=$tmp/netdiag.txt; nd_ms=$(wall_ms ./netdiag ping -q -c "$count" -i "$interval" 127.0.0.1)
out_file=$tmp/iputils.txt; ip_ms=$(wall_ms ping -q -c "$count" -i "$interval" 127.0.0.1)
nd_avg=$(avg_of "$tmp/netdiag.txt"); ip_avg=$(avg_of "$tmp/iputils.txt")
echo "ping -c $count -i $interval 127.0.0.1"
printf '  netdiag  avg rtt %s ms  received %s  wall %d ms\n' "$nd_avg" "$(received_of "$tmp/netdiag.txt")" "$nd_ms"
printf '  iputils  avg rtt %s ms  received %s  wall %d ms\n' "$ip_avg" "$(received_of "$tmp/iputils.txt")" "$ip_ms"
awk -v a="$nd_avg" -v b="$ip_avg" -v n="$nd_ms" -v i="$ip_ms" 'BEGIN {
    printf "  avg rtt difference %+.0f us (target within 20 us); wall-time ratio %.3fx (target 1.1x plus start-up)\n",
        (a - b) * 1000, n / i }'

out_file=$tmp/sweep.txt; sw_ms=$(wall_ms ./netdiag ping -q -c 1 127.0.1.0/24)
out_file=$tmp/fping.txt; fp_ms=$(wall_ms fping -q -c1 -i1 -g 127.0.1.0/24)
alive_nd=$(grep -c ' alive$' "$tmp/sweep.txt" || true)
alive_fp=$(grep -c '1/1/0%' "$tmp/fping.txt" || true)
echo "sweep of 127.0.1.0/24, one probe each"
printf '  netdiag  %d answered  wall %d ms\n' "$alive_nd" "$sw_ms"
printf '  fping    %d answered  wall %d ms\n' "$alive_fp" "$fp_ms"
awk -v n="$sw_ms" -v f="$fp_ms" 'BEGIN { printf "  wall-time ratio %.3fx (target: no slower than fping, 1.0x)\n", n / f }'
