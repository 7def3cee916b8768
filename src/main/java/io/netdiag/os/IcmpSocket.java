package io.netdiag.os;

import io.netdiag.explain.NetdiagException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An ICMP (or ICMPv6) socket for echo probes: the unprivileged datagram kind first
 * ({@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)}, allowed by {@code net.ipv4.ping_group_range}, where
 * the kernel owns the echo identifier and strips the IP header), a raw socket when that is refused.
 * Receives carry the kernel's receive timestamp (SO_TIMESTAMPNS) and the TTL or hop limit from control
 * messages; ICMP errors about our probes arrive on the error queue (IP_RECVERR / IPV6_RECVERR).
 * Not thread-safe: one thread sends and receives.
 */
public final class IcmpSocket implements AutoCloseable {
    /** Which kind of socket the kernel allowed. */
    public enum Kind { DATAGRAM, RAW }

    // <linux/in.h>, <linux/in6.h>, <linux/icmp.h>, <linux/errqueue.h>
    public static final int IP_TTL = 2;
    public static final int IP_MTU_DISCOVER = 10;
    public static final int IP_RECVERR = 11;
    public static final int IP_RECVTTL = 12;
    public static final int IP_MULTICAST_TTL = 33;
    public static final int IPV6_CHECKSUM = 7;
    public static final int IPV6_UNICAST_HOPS = 16;
    public static final int IPV6_MTU_DISCOVER = 23;
    public static final int IPV6_RECVERR = 25;
    public static final int IPV6_RECVHOPLIMIT = 51;
    public static final int IPV6_HOPLIMIT = 52;
    public static final int SOL_RAW = 255;
    public static final int ICMP_FILTER = 1;
    public static final int ICMP6_FILTER = 1;
    public static final int SO_EE_ORIGIN_LOCAL = 1;
    public static final int SO_EE_ORIGIN_ICMP = 2;
    public static final int SO_EE_ORIGIN_ICMP6 = 3;
    /** IP_PMTUDISC_DONT / WANT / DO (the IPv6 values are the same numbers). */
    public static final int PMTUDISC_DONT = 0;
    public static final int PMTUDISC_WANT = 1;
    public static final int PMTUDISC_DO = 2;
    /** DF set, and the kernel's cached path MTU ignored: what a path-MTU search needs. */
    public static final int PMTUDISC_PROBE = 3;

    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int EACCES = 13;
    private static final int EPERM = 1;
    private static final int EAFNOSUPPORT = 97;
    private static final int EPROTONOSUPPORT = 93;
    private static final int BUFFER = 65536 + 512;
    private static final int CONTROL = 512;

