#!/usr/bin/env bash
# Benchmark for netdiag capture, side by side with the anchors (run as root from anywhere):
#  1. read and summarise a ~1M-packet pcap made from real loopback traffic (TCP request/response and UDP,
#     captured by tcpdump in a network namespace of its own): netdiag -r vs tshark -n -r vs tcpdump -n -r,
#     with ratios and peak memory (targets: 3x faster than tshark, within 2x of tcpdump, flat memory);
#  2. live capture to a file while a generator offers small UDP packets on lo at a fixed rate:
#     packets captured and dropped, netdiag -w vs tcpdump -w, same load, same run.
# Usage: bench/capture.sh [PACKETS_IN_THOUSANDS=1000] [RATE=400000] [SECONDS=5] [all|read|live]
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
nd="$here/netdiag"
kpackets=${1:-1000}
rate=${2:-400000}
seconds=${3:-5}
part=${4:-all}
java=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'); [ "${v%%.*}" -ge 25 ] 2>/dev/null && echo "$j" && break; done)
work=$(mktemp -d /tmp/netdiag-bench.XXXXXX)
ns=ndbench$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "bench/capture.sh: run as root (network namespace and capture)" >&2; exit 3; }
"$nd" --version >/dev/null # builds the jar if needed

seconds_of() { # runs a command with its output thrown away; prints "seconds peak_rss_kib"
    local t0 t1 rss=0
    t0=$(date +%s.%N)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || true
        rss=$(tail -n1 "$work/rss")
    else
        "$@" >/dev/null 2>&1 || true
    fi
    t1=$(date +%s.%N)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $rss"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

if [ "$part" != live ]; then
echo "== generating ~${kpackets}k packets of loopback traffic (namespace $ns)"
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
pcap="$work/bench.pcap"
ip netns exec "$ns" tcpdump -i lo -B 262144 -w "$pcap" -U >/dev/null 2>"$work/tcpdump.log" &
tcpdump_pid=$!
while ! grep -q "listening on" "$work/tcpdump.log" 2>/dev/null; do sleep 0.1; done
rounds=$((kpackets * 1000 * 4 / 10 / 8))   # a round trip is about 8 packets here: ~40% TCP
udp=$((kpackets * 1000 * 6 / 10))
ip netns exec "$ns" "$java" "$here/bench/capture-traffic.java" pingpong 18500 "$rounds"
ip netns exec "$ns" "$java" "$here/bench/capture-traffic.java" udp 18501 "$udp"
sleep 1
kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true
packets=$(tcpdump -r "$pcap" -n 2>/dev/null | wc -l)
echo "pcap: $packets packets, $(du -h "$pcap" | cut -f1)"

echo "== reading it: netdiag capture -r vs tshark -n -r vs tcpdump -n -r"
read -r t_nd m_nd < <(seconds_of "$nd" capture -r "$pcap")
read -r t_ts m_ts < <(seconds_of tshark -n -r "$pcap")
read -r t_td m_td < <(seconds_of tcpdump -n -r "$pcap")
printf '%-28s %8.2f s  %8d KiB peak RSS\n' "netdiag capture -r" "$t_nd" "$m_nd" "tshark -n -r" "$t_ts" "$m_ts" "tcpdump -n -r" "$t_td" "$m_td"
echo "netdiag vs tshark:  $(ratio "$t_ts" "$t_nd")x faster (target >= 3x)"
echo "netdiag vs tcpdump: $(ratio "$t_nd" "$t_td")x the time (target <= 2x)"
half="$work/half.pcap"
tcpdump -r "$pcap" -c $((packets / 2)) -w "$half" 2>/dev/null
read -r t_half m_half < <(seconds_of "$nd" capture -r "$half")
printf 'memory: %d KiB peak for %d packets, %d KiB for %d (flat means about equal)\n' "$m_half" $((packets / 2)) "$m_nd" "$packets"
fi
[ "$part" = read ] && exit 0

echo "== live: ${rate} UDP packets/s for ${seconds} s on lo, netdiag -w vs tcpdump -w"
live() { # $1 = label, rest = capture command writing to a file
    local label=$1; shift
    "$@" 2>"$work/live.err" &
    local pid=$!
    while ! grep -q "listening on" "$work/live.err" 2>/dev/null; do sleep 0.1; done
    "$java" "$here/bench/capture-traffic.java" udprate 18502 "$rate" "$seconds" 2>"$work/gen.err"
    sleep 1
    # SIGTERM: a non-interactive shell starts background jobs with SIGINT ignored, and the JVM keeps it so
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    printf '%-10s %s; %s\n' "$label" "$(cat "$work/gen.err")" "$(grep -E 'captured|dropped by kernel' "$work/live.err" | paste -sd, -)"
}
live netdiag "$nd" capture -i lo -w "$work/live-nd.pcap" udp port 18502
live tcpdump tcpdump -i lo -w "$work/live-td.pcap" udp port 18502
