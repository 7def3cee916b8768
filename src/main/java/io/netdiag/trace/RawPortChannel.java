package io.netdiag.trace;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.IcmpSocket;
import io.netdiag.os.Libc;
import io.netdiag.os.NativeBytes;
import io.netdiag.os.SockaddrCodec;
import io.netdiag.ping.EchoCodec;
import io.netdiag.ping.PingRequest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * UDP and TCP SYN probes from raw sockets, with one fixed flow (Paris traceroute): source and destination
 * ports stay the same for every probe of a flow, so ECMP routers hash them onto one path. The probe id
 * travels where routers must quote it: the UDP checksum (the payload's first two bytes make it valid, as
 * mtr does) or the TCP sequence number. Answers come from a raw ICMP socket (errors that quote the probe)
 * and from the raw TCP/UDP socket itself (SYN-ACK, RST, a UDP reply). The kernel answers a SYN-ACK with a
 * RST, since no socket of its own made the SYN; that is harmless. Source ports are held by ordinary bound
 * sockets, so no other program is given them while the trace runs.
 */
final class RawPortChannel implements ProbeChannel {
    private static final int IP_TTL = 2;
    private static final int IPV6_UNICAST_HOPS = 16;
    private static final int BUFFER = 65536;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;
    private static final int TCP_ACK = 0x10;

    private final IcmpSocket icmp;
    private final int fd;
    private final int[] holders;
    private final int[] ports;
    private final boolean tcp;
    private final boolean v6;
    private final InetAddress target;
    private final byte[] rawTarget;
    private final InetAddress source;
    private final int port;
    private final int sequenceBase = ThreadLocalRandom.current().nextInt() & 0xffff0000;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment sendBuffer = arena.allocate(BUFFER, 8);
    private final MemorySegment to = arena.allocate(SockaddrCodec.STORAGE_SIZE, 8);
    private final int toLength;
    private final MemorySegment receiveBuffer = arena.allocate(BUFFER, 8);
    private final MemorySegment name = arena.allocate(SockaddrCodec.STORAGE_SIZE, 8);
    private final MemorySegment iov = arena.allocate(16, 8);
    private final MemorySegment msghdr = arena.allocate(56, 8);
    private final MemorySegment pollfds = Libc.pollfds(arena, 2);
    private final MemorySegment control = arena.allocate(256, 8);
    private byte[] packet = new byte[2048];
    private int ttl = -1;

    private RawPortChannel(IcmpSocket icmp, int fd, int[] holders, int[] ports, boolean tcp, InetAddress target,
                           InetAddress source, int port) {
        this.icmp = icmp;
        this.fd = fd;
        this.holders = holders;
        this.ports = ports;
        this.tcp = tcp;
        this.v6 = target instanceof Inet6Address;
        this.target = target;
        this.rawTarget = target.getAddress();
        this.source = source;
        this.port = port;
        // raw sockets take the protocol from the socket; the port field of the address must be 0
        this.toLength = SockaddrCodec.write(to, target, 0);
        // link the send path before the first probe, whose RTT would include it
        for (int i = 0; i < 3; i++) {
            try {
                Libc.sendto(-1, sendBuffer, 20, 0, to.asSlice(0, toLength), "sendto(warm-up)");
            } catch (ErrnoException expected) {
                // EBADF: only the call path mattered
            }
        }
        try {
            receive(); // and the receive path: the first SYN-ACK's RTT would include linking recvmsg
        } catch (ErrnoException ignored) {
            // nothing to read yet, as expected
        }
    }

