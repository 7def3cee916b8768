#!/usr/bin/env python3
"""Holds N loopback TCP connections open (2N sockets plus a listener) until it is killed.

Prints "ready PORT" once every connection is established and accepted. With UNREAD, each connection's
client first sends that many bytes, which the accepted end never reads (a Recv-Q on every connection).
Usage: sockets-connections.py N [UNREAD]
"""
import resource
import signal
import socket
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
unread = int(sys.argv[2]) if len(sys.argv) > 2 else 0
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = 2 * n + 100
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard) if hard != resource.RLIM_INFINITY else want, hard))
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(4096)
port = listener.getsockname()[1]
keep = []
for i in range(n):
    c = socket.create_connection(("127.0.0.1", port))
    s, _ = listener.accept()
    if unread:
        c.send(b"x" * unread)
    keep.append((c, s))
print("ready", port, flush=True)
while True:
    signal.pause()
