#!/usr/bin/env bash
# netdiag trace against mtr on a lab path of network namespaces (root): client -- r1 -- r2 -- r3 -- server,
# 10.71.0.0/16 and fd71::/16, built here and deleted at exit. Not a test: it prints, for each case, the wall
# time of `netdiag trace -c 10` and `mtr -r -c 10` (same interval) and whether each output names the right hop.
#   clean      ICMP to the server: right = the server is the last row, reached
#   blocked    TCP to port 5432 with r2's FORWARD chain dropping it: right = hop 2 (10.71.2.2) named as where
#              TCP stops (mtr: its last answering row is hop 2 and it says nothing more; netdiag: verdict blocked at hop 2)
#   ratelimit  ICMP, r1 limiting its ICMP replies (icmp_ratelimit=1000), -i 0.1: right = hop 1 NOT reported as loss
#              (mtr shows loss at hop 1; netdiag must mark it rate-limited and say reached)
# LAB_ONLY=1 builds the lab and waits (Ctrl-C deletes it): for trying things by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench/trace.sh: needs root (network namespaces)" >&2; exit 3; }
command -v mtr >/dev/null || { echo "bench/trace.sh: needs mtr (apt-get install mtr-tiny)" >&2; exit 3; }
count=${COUNT:-10}
p=ndtrb$$
ns() { ip netns exec "$p$1" "${@:2}"; }
cleanup() { for n in c r1 r2 r3 s; do ip netns del "$p$n" 2>/dev/null || true; done; rm -rf "${tmp:-}"; }
trap cleanup EXIT INT TERM
tmp=$(mktemp -d)

for n in c r1 r2 r3 s; do ip netns add "$p$n"; ns "$n" ip link set lo up; done
link() { # link NS_A DEV_A ADDR_A NS_B DEV_B ADDR_B SUBNET_INDEX
    ip link add "$2" netns "$p$1" type veth peer name "$5" netns "$p$4"
    ns "$1" ip link set "$2" up; ns "$4" ip link set "$5" up
    ns "$1" ip addr add "10.71.$7.$3/24" dev "$2"; ns "$4" ip addr add "10.71.$7.$6/24" dev "$5"
    ns "$1" ip -6 addr add "fd71:$7::$3/64" dev "$2" nodad; ns "$4" ip -6 addr add "fd71:$7::$6/64" dev "$5" nodad
}
link c "${p}c" 2 r1 "${p}a" 1 1
link r1 "${p}b" 1 r2 "${p}d" 2 2
link r2 "${p}e" 1 r3 "${p}f" 2 3
link r3 "${p}g" 1 s "${p}h" 2 4
route() { ns "$1" ip route add "$2" via "10.71.$3"; ns "$1" ip -6 route add "$4" via "fd71:$5"; }
route c default 1.1 default 1::1
route r1 default 2.2 default 2::2
route r2 10.71.1.0/24 2.1 fd71:1::/64 2::1
route r2 10.71.4.0/24 3.2 fd71:4::/64 3::2
route r3 default 3.1 default 3::1
route s default 4.1 default 4::1
for n in r1 r2 r3 s; do
    ns "$n" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
done
ns c ping -c 1 -W 5 fd71:4::2 >/dev/null 2>&1 || true
ns c ping -c 1 -W 5 10.71.4.2 >/dev/null
if [ -n "${LAB_ONLY:-}" ]; then
    echo "lab up: ip netns exec ${p}c ... ; namespaces ${p}{c,r1,r2,r3,s}; Ctrl-C deletes it"
    sleep infinity
fi

./netdiag trace --help >/dev/null   # builds the jar and the trace AOT cache when needed, outside the timings
ms() { local s e; s=$(date +%s%N); "$@" >"$out" 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
row() { printf '  %-8s wall %6d ms   right hop: %s\n' "$1" "$2" "$3"; }
last_mtr_host() { awk '/\|--/ && $3 != "???" {h=$2; sub(/^[0-9]+\.\|--/, "", h); a=$3} END {print a}' "$1"; }
yes_no() { if "$@"; then echo yes; else echo no; fi; }

echo "trace -c $count on client -- r1 -- r2 -- r3 -- server ($(date -u +%F), namespaces on this machine)"

echo "clean path, ICMP, -i 1"
out=$tmp/nd.txt; t=$(ms ns c ./netdiag trace -n -c "$count" 10.71.4.2)
row netdiag "$t" "$(yes_no grep -q '^why: reached.*at hop 4' "$tmp/nd.txt")"
out=$tmp/mtr.txt; t=$(ms ns c mtr -r -n -c "$count" 10.71.4.2)
row mtr "$t" "$(yes_no grep -q ' 4\.|-- 10\.71\.4\.2 ' "$tmp/mtr.txt")"

echo "TCP to 5432 dropped in r2's FORWARD chain, -i 1"
ns r2 nft add table inet ndtrb
ns r2 nft add chain inet ndtrb fw '{ type filter hook forward priority 0; }'
ns r2 nft add rule inet ndtrb fw tcp dport 5432 drop
out=$tmp/nd.txt; t=$(ms ns c ./netdiag trace -n -c "$count" --tcp 5432 10.71.4.2)
row netdiag "$t" "$(yes_no grep -q '^why: blocked.*hop 2 (10\.71\.2\.2)' "$tmp/nd.txt")"
out=$tmp/mtr.txt; t=$(ms ns c mtr -r -n -c "$count" -T -P 5432 10.71.4.2)
# mtr names no hop; the most a reader gets is the last row that answered
row mtr "$t" "$(yes_no test "$(awk '/\|--/ && $2 != "???" {a=$2} END {print a}' "$tmp/mtr.txt")" = 10.71.2.2) (last answering row; mtr gives no verdict)"
ns r2 nft delete table inet ndtrb

echo "r1 rate-limits its ICMP replies (icmp_ratelimit=1000), ICMP, -i 0.1"
ns r1 sysctl -qw net.ipv4.icmp_ratelimit=1000
out=$tmp/nd.txt; t=$(ms ns c ./netdiag trace -n -c "$count" -i 0.1 10.71.4.2)
row netdiag "$t" "$(yes_no grep -q '^why: reached' "$tmp/nd.txt") (reached, not loss; hop 1 rate-limited: $(yes_no grep -q 'rate-limited' "$tmp/nd.txt"))"
out=$tmp/mtr.txt; t=$(ms ns c mtr -r -n -c "$count" -i 0.1 10.71.4.2)
hop1=$(awk '/ 1\.\|--/ {print $3}' "$tmp/mtr.txt")
row mtr "$t" "$(yes_no test "$hop1" = "0.0%") (hop 1 shows $hop1 loss, later hops 0%: read as loss unless you know)"
ns r1 sysctl -qw net.ipv4.icmp_ratelimit=0