    private static final MethodHandle GETSOCKNAME =
            Libc.linkPlain("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    private final int fd;
    private final int family;
    private final Kind kind;
    private final Arena arena = Arena.ofConfined();
    private MemorySegment sendBuffer = arena.allocate(BUFFER, 8);
    private final MemorySegment destination = arena.allocate(SockaddrCodec.STORAGE_SIZE, 8);
    private final MemorySegment receiveBuffer = arena.allocate(BUFFER, 8);
    private final MemorySegment name = arena.allocate(SockaddrCodec.STORAGE_SIZE, 8);
    private final MemorySegment control = arena.allocate(CONTROL, 8);
    private final MemorySegment iov = arena.allocate(16, 8);
    private final MemorySegment msghdr = arena.allocate(56, 8);
    private final MemorySegment pollfd = Libc.pollfds(arena, 1);
    private final ErrorQueue errors = new ErrorQueue();
    private InetAddress lastDestination;
    private int destinationLength;

    private IcmpSocket(int fd, int family, Kind kind) {
        this.fd = fd;
        this.family = family;
        this.kind = kind;
    }

    /** What one recvmsg returned: the bytes (with the IPv4 header on raw IPv4 sockets), who sent them and when. */
    public record Received(byte[] data, InetAddress from, long kernelTimeNanos, int ttl, boolean withIpHeader) {
    }

    /**
     * One entry of the error queue: {@code struct sock_extended_err} and what came with it.
     *
     * @param errno    the errno the kernel attached (EHOSTUNREACH, EMSGSIZE, ...)
     * @param origin   SO_EE_ORIGIN_LOCAL, _ICMP or _ICMP6
     * @param type     ICMP type of the error message (origin ICMP/ICMP6)
     * @param code     ICMP code
     * @param info     ee_info: the MTU for "fragmentation needed" / "packet too big", the pointer for
     *                 "parameter problem"
     * @param offender who sent the ICMP error (SO_EE_OFFENDER), or null
     * @param target   where the failed probe was going (msg_name), or null
     * @param probe    the start of the probe we sent (its ICMP header), as the kernel returns it
     * @param kernelTimeNanos when the ICMP error arrived (SO_TIMESTAMPNS, epoch nanoseconds), or -1
     */
    public record QueuedError(int errno, int origin, int type, int code, long info, InetAddress offender,
                              InetAddress target, byte[] probe, long kernelTimeNanos) {
    }

    /**
     * Opens the datagram kind, falling back to raw when the kernel refuses it (EACCES from
     * ping_group_range, EPROTONOSUPPORT or EAFNOSUPPORT on kernels without ping sockets). When both are
     * refused, throws an exit-3 failure whose cause is the datagram socket's errno.
     */
    public static IcmpSocket open(boolean ipv6) {
        return open(ipv6, false);
    }

    /** As {@link #open(boolean)}; {@code rawOnly} skips the datagram kind (as iputils does for identifier 0). */
    public static IcmpSocket open(boolean ipv6, boolean rawOnly) {
        Platform.requireLinux("ICMP echo");
        int family = ipv6 ? Libc.AF_INET6 : Libc.AF_INET;
        int protocol = ipv6 ? Libc.IPPROTO_ICMPV6 : Libc.IPPROTO_ICMP;
        String af = ipv6 ? "AF_INET6" : "AF_INET";
        String proto = ipv6 ? "IPPROTO_ICMPV6" : "IPPROTO_ICMP";
        String datagramCall = "socket(" + af + ", SOCK_DGRAM, " + proto + ")";
        String rawCall = "socket(" + af + ", SOCK_RAW, " + proto + ")";
        ErrnoException datagramFailure = null;
        if (!rawOnly) {
            try {
                return configured(Libc.socket(family, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, protocol, datagramCall), family,
                        Kind.DATAGRAM);
            } catch (ErrnoException e) {
                int errno = e.errno();
                if (errno != EACCES && errno != EPERM && errno != EPROTONOSUPPORT && errno != EAFNOSUPPORT) {
                    throw new NetdiagException(NetdiagException.Kind.INTERNAL, "cannot open an ICMP socket", e);
                }
                datagramFailure = e;
            }
        }
        try {
            return configured(Libc.socket(family, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol, rawCall), family, Kind.RAW);
        } catch (ErrnoException rawFailure) {
            ErrnoException cause = datagramFailure != null ? datagramFailure : rawFailure;
            String both = datagramFailure == null
                    ? rawCall + " was refused (" + Libc.strerror(rawFailure.errno()) + ")"
                    : datagramCall + " was refused (" + Libc.strerror(datagramFailure.errno()) + ": the group is outside "
                    + "net.ipv4.ping_group_range) and " + rawCall + " too (" + Libc.strerror(rawFailure.errno())
                    + ": no CAP_NET_RAW)";
            String join = PrivilegeGroup.joinHint();
            throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED, "cannot open an ICMP socket: " + both,
                    (join != null ? join + "; or " : "")
                            + "sysctl -w net.ipv4.ping_group_range=\"0 2147483647\" (unprivileged ICMP sockets), or run as root "
                            + "(CAP_NET_RAW), or probe a TCP port instead: netdiag ping --tcp PORT HOST",
                    cause);
        }
    }

    /**
     * Asks the routing table for a way to {@code address}, as iputils does before its first probe: a UDP
     * socket connected to it (no packet leaves). Throws ENETUNREACH and the like when there is none.
     */
    public static void checkRoute(InetAddress address) throws ErrnoException {
        checkRoute(address, false);
    }

