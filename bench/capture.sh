#!/usr/bin/env bash
# Benchmark for netdiag capture, side by side with the anchors (run as root from anywhere):
#  1. read and summarise captures made here from real traffic, each in network namespaces of its own:
#       http   short HTTP/1.1 conversations on lo (GET, 200 with a small JSON body, close; fresh client ports)
#       bulk   iperf3 TCP between two namespaces over a veth pair, captured with a 128-byte snapshot length
#       dnstls DNS queries and answers over UDP with TLS 1.3 connections (JDK TLS) interleaved, on lo
#     netdiag capture -r vs tshark -n -r vs tcpdump -n -r, interleaved, RUNS times each: seconds, peak RSS,
#     the ratios' range over the runs (targets: >= 3x faster than tshark, no slower than tcpdump,
#     peak RSS <= 150 MiB and the same for a capture three times as long: MEMORY_CHECK=1), and whether
#     netdiag's lines equal tshark's;
#  2. live capture while iperf3 offers 64-byte UDP datagrams on lo at 200 Mbit/s (iperf3 -u -l 64 -b 200M):
#     netdiag -w and tcpdump -w on the same traffic (datagrams sent against what each file holds), then
#     summaries to a file, netdiag capture -i lo > file and tshark -i lo > file (lines printed).
# Usage: bench/capture.sh [PACKETS_IN_THOUSANDS=1000] [UNUSED=0] [SECONDS=5] [all|read|live]
# Environment: KINDS="http bulk dnstls", RUNS=3, MEMORY_CHECK=0 (1: also read a 3x capture of the first kind),
# KEEP=DIR keeps each capture there (for profiling); CAPS=DIR reads DIR/KIND.pcap (and DIR/KIND-3x.pcap for
# the memory check) where they exist instead of generating them (to compare builds on the same captures).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
nd="$here/netdiag"
kpackets=${1:-1000}
rate=${2:-400000}
seconds=${3:-5}
part=${4:-all}
kinds=${KINDS:-http bulk dnstls}
runs=${RUNS:-3}
java=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'); [ "${v%%.*}" -ge 25 ] 2>/dev/null && echo "$j" && break; done)
keytool=${java%/java}/keytool
work=$(mktemp -d /tmp/netdiag-bench.XXXXXX)
ns=ndbench$$
bg=()
cleanup() {
    for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
    for n in "$ns" "${ns}a" "${ns}b"; do ip netns del "$n" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "bench/capture.sh: run as root (network namespace and capture)" >&2; exit 3; }
"$nd" capture -D >/dev/null # builds the jar and the capture AOT cache if needed
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"

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

# capture_until N FILE NETNS IFACE SNAPLEN FILTER -- GENERATOR...: tcpdump keeps N packets while the generator runs
capture_until() {
    local n=$1 file=$2 netns=$3 iface=$4 snap=$5 filter=$6; shift 7
    ip netns exec "$netns" tcpdump -Z root -i "$iface" -s "$snap" -B 262144 -c "$n" -w "$file" "$filter" 2>"$work/tcpdump.log" &
    local td=$!
    until grep -q "listening on" "$work/tcpdump.log" 2>/dev/null; do sleep 0.1; done
    ip netns exec "$netns" "$@" >/dev/null 2>&1 &
    local gen=$!
    bg+=("$gen")
    wait "$td" || true
    kill "$gen" 2>/dev/null || true
    wait "$gen" 2>/dev/null || true
}

make_http() { # $1 = file, $2 = packets
    ip netns add "$ns"; ip netns exec "$ns" ip link set lo up
    capture_until "$2" "$1" "$ns" lo 262144 "tcp port 18600" -- "$java" "$here/bench/capture-traffic.java" http 18600 $(($2 / 8))
    ip netns del "$ns"
}

