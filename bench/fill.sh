#!/usr/bin/env bash
# fill: `netdiag fill --json` against the hand-written experiment it replaces (the guide's Python client
# and never-reading server in one script: non-blocking send() of 64 KiB chunks until EAGAIN, then the
# queues once settled). Prints the median wall time of N runs each, the ratio, and both tools' bytes,
# which must agree (3,910,656 = 128,512 + 3,782,144 here). The time is dominated by the ~250 ms the
# queues take to settle and, for netdiag, by the JVM's start-up and the wait for a first zero-window probe.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-7}
out=bench/out
mkdir -p "$out"
./netdiag --version >/dev/null   # builds the jar and the AOT cache when needed

cat > "$out/fill.py" <<'PY'
import fcntl, socket, struct, time
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
c = socket.socket(); c.connect(srv.getsockname()); s, _ = srv.accept(); c.setblocking(False)
sent, chunk = 0, b'x' * 65536
while True:
    try:
        sent += c.send(chunk)
    except BlockingIOError:
        break
def q(sock, request): return struct.unpack('i', fcntl.ioctl(sock.fileno(), request, b'\0' * 4))[0]
for _ in range(600):  # settle: every byte in one of the two queues
    recvq, sendq = q(s, 0x541B), q(c, 0x5411)
    if recvq + sendq == sent and struct.unpack_from('I', c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232), 228)[0] == 0:
        break
    time.sleep(0.005)
print(sent, recvq, sendq)
PY

median_ms() {
    local times=() i s e
    for ((i = 0; i < runs; i++)); do
        s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
        times+=($(( (e - s) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

python=$(median_ms python3 "$out/fill.py")
netdiag=$(median_ms ./netdiag fill --json)
read -r py_sent py_recvq py_sendq < <(python3 "$out/fill.py")
nd=$(./netdiag fill --json || true)
nd_sent=$(printf '%s' "$nd" | python3 -c 'import json,sys; a=json.load(sys.stdin)["accounting"]; print(a["sent"], a["server_recv_q"], a["client_send_q"])')
printf '%-28s %8s ms  bytes sent, Recv-Q, Send-Q: %s %s %s\n' "python3 fill.py" "$python" "$py_sent" "$py_recvq" "$py_sendq"
printf '%-28s %8s ms  bytes sent, Recv-Q, Send-Q: %s\n' "netdiag fill --json" "$netdiag" "$nd_sent"
printf 'ratio %s\n' "$(awk -v a="$netdiag" -v b="$python" 'BEGIN{printf "%.2f", a/b}')"