    /**
     * As {@link #checkRoute(InetAddress)}; with {@code broadcast} (ping -b), an IPv4 address the kernel refuses with
     * EACCES is tried again with SO_BROADCAST, as iputils tries it, and true is returned when that made the way: the
     * address is a broadcast one. Without it, or when the second try fails too (a prohibit route), EACCES is thrown.
     */
    public static boolean checkRoute(InetAddress address, boolean broadcast) throws ErrnoException {
        int family = address instanceof java.net.Inet6Address ? Libc.AF_INET6 : Libc.AF_INET;
        int fd = Libc.socket(family, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0, "socket(UDP route check)");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment to = SockaddrCodec.of(a, address, 1025);
            try {
                Libc.connect(fd, to, "connect");
                return false;
            } catch (ErrnoException e) {
                if (e.errno() != EACCES || !broadcast || family != Libc.AF_INET) {
                    throw e;
                }
            }
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BROADCAST, 1, "setsockopt(SO_BROADCAST)");
            Libc.connect(fd, to, "connect");
            return true;
        } finally {
            Libc.close(fd);
        }
    }

    /** ping -b: lets probes go to a broadcast address (SO_BROADCAST). */
    public void allowBroadcast() throws ErrnoException {
        Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BROADCAST, 1, "setsockopt(SO_BROADCAST)");
    }

    private static IcmpSocket configured(int fd, int family, Kind kind) throws ErrnoException {
        IcmpSocket s = new IcmpSocket(fd, family, kind);
        try {
            s.configure();
        } catch (ErrnoException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void configure() throws ErrnoException {
        boolean v6 = family == Libc.AF_INET6;
        Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 1, "setsockopt(SO_TIMESTAMPNS)");
        Libc.fcntl(fd, Libc.F_SETFL, Libc.O_NONBLOCK, "fcntl(O_NONBLOCK)");
        if (v6) {
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, IPV6_RECVERR, 1, "setsockopt(IPV6_RECVERR)");
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "setsockopt(IPV6_RECVHOPLIMIT)");
        } else {
            Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_RECVERR, 1, "setsockopt(IP_RECVERR)");
            if (kind == Kind.DATAGRAM) {
                Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_RECVTTL, 1, "setsockopt(IP_RECVTTL)");
            }
        }
        if (kind == Kind.RAW) {
            // echo replies and the error types whose quoted header names our probe; nothing else wakes us
            int[] wanted = {0, 3, 11, 12};
            int[] wanted6 = {1, 2, 3, 4, 129};
            if (v6) {
                MemorySegment filter = arena.allocate(32, 4);
                filter.fill((byte) 0xff);
                for (int type : wanted6) {
                    int word = filter.get(JAVA_INT, (type >> 5) * 4L);
                    filter.set(JAVA_INT, (type >> 5) * 4L, word & ~(1 << (type & 31)));
                }
                Libc.setsockopt(fd, Libc.IPPROTO_ICMPV6, ICMP6_FILTER, filter, "setsockopt(ICMP6_FILTER)");
            } else {
                int blocked = ~0;
                for (int type : wanted) {
                    blocked &= ~(1 << type);
                }
                Libc.setsockopt(fd, SOL_RAW, ICMP_FILTER, blocked, "setsockopt(ICMP_FILTER)");
            }
        }
        Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, 1 << 18, "setsockopt(SO_RCVBUF)");
    }

    public Kind kind() {
        return kind;
    }

    public boolean ipv6() {
        return family == Libc.AF_INET6;
    }

    public int fd() {
        return fd;
    }

    /** The unicast TTL or hop limit of our probes. */
    public void setTtl(int ttl) throws ErrnoException {
        if (ipv6()) {
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl, "setsockopt(IPV6_UNICAST_HOPS)");
        } else {
            Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_TTL, ttl, "setsockopt(IP_TTL)");
        }
    }

    /** Path-MTU discovery mode (DF bit): one of the PMTUDISC_ constants. */
    public void setPmtuDiscovery(int mode) throws ErrnoException {
        if (ipv6()) {
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, IPV6_MTU_DISCOVER, mode, "setsockopt(IPV6_MTU_DISCOVER)");
        } else {
            Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_MTU_DISCOVER, mode, "setsockopt(IP_MTU_DISCOVER)");
        }
    }

    /** The echo identifier the kernel gave a datagram socket (its local "port"), or -1 for raw sockets. */
    public int kernelIdentifier() throws ErrnoException {
        if (kind != Kind.DATAGRAM) {
            return -1;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SockaddrCodec.STORAGE_SIZE, 8);
            MemorySegment len = a.allocateFrom(JAVA_INT, SockaddrCodec.STORAGE_SIZE);
            int rc;
            try {
                rc = (int) GETSOCKNAME.invokeExact(fd, addr, len);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (rc < 0) {
                return -1;
            }
            InetSocketAddress local = SockaddrCodec.read(addr, len.get(JAVA_INT, 0));
            return local == null ? -1 : local.getPort();
        }
    }

    /**
     * Sends one ICMP message (header and data) to {@code to}; returns the wall-clock time (epoch
     * nanoseconds) taken just before the system call, the send time that RTTs are measured from. On
     * loopback the reply is received within sendto itself, so every step between this clock reading and
     * the call would count as network time.
     */
    public long send(byte[] icmp, int length, InetAddress to) throws ErrnoException {
        if (!to.equals(lastDestination)) {
            destinationLength = SockaddrCodec.write(destination, to, 0);
            lastDestination = to;
        }
        fitSendBuffer(length);
        MemorySegment.copy(icmp, 0, sendBuffer, JAVA_BYTE, 0, length);
        MemorySegment address = destination.asSlice(0, destinationLength);
        java.time.Instant now = java.time.Instant.now();
        Libc.sendto(fd, sendBuffer, length, 0, address, "sendto(ICMP echo)");
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** A message larger than any IP datagram still goes to the kernel, which refuses it (EMSGSIZE) as it does iputils' ping -s 70000. */
    private void fitSendBuffer(int length) {
        if (length > sendBuffer.byteSize()) {
            sendBuffer = arena.allocate(length, 8);
        }
    }

    /**
     * Runs the send path once against an invalid descriptor, so that the first real probe does not pay
     * for linking the native call (which would add milliseconds to the first RTT on loopback).
     */
    public void warmUp(byte[] icmp, int length, InetAddress to) {
        for (int i = 0; i < 3; i++) {
            destinationLength = SockaddrCodec.write(destination, to, 0);
            lastDestination = to;
            fitSendBuffer(length);
            MemorySegment.copy(icmp, 0, sendBuffer, JAVA_BYTE, 0, length);
            try {
                Libc.sendto(-1, sendBuffer, length, 0, destination.asSlice(0, destinationLength), "sendto(warm-up)");
            } catch (ErrnoException expected) {
                // EBADF: only the call path mattered
            }
        }
    }

    /** Waits up to {@code timeoutMillis} for data or an error; returns poll's revents (0 on time-out). */
    public int poll(int timeoutMillis) throws ErrnoException {
        Libc.pollfd(pollfd, 0, fd, (short) (Libc.POLLIN | Libc.POLLERR));
        try {
            int n = Libc.poll(pollfd, 1, timeoutMillis, "poll(ICMP socket)");
            return n == 0 ? 0 : Libc.revents(pollfd, 0);
        } catch (ErrnoException e) {
            if (e.errno() == EINTR) {
                return 0;
            }
            throw e;
        }
    }

    private void prepare(int capacity) {
        Libc.msghdr(msghdr, name, iov, receiveBuffer, capacity, control);
    }

    /** One message from the receive queue, or null when it is empty. */
    public Received receive() throws ErrnoException {
        prepare(BUFFER);
        long n;
        try {
            n = Libc.recvmsg(fd, msghdr, Libc.MSG_DONTWAIT, "recvmsg(ICMP socket)");
        } catch (ErrnoException e) {
            if (e.errno() == EAGAIN || e.errno() == EINTR) {
                return null;
            }
            throw e;
        }
        long kernelTime = -1;
        int ttl = -1;
        for (long off = 0; (off = nextControlMessage(off)) >= 0; off += align(control.get(JAVA_LONG, off))) {
            long len = control.get(JAVA_LONG, off);
            int level = control.get(JAVA_INT, off + 8);
            int type = control.get(JAVA_INT, off + 12);
            long data = off + 16;
            if (level == Libc.SOL_SOCKET && type == Libc.SO_TIMESTAMPNS && len >= 32) {
                kernelTime = control.get(JAVA_LONG, data) * 1_000_000_000L + control.get(JAVA_LONG, data + 8);
            } else if (((level == Libc.IPPROTO_IP && type == IP_TTL) || (level == Libc.IPPROTO_IPV6 && type == IPV6_HOPLIMIT))
                    && len >= 20) {
                ttl = control.get(JAVA_INT, data);
            }
        }
        byte[] data = new byte[(int) n];
        MemorySegment.copy(receiveBuffer, JAVA_BYTE, 0, data, 0, (int) n);
        InetSocketAddress from = SockaddrCodec.read(name, msghdr.get(JAVA_INT, 8));
        boolean ipHeader = kind == Kind.RAW && !ipv6();
        return new Received(data, from == null ? null : from.getAddress(), kernelTime, ttl, ipHeader);
    }

    private long nextControlMessage(long off) {
        return ErrorQueue.nextControlMessage(msghdr, control, off);
    }

    private static long align(long length) {
        return ErrorQueue.align(length);
    }

    /** One entry of the error queue (MSG_ERRQUEUE), or null when it is empty. */
    public QueuedError receiveError() throws ErrnoException {
        return errors.read(fd);
    }

    @Override
    public void close() {
        Libc.close(fd);
        errors.close();
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