make_bulk() {
    ip netns add "${ns}a"; ip netns add "${ns}b"
    ip link add nd$$a netns "${ns}a" type veth peer name nd$$b netns "${ns}b"
    ip -n "${ns}a" addr add 10.76.200.1/30 dev nd$$a; ip -n "${ns}b" addr add 10.76.200.2/30 dev nd$$b
    ip -n "${ns}a" link set nd$$a up; ip -n "${ns}b" link set nd$$b up
    ip netns exec "${ns}b" iperf3 -s -1 -p 18610 >/dev/null 2>&1 &
    bg+=($!)
    sleep 0.5
    capture_until "$2" "$1" "${ns}a" nd$$a 128 "tcp port 18610" -- iperf3 -c 10.76.200.2 -p 18610 -t 600
    ip netns del "${ns}a"; ip netns del "${ns}b"
}

make_dnstls() {
    ip netns add "$ns"; ip netns exec "$ns" ip link set lo up
    [ -f "$work/bench.p12" ] || "$keytool" -genkeypair -keystore "$work/bench.p12" -storetype PKCS12 -storepass benchpass \
        -keyalg EC -alias bench -dname CN=bench.example -validity 2 >/dev/null 2>&1
    capture_until "$2" "$1" "$ns" lo 262144 "udp port 53 or tcp port 54" -- "$java" "$here/bench/capture-traffic.java" dnstls 53 $(($2 / 2)) "$work/bench.p12"
    ip netns del "$ns"
}

if [ "$part" != live ]; then
for kind in $kinds; do
    pcap="$work/$kind.pcap"
    if [ -n "${CAPS:-}" ] && [ -f "$CAPS/$kind.pcap" ]; then
        echo "== $kind: $CAPS/$kind.pcap"
        pcap="$CAPS/$kind.pcap"
    else
        echo "== $kind: generating ${kpackets}k packets"
        "make_$kind" "$pcap" $((kpackets * 1000))
    fi
    packets=$(tcpdump -r "$pcap" -n 2>/dev/null | wc -l)
    echo "pcap: $packets packets, $(du -hL "$pcap" | cut -f1)"
    "$nd" capture -r "$pcap" >"$work/nd.txt" 2>/dev/null || true
    tshark -n -r "$pcap" >"$work/ts.txt" 2>/dev/null || true
    same=$(paste -d '\n' "$work/nd.txt" "$work/ts.txt" | awk 'NR % 2 { a = $0; next } a == $0 { n++ } END { print n + 0 }')
    echo "lines equal to tshark's: $same of $(wc -l <"$work/ts.txt")"
    rm -f "$work/nd.txt" "$work/ts.txt"
    : >"$work/ratios"
    for r in $(seq "$runs"); do
        read -r t_nd m_nd < <(seconds_of "$nd" capture -r "$pcap")
        read -r t_ts m_ts < <(seconds_of tshark -n -r "$pcap")
        read -r t_td m_td < <(seconds_of tcpdump -n -r "$pcap")
        printf 'run %d: netdiag %6.2f s %7d KiB | tshark %6.2f s %8d KiB | tcpdump %6.2f s %6d KiB | vs tshark %sx faster, vs tcpdump %sx the time\n' \
            "$r" "$t_nd" "$m_nd" "$t_ts" "$m_ts" "$t_td" "$m_td" "$(ratio "$t_ts" "$t_nd")" "$(ratio "$t_nd" "$t_td")"
        echo "$(ratio "$t_ts" "$t_nd") $(ratio "$t_nd" "$t_td") $m_nd" >>"$work/ratios"
    done
    awk -v kind="$kind" 'NR == 1 { a1 = a2 = $1; b1 = b2 = $2; m = $3 } { if ($1 < a1) a1 = $1; if ($1 > a2) a2 = $1; if ($2 < b1) b1 = $2; if ($2 > b2) b2 = $2; if ($3 > m) m = $3 }
        END { printf "%s: netdiag %s-%sx faster than tshark (target >= 3), %s-%sx the time of tcpdump (target <= 1), peak RSS %d KiB (target <= 153600)\n", kind, a1, a2, b1, b2, m }' "$work/ratios"
    if [ "${MEMORY_CHECK:-0}" = 1 ] && [ -z "${checked:-}" ]; then
        checked=1
        big="$work/$kind-3x.pcap"
        if [ -n "${CAPS:-}" ] && [ -f "$CAPS/$kind-3x.pcap" ]; then
            big="$CAPS/$kind-3x.pcap"
            echo "== $kind: $big for the memory check"
        else
            echo "== $kind: generating $((kpackets * 3))k packets for the memory check"
            "make_$kind" "$big" $((kpackets * 3000))
        fi
        read -r t_big m_big < <(seconds_of "$nd" capture -r "$big")
        read -r t_one m_one < <(seconds_of "$nd" capture -r "$pcap")
        printf 'memory: %d KiB peak for %dk packets, %d KiB for %dk (flat means about equal)\n' "$m_one" "$kpackets" "$m_big" $((kpackets * 3))
        [ "$big" != "$work/$kind-3x.pcap" ] || rm -f "$big"
    fi
    if [ "$pcap" != "$work/$kind.pcap" ]; then :; elif [ -n "${KEEP:-}" ]; then mv "$pcap" "$KEEP/"; else rm -f "$pcap"; fi