    /** The channel, or null for UDP when raw sockets are refused (the caller falls back to the error queue). */
    static RawPortChannel open(TraceRequest request, InetAddress target, PingRequest.Source source) {
        boolean v6 = target instanceof Inet6Address;
        boolean tcp = request.protocol() == Protocol.TCP;
        int family = v6 ? Libc.AF_INET6 : Libc.AF_INET;
        int protocol = tcp ? Libc.IPPROTO_TCP : Libc.IPPROTO_UDP;
        String call = "socket(" + (v6 ? "AF_INET6" : "AF_INET") + ", SOCK_RAW, " + (tcp ? "IPPROTO_TCP" : "IPPROTO_UDP") + ")";
        int fd;
        try {
            fd = Libc.socket(family, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, protocol, call);
        } catch (ErrnoException e) {
            if (!tcp) {
                return null; // UDP goes on without privilege: one socket per probe and its error queue
            }
            throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED,
                    "cannot open a raw socket for " + request.protocol().label() + " probes: " + call + " was refused ("
                            + Libc.strerror(e.errno()) + ": no CAP_NET_RAW)",
                    "run as root or with CAP_NET_RAW (sudo netdiag trace ...), or trace by ICMP echo without --"
                            + request.protocol().label().toLowerCase(java.util.Locale.ROOT) + ": netdiag trace " + request.target(),
                    null);
        }
        IcmpSocket icmp = null;
        int[] holders = new int[Math.max(1, request.flows())];
        Arrays.fill(holders, -1);
        try {
            icmp = IcmpSocket.open(v6, true);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 1, "setsockopt(SO_TIMESTAMPNS)");
            InetAddress from = Tracer.bindSource(fd, source, request.target(), target);
            if (from == null) {
                throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "no source address for " + target.getHostAddress(),
                        "check the routes: ip route get " + target.getHostAddress(), null);
            }
            if (source == null || source.address() == null) {
                // checksums cover the source address: make the kernel use the one they were computed with
                try (Arena a = Arena.ofConfined()) {
                    Libc.bind(fd, SockaddrCodec.of(a, from, 0), "bind(raw)");
                }
            }
            int[] ports = new int[holders.length];
            for (int i = 0; i < holders.length; i++) {
                holders[i] = Libc.socket(family, (tcp ? Libc.SOCK_STREAM : Libc.SOCK_DGRAM) | Libc.SOCK_CLOEXEC, 0, "socket(port holder)");
                try (Arena a = Arena.ofConfined()) {
                    Libc.bind(holders[i], SockaddrCodec.of(a, from, 0), "bind(port holder)");
                }
                ports[i] = localPort(holders[i]);
            }
            return new RawPortChannel(icmp, fd, holders, ports, tcp, target, from, request.port());
        } catch (ErrnoException | RuntimeException e) {
            Libc.close(fd);
            for (int h : holders) {
                Libc.close(h);
            }
            if (icmp != null) {
                icmp.close();
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new NetdiagException(NetdiagException.Kind.INTERNAL, "cannot set up " + request.protocol().label() + " probes",
                    e);
        }
    }

    private static int localPort(int fd) throws ErrnoException {
        InetSocketAddress local = io.netdiag.os.SourceBinding.localAddress(fd);
        return local == null ? 0 : local.getPort();
    }

    @Override
    public String kind() {
        return "raw";
    }

    @Override
    public InetAddress source() {
        return source;
    }

    @Override
    public void dontFragment() throws ErrnoException {
        if (v6) {
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, IcmpSocket.IPV6_MTU_DISCOVER, IcmpSocket.PMTUDISC_PROBE,
                    "setsockopt(IPV6_MTU_DISCOVER)");
        } else {
            Libc.setsockopt(fd, Libc.IPPROTO_IP, IcmpSocket.IP_MTU_DISCOVER, IcmpSocket.PMTUDISC_PROBE,
                    "setsockopt(IP_MTU_DISCOVER)");
        }
    }

    @Override
    public long send(int id, int ttl, int flow, int size) throws ErrnoException {
        if (ttl != this.ttl) {
            if (v6) {
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl, "setsockopt(IPV6_UNICAST_HOPS)");
            } else {
                Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_TTL, ttl, "setsockopt(IP_TTL)");
            }
            this.ttl = ttl;
        }
        int length = Math.max(tcp ? 20 : 10, size - (v6 ? 40 : 20));
        if (packet.length < length) {
            packet = new byte[length];
        }
        Arrays.fill(packet, 0, length, (byte) 0);
        int sport = ports[flow % ports.length];
        if (tcp) {
            TransportHeaders.tcpSyn(packet, length, sport, port, sequenceBase | id, source.getAddress(), rawTarget);
        } else {
            TransportHeaders.udp(packet, length, sport, port, id, source.getAddress(), rawTarget);
        }
        MemorySegment.copy(packet, 0, sendBuffer, JAVA_BYTE, 0, length);
        long epoch = TraceRun.epochNanos();
        String operation = "sendto(" + (tcp ? "TCP SYN" : "UDP") + ")";
        try {
            Libc.sendto(fd, sendBuffer, length, 0, to.asSlice(0, toLength), operation);
        } catch (ErrnoException e) {
            // an ICMP unreachable about an earlier probe leaves its errno in sk_err, which fails the next send
            // without sending it; the error itself came through the ICMP socket: send again
            Libc.sendto(fd, sendBuffer, length, 0, to.asSlice(0, toLength), operation);
        }
        return epoch;
    }

    @Override
    public void await(int millis) throws ErrnoException {
        Libc.pollfd(pollfds, 0, icmp.fd(), (short) (Libc.POLLIN | Libc.POLLERR));
        Libc.pollfd(pollfds, 1, fd, Libc.POLLIN);
        try {
            Libc.poll(pollfds, 2, millis, "poll(trace)");
        } catch (ErrnoException e) {
            if (e.errno() != 4) { // EINTR
                throw e;
            }
        }
    }

    @Override
    public void drain(Sink sink) throws ErrnoException {
        IcmpSocket.Received rx;
        while (true) {
            try {
                rx = icmp.receive();
            } catch (ErrnoException pendingError) {
                break;
            }
            if (rx == null) {
                break;
            }
            int offset = rx.withIpHeader() ? EchoCodec.ipv4HeaderLength(rx.data()) : 0;
            if (offset < 0) {
                continue;
            }
            QuotedProbe q = QuotedProbe.parse(rx.data(), offset, v6);
            if (q == null || q.protocol() != (tcp ? Libc.IPPROTO_TCP : Libc.IPPROTO_UDP)
                    || !Arrays.equals(q.destination(), rawTarget) || q.destinationPort() != port || !ourPort(q.sourcePort())) {
                continue;
            }
            int id = tcp ? (q.word() & 0xffff) : q.word() & 0xffff;
            if (tcp && (q.word() & 0xffff0000) != sequenceBase) {
                continue;
            }
            sink.answer(id, rx.from(), Classify.icmp(v6, q.type(), q.code(), rx.from(), target, true), q.type(), q.code(),
                    q.info(), rx.kernelTimeNanos());
        }
        while (icmp.receiveError() != null) {
            // raw ICMP sockets see every error on the socket itself; the queue only needs emptying
        }
        while (true) {
            Incoming in = receive();
            if (in == null) {
                break;
            }
            byte[] p = in.data();
            int at = 0;
            InetAddress from = in.from();
            if (!v6) {
                at = EchoCodec.ipv4HeaderLength(p);
                if (at < 0) {
                    continue;
                }
            }
            if (from == null || !from.equals(target) || p.length - at < (tcp ? 20 : 8)) {
                continue;
            }
            int sport = NativeBytes.be16(p, at);
            int dport = NativeBytes.be16(p, at + 2);
            if (sport != port || !ourPort(dport)) {
                continue;
            }
            if (tcp) {
                int flags = p[at + 13] & 0xff;
                int ack = (int) TransportHeaders.be32(p, at + 8);
                int sequence = ack - 1;
                if ((flags & TCP_ACK) == 0 || (sequence & 0xffff0000) != sequenceBase) {
                    continue;
                }
                if ((flags & TCP_SYN) != 0) {
                    sink.answer(sequence & 0xffff, from, Answer.REPLY, -1, -1, 0, in.kernelEpochNanos());
                } else if ((flags & TCP_RST) != 0) {
                    sink.answer(sequence & 0xffff, from, Answer.CLOSED, -1, -1, 0, in.kernelEpochNanos());
                }
            } else {
                sink.answer(-1, from, Answer.REPLY, -1, -1, 0, in.kernelEpochNanos()); // a UDP reply names no probe
            }
        }
    }

    private boolean ourPort(int p) {
        for (int mine : ports) {
            if (mine == p) {
                return true;
            }
        }
        return false;
    }

    private record Incoming(byte[] data, InetAddress from, long kernelEpochNanos) {
    }

    private Incoming receive() throws ErrnoException {
        Libc.msghdr(msghdr, name, iov, receiveBuffer, BUFFER, control);
        long n;
        try {
            n = Libc.recvmsg(fd, msghdr, Libc.MSG_DONTWAIT, "recvmsg(raw)");
        } catch (ErrnoException e) {
            if (e.errno() == 11 || e.errno() == 4) {
                return null;
            }
            throw e;
        }
        byte[] data = new byte[(int) n];
        MemorySegment.copy(receiveBuffer, JAVA_BYTE, 0, data, 0, (int) n);
        InetSocketAddress from = SockaddrCodec.read(name, msghdr.get(JAVA_INT, 8));
        // the kernel's receive time (SO_TIMESTAMPNS), the only control message asked for: a round of probes may
        // still be leaving when the answer to its first arrives
        long kernelTime = -1;
        long controlLength = msghdr.get(JAVA_LONG, 40);
        if (controlLength >= 32 && control.get(JAVA_INT, 8) == Libc.SOL_SOCKET && control.get(JAVA_INT, 12) == Libc.SO_TIMESTAMPNS) {
            kernelTime = control.get(JAVA_LONG, 16) * 1_000_000_000L + control.get(JAVA_LONG, 24);
        }
        return new Incoming(data, from == null ? null : from.getAddress(), kernelTime);
    }

    @Override
    public void close() {
        Libc.close(fd);
        for (int h : holders) {
            Libc.close(h);
        }
        icmp.close();
        arena.close();
    }
}
