package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One TCP connect or UDP exchange with a port, through socket(2)/connect(2)/poll(2) so that the outcome
 * is the kernel's errno (ECONNREFUSED from a RST or an ICMP port unreachable, EHOSTUNREACH from an ICMP
 * error, ETIMEDOUT when nothing answered) rather than a Java exception text.
 */
public final class PortProbeSocket {
    public static final int SO_ERROR = 4;
    public static final int EINPROGRESS = 115;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    private static final int EAGAIN = 11;

    private PortProbeSocket() {
    }

    /**
     * The outcome of one probe.
     *
     * @param errno      0 when the port answered (TCP handshake done, UDP reply read), ETIMEDOUT when nothing
     *                   came back in time, else the socket error
     * @param elapsedNanos from the connect (TCP) or send (UDP) to the answer or the time-out
     */
    public record Outcome(int errno, long elapsedNanos) {
    }

    /**
     * Links the native calls of a probe (poll, connect, getsockopt) before the first real one, whose
     * time would otherwise include it.
     */
    public static void warmUp() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = Libc.pollfds(arena, 1);
            Libc.pollfd(pollfd, 0, -1, (short) 0);
            for (int i = 0; i < 3; i++) {
                try {
                    Libc.poll(pollfd, 1, 0, "poll(warm-up)");
                    Libc.connect(-1, SockaddrCodec.of(arena, InetAddress.getLoopbackAddress(), 9), "connect(warm-up)");
                } catch (ErrnoException expected) {
                    // EBADF
                }
                try {
                    Libc.getsockoptInt(-1, Libc.SOL_SOCKET, SO_ERROR, "getsockopt(warm-up)");
                } catch (ErrnoException expected) {
                    // EBADF
                }
            }
        }
    }

    /** A TCP handshake to {@code address:port}, waiting at most {@code timeoutMillis}. */
    public static Outcome tcp(InetAddress address, int port, int timeoutMillis) throws ErrnoException {
        return tcp(address, port, timeoutMillis, null, null);
    }

    /**
     * As {@link #tcp(InetAddress, int, int)}, from {@code device} (SO_BINDTODEVICE) and {@code source} (bound,
     * port 0) when not null: ping -I.
     */
    public static Outcome tcp(InetAddress address, int port, int timeoutMillis, String device, InetAddress source)
            throws ErrnoException {
        int family = address instanceof Inet6Address ? Libc.AF_INET6 : Libc.AF_INET;
        int fd = Libc.socket(family, Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0,
                "socket(" + (family == Libc.AF_INET6 ? "AF_INET6" : "AF_INET") + ", SOCK_STREAM, 0)");
        try (Arena arena = Arena.ofConfined()) {
            from(fd, device, source);
            MemorySegment to = SockaddrCodec.of(arena, address, port);
            long start = System.nanoTime();
            try {
                Libc.connect(fd, to, "connect(TCP)");
                return new Outcome(0, System.nanoTime() - start);
            } catch (ErrnoException e) {
                if (e.errno() != EINPROGRESS) {
                    return new Outcome(e.errno(), System.nanoTime() - start);
                }
            }
            MemorySegment pollfd = Libc.pollfds(arena, 1);
            Libc.pollfd(pollfd, 0, fd, Libc.POLLOUT);
            int ready = Libc.poll(pollfd, 1, timeoutMillis, "poll(TCP connect)");
            long elapsed = System.nanoTime() - start;
            if (ready == 0) {
                return new Outcome(ETIMEDOUT, elapsed);
            }
            return new Outcome(Libc.getsockoptInt(fd, Libc.SOL_SOCKET, SO_ERROR, "getsockopt(SO_ERROR)"), elapsed);
        } finally {
            Libc.close(fd);
        }
    }

    /**
     * A datagram to {@code address:port} on a connected UDP socket and a wait for a reply: 0 with a reply,
     * ECONNREFUSED when an ICMP port unreachable came back, ETIMEDOUT on silence.
     */
    public static Outcome udp(InetAddress address, int port, byte[] payload, int timeoutMillis) throws ErrnoException {
        return udp(address, port, payload, timeoutMillis, null, null);
    }

    /** As {@link #udp(InetAddress, int, byte[], int)}, from {@code device} and {@code source} when not null: ping -I. */
    public static Outcome udp(InetAddress address, int port, byte[] payload, int timeoutMillis, String device,
                              InetAddress source) throws ErrnoException {
        int family = address instanceof Inet6Address ? Libc.AF_INET6 : Libc.AF_INET;
        int fd = Libc.socket(family, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, Libc.IPPROTO_UDP,
                "socket(" + (family == Libc.AF_INET6 ? "AF_INET6" : "AF_INET") + ", SOCK_DGRAM, IPPROTO_UDP)");
        try (Arena arena = Arena.ofConfined()) {
            from(fd, device, source);
            MemorySegment to = SockaddrCodec.of(arena, address, port);
            try {
                Libc.connect(fd, to, "connect(UDP)");
            } catch (ErrnoException e) {
                return new Outcome(e.errno(), 0);
            }
            MemorySegment buffer = arena.allocate(Math.max(payload.length, 2048));
            MemorySegment.copy(payload, 0, buffer, JAVA_BYTE, 0, payload.length);
            long start = System.nanoTime();
            try {
                Libc.sendto(fd, buffer, payload.length, 0, null, "send(UDP)");
            } catch (ErrnoException e) {
                return new Outcome(e.errno(), System.nanoTime() - start);
            }
            MemorySegment pollfd = Libc.pollfds(arena, 1);
            long deadline = start + timeoutMillis * 1_000_000L;
            while (true) {
                long left = (deadline - System.nanoTime() + 999_999) / 1_000_000;
                if (left <= 0) {
                    return new Outcome(ETIMEDOUT, System.nanoTime() - start);
                }
                Libc.pollfd(pollfd, 0, fd, Libc.POLLIN);
                if (Libc.poll(pollfd, 1, (int) left, "poll(UDP)") == 0) {
                    continue;
                }
                try {
                    Libc.recv(fd, buffer, buffer.byteSize(), Libc.MSG_DONTWAIT, "recv(UDP)");
                    return new Outcome(0, System.nanoTime() - start);
                } catch (ErrnoException e) {
                    if (e.errno() != EAGAIN) {
                        return new Outcome(e.errno(), System.nanoTime() - start);
                    }
                }
            }
        } finally {
            Libc.close(fd);
        }
    }

    private static void from(int fd, String device, InetAddress source) throws ErrnoException {
        if (device != null) {
            SourceBinding.bindToDevice(fd, device);
        }
        if (source != null) {
            SourceBinding.bind(fd, source, "bind");
        }
    }
}
