package io.netdiag.trace;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.ErrorQueue;
import io.netdiag.os.IcmpSocket;
import io.netdiag.os.Libc;
import io.netdiag.os.SockaddrCodec;
import io.netdiag.ping.PingRequest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;


/**
 * UDP probes without privilege, as traceroute's default method sends them: one ordinary UDP socket per
 * probe, connected to the destination port, with IP_RECVERR so that the ICMP error about its datagram
 * (time exceeded from a router, port unreachable from the destination) waits on that socket's error queue
 * with the sender's address. The socket names the probe. Each probe has its own source port, so the flow
 * is not fixed: Paris-style fixed flows need the raw sockets of {@link RawPortChannel}.
 */
final class UdpErrorQueueChannel implements ProbeChannel {
    private static final int IP_TTL = 2;
    private static final int IPV6_UNICAST_HOPS = 16;
    /** Sockets of probes older than this are closed; their probes are long lost. */
    private final long keepNanos;

    /** One probe's socket. */
    private record Probe(int fd, int id, long sentNanos) {
    }

    private final InetAddress target;
    private final int port;
    private final boolean v6;
    private final PingRequest.Source source;
    private final String written;
    private final InetAddress from;
    private final Deque<Probe> open = new ArrayDeque<>();
    private final int clock;
    private final ErrorQueue errors = new ErrorQueue();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment to;
    private MemorySegment pollfds;
    private MemorySegment payload = arena.allocate(2048);

    UdpErrorQueueChannel(TraceRequest request, InetAddress target, PingRequest.Source source) {
        this.target = target;
        this.port = request.port();
        this.v6 = target instanceof Inet6Address;
        this.source = source;
        this.written = request.target();
        this.keepNanos = (request.timeoutMillis() + 1000L) * 1_000_000L;
        this.to = SockaddrCodec.of(arena, target, port);
        InetAddress chosen = null;
        int fd = -1;
        try {
            fd = socket();
            chosen = Tracer.bindSource(fd, source, written, target);
            // the kernel turns receive timestamps on a moment after the first socket asks (a deferred static key):
            // ask now, and keep asking while the trace runs, so that the first probes' errors carry one too
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 1, "setsockopt(SO_TIMESTAMPNS)");
        } catch (ErrnoException e) {
            // the first probe reports it
        }
        this.from = chosen;
        this.clock = fd;
        for (int i = 0; i < 3; i++) {
            try {
                Libc.sendto(-1, payload, 0, 0, null, "send(warm-up)"); // link sendto before the first probe's clock starts
            } catch (ErrnoException expected) {
                // EBADF
            }
        }
    }

    private int socket() throws ErrnoException {
        return Libc.socket(v6 ? Libc.AF_INET6 : Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC,
                Libc.IPPROTO_UDP, "socket(" + (v6 ? "AF_INET6" : "AF_INET") + ", SOCK_DGRAM, IPPROTO_UDP)");
    }

    @Override
    public String kind() {
        return "datagram";
    }

    @Override
    public InetAddress source() {
        return from;
    }

    /** DF on every probe's socket from now on (set in send). */
    @Override
    public void dontFragment() {
        dontFragment = true;
    }

    private boolean dontFragment;

    @Override
    public long send(int id, int ttl, int flow, int size) throws ErrnoException {
        int fd = socket();
        try {
            if (v6) {
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, IcmpSocket.IPV6_RECVERR, 1, "setsockopt(IPV6_RECVERR)");
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl, "setsockopt(IPV6_UNICAST_HOPS)");
            } else {
                Libc.setsockopt(fd, Libc.IPPROTO_IP, IcmpSocket.IP_RECVERR, 1, "setsockopt(IP_RECVERR)");
                Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_TTL, ttl, "setsockopt(IP_TTL)");
            }
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 1, "setsockopt(SO_TIMESTAMPNS)");
            if (dontFragment) {
                Libc.setsockopt(fd, v6 ? Libc.IPPROTO_IPV6 : Libc.IPPROTO_IP,
                        v6 ? IcmpSocket.IPV6_MTU_DISCOVER : IcmpSocket.IP_MTU_DISCOVER, IcmpSocket.PMTUDISC_PROBE,
                        "setsockopt(MTU_DISCOVER)");
            }
            if (source != null) {
                Tracer.bindSource(fd, source, written, target);
            }
            Libc.connect(fd, to, "connect(UDP)");
            int length = Math.max(0, size - (v6 ? 40 : 20) - 8);
            if (payload.byteSize() < length) {
                payload = arena.allocate(length);
            }
            long epoch = TraceRun.epochNanos();
            Libc.sendto(fd, payload, length, 0, null, "send(UDP)");
            open.add(new Probe(fd, id, System.nanoTime()));
            return epoch;
        } catch (ErrnoException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    @Override
    public void await(int millis) throws ErrnoException {
        if (open.isEmpty()) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        if (pollfds == null || pollfds.byteSize() < 8L * open.size()) {
            pollfds = Libc.pollfds(arena, Math.max(64, open.size() * 2));
        }
        int i = 0;
        for (Probe p : open) {
            Libc.pollfd(pollfds, i++, p.fd(), (short) (Libc.POLLIN | Libc.POLLERR));
        }
        try {
            Libc.poll(pollfds, open.size(), millis, "poll(UDP probes)");
        } catch (ErrnoException e) {
            if (e.errno() != 4) {
                throw e;
            }
        }
    }

    @Override
    public void drain(Sink sink) throws ErrnoException {
        long now = System.nanoTime();
        for (Iterator<Probe> it = open.iterator(); it.hasNext(); ) {
            Probe p = it.next();
            boolean done = false;
            IcmpSocket.QueuedError q;
            while ((q = errors.read(p.fd())) != null) {
                if (q.origin() == IcmpSocket.SO_EE_ORIGIN_ICMP || q.origin() == IcmpSocket.SO_EE_ORIGIN_ICMP6) {
                    sink.answer(p.id(), q.offender(), Classify.icmp(v6, q.type(), q.code(), q.offender(), target, true),
                            q.type(), q.code(), q.info(), q.kernelTimeNanos());
                    done = true;
                }
            }
            if (!done) {
                try {
                    Libc.recv(p.fd(), payload, payload.byteSize(), Libc.MSG_DONTWAIT, "recv(UDP)");
                    sink.answer(p.id(), target, Answer.REPLY, -1, -1, 0, -1); // the port answered
                    done = true;
                } catch (ErrnoException e) {
                    // EAGAIN: nothing yet; an error was read from the queue above
                }
            }
            if (done || now - p.sentNanos() > keepNanos) {
                Libc.close(p.fd());
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        for (Probe p : open) {
            Libc.close(p.fd());
        }
        open.clear();
        Libc.close(clock);
        errors.close();
        arena.close();
    }
}
