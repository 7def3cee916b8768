#!/usr/bin/env bash
# Memory of long runs, netdiag beside its anchor in the same run (run as root from anywhere):
#  1. ping -i 0.002 -c COUNT 127.0.0.1: netdiag ping and iputils ping, side by side;
#  2. sockets -tan --watch 1 for SECONDS: netdiag against one `ss -tan` listing (ss has no watch mode);
#  3. capture -w at about 100,000 packets/s (iperf3 -u -l 64 on lo): netdiag capture -w and tcpdump -w, side by side.
# Each process's VmRSS is sampled every second; "steady" is the range over the second half of the run
# (target for netdiag: at most 64 MiB = 65536 KiB), "peak" the highest sample.
# Usage: bench/memory.sh [PING_COUNT=50000] [SECONDS=30] [all|ping|sockets|capture]
# SOCKETS=N (environment) first opens N/2 loopback connections (N sockets) for the sockets part, with
# bench/sockets-connections.py, and closes them at the end; without it that part lists what is open.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
nd="$here/netdiag"
count=${1:-50000}
seconds=${2:-30}
part=${3:-all}
work=$(mktemp -d /tmp/netdiag-bench-memory.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "bench/memory.sh: run as root (ping -i 0.002 and capture need it)" >&2; exit 3; }
# builds the jar if needed and trains each command's AOT cache, so that no run below pays for either
"$nd" ping -c 1 127.0.0.1 >/dev/null
"$nd" sockets -tan >/dev/null
"$nd" capture -D >/dev/null
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"

# sample LABEL PID...: VmRSS of each PID every second until all have ended; writes $work/LABEL.N files
sample() {
    local label=$1; shift
    local alive=1 i
    while [ "$alive" = 1 ]; do
        alive=0
        for i in "$@"; do
            if [ -r "/proc/$i/status" ]; then
                awk '/^VmRSS/ {print $2}' "/proc/$i/status" >>"$work/$label.$i" 2>/dev/null || true
                alive=1
            fi
        done
        sleep 1
    done
}

# report NAME FILE: peak and the second half's range of the samples
report() {
    awk -v name="$1" '{ v[NR] = $1 } END {
        if (NR == 0) { printf "%-34s no samples\n", name; exit }
        lo = 1e18; hi = 0; peak = 0
        for (i = 1; i <= NR; i++) { if (v[i] > peak) peak = v[i]; if (i > NR / 2) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] } }
        printf "%-34s steady %6d-%6d KiB (%.1f-%.1f MiB), peak %6d KiB, %d samples\n", name, lo, hi, lo / 1024, hi / 1024, peak, NR
    }' "$2"
}

# the JVM is the main process of the launcher (exec), so its PID is the launcher's
if [ "$part" = all ] || [ "$part" = ping ]; then
    echo "== ping -i 0.002 -c $count 127.0.0.1 (netdiag and iputils at the same time)"
    "$nd" ping -q -i 0.002 -c "$count" 127.0.0.1 >"$work/nd-ping.out" 2>&1 &
    a=$!; pids+=("$a")
    ping -q -i 0.002 -c "$count" 127.0.0.1 >"$work/ip-ping.out" 2>&1 &
    b=$!; pids+=("$b")
    sample ping "$a" "$b"
    wait "$a" "$b" || true
    report "netdiag ping" "$work/ping.$a"
    report "iputils ping" "$work/ping.$b"
    grep -h "packets transmitted" "$work/nd-ping.out" "$work/ip-ping.out" | sed 's/^/  /'
fi

if [ "$part" = all ] || [ "$part" = sockets ]; then
    conns=()
    left=$(( ${SOCKETS:-0} / 2 ))
    while [ "$left" -gt 0 ]; do
        n=$(( left < 4000 ? left : 4000 )) # 2 descriptors a connection: under a 20,000 descriptor limit
        python3 "$here/bench/sockets-connections.py" "$n" >"$work/conn.$left" </dev/null &
        pids+=($!)
        conns+=($!)
        left=$(( left - n ))
    done
    for f in "$work"/conn.*; do
        [ -e "$f" ] || continue
        until grep -q ready "$f" 2>/dev/null; do sleep 0.2; done
    done
    echo "== sockets -tan --watch 1 for $seconds s ($(ss -tan | tail -n +2 | wc -l) TCP sockets)"
    "$nd" sockets -tan --watch 1 >/dev/null 2>&1 &
    a=$!; pids+=("$a")
    ( sleep "$seconds"; kill -TERM "$a" 2>/dev/null ) &
    sample sockets "$a"
    wait "$a" 2>/dev/null || true
    report "netdiag sockets --watch 1" "$work/sockets.$a"
    /usr/bin/time -f '%M' -o "$work/ss.rss" ss -tan >/dev/null
    printf '%-34s peak %6d KiB (one listing)\n' "ss -tan" "$(tail -n1 "$work/ss.rss")"
    for p in "${conns[@]}"; do kill "$p" 2>/dev/null || true; done
fi

if [ "$part" = all ] || [ "$part" = capture ]; then
    command -v iperf3 >/dev/null || { echo "bench/memory.sh: needs iperf3 (apt-get install iperf3)" >&2; exit 3; }
    port=$((20000 + RANDOM % 20000))
    echo "== capture -w at ~100k packets/s: iperf3 -u -l 64 -b 51M on lo port $port for $seconds s"
    iperf3 -s -p "$port" -1 >/dev/null 2>&1 &
    pids+=($!)
    "$nd" capture -i lo -w "$work/nd.pcap" udp port "$port" 2>"$work/nd-capture.err" &
    a=$!; pids+=("$a")
    tcpdump -Z root -i lo -w "$work/td.pcap" udp port "$port" 2>"$work/td-capture.err" &
    b=$!; pids+=("$b")
    until grep -q "listening on" "$work/nd-capture.err" 2>/dev/null && grep -q "listening on" "$work/td-capture.err" 2>/dev/null; do sleep 0.1; done
    ( iperf3 -c 127.0.0.1 -p "$port" -u -l 64 -b 51M -t "$seconds" >"$work/iperf.out" 2>&1; sleep 1; kill -TERM "$a" 2>/dev/null; kill -INT "$b" 2>/dev/null ) &
    sample capture "$a" "$b"
    wait "$a" "$b" 2>/dev/null || true
    report "netdiag capture -w" "$work/capture.$a"
    report "tcpdump -w" "$work/capture.$b"
    sent=$(awk '/sender/ {for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, x, "/"); print x[2] } }' "$work/iperf.out" | tail -n1)
    echo "  iperf3 sent ${sent:-?} datagrams; files hold: netdiag $(tcpdump -r "$work/nd.pcap" 2>/dev/null | wc -l), tcpdump $(tcpdump -r "$work/td.pcap" 2>/dev/null | wc -l)"
fi