done
fi
[ "$part" = read ] && exit 0

command -v iperf3 >/dev/null || { echo "bench/capture.sh: the live part needs iperf3 (apt-get install iperf3)" >&2; exit 3; }
# live LABEL_A LABEL_B CMD_A -- CMD_B: both capture the same iperf3 run side by side (each command's stdout to
# $work/LABEL.out, stderr to $work/LABEL.err); netdiag stops on SIGTERM, the anchors on SIGINT
live() {
    local la=$1 lb=$2; shift 2
    local a=() b=() seen=
    for x in "$@"; do if [ "$x" = -- ]; then seen=1; elif [ -z "$seen" ]; then a+=("$x"); else b+=("$x"); fi; done
    local port=$((20000 + RANDOM % 20000))
    iperf3 -s -p "$port" -1 >/dev/null 2>&1 &
    bg+=($!)
    "${a[@]}" "udp port $port" >"$work/$la.out" 2>"$work/$la.err" &
    local pa=$!
    "${b[@]}" "udp port $port" >"$work/$lb.out" 2>"$work/$lb.err" &
    local pb=$!
    bg+=("$pa" "$pb")
    local waited=0
    until grep -qi "listening on\|capturing on" "$work/$la.err" 2>/dev/null && grep -qi "listening on\|capturing on" "$work/$lb.err" 2>/dev/null; do
        sleep 0.1; waited=$((waited + 1)); [ "$waited" -lt 300 ] || { echo "live: no banner" >&2; return 1; }
    done
    sleep 1
    iperf3 -c 127.0.0.1 -p "$port" -u -l 64 -b 200M -t "$seconds" >"$work/iperf.out" 2>&1 || true
    sleep 1
    kill -TERM "$pa" 2>/dev/null; kill -INT "$pb" 2>/dev/null
    wait "$pa" "$pb" 2>/dev/null || true
    sent=$(awk '/sender/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, x, "/"); print x[2] } }' "$work/iperf.out" | tail -n1)
}
echo "== live to a file: iperf3 -u -l 64 -b 200M -t $seconds on lo, netdiag -w and tcpdump -w on the same traffic"
live nd-w td-w "$nd" capture -i lo -w "$work/live-nd.pcap" -- tcpdump -Z root -i lo -w "$work/live-td.pcap"
echo "iperf3 sent ${sent:-?} datagrams; the files hold: netdiag $(tcpdump -r "$work/live-nd.pcap" 2>/dev/null | wc -l), tcpdump $(tcpdump -r "$work/live-td.pcap" 2>/dev/null | wc -l)"
grep -h "dropped by kernel" "$work/nd-w.err" "$work/td-w.err" | paste -sd, - | sed 's/^/kernel drops (netdiag, tcpdump): /'
echo "== live summaries to a file (no terminal): netdiag capture -i lo > file and tshark -i lo > file on the same traffic"
live nd-s ts-s "$nd" capture -i lo -- tshark -n -i lo
echo "iperf3 sent ${sent:-?} datagrams; lines printed: netdiag $(wc -l <"$work/nd-s.out"), tshark $(wc -l <"$work/ts-s.out")"
