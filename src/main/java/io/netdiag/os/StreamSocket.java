package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.net.SocketAddress;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A TCP or UNIX stream socket driven by the C library's own calls (socket, bind, listen, accept4,
 * connect, send, recv, ioctl, getsockopt), so that what a test or a user sees is what a C or Python
 * program would see: a non-blocking {@code send()} that returns short counts and then fails with the
 * real EAGAIN. Sends use {@code MSG_NOSIGNAL}, so a peer that is gone gives EPIPE rather than SIGPIPE.
 */
public final class StreamSocket implements AutoCloseable {
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int MSG_NOSIGNAL = 0x4000;
    /** ioctl: bytes in the receive queue not yet read (FIONREAD); for TCP {@code rcv_nxt - copied_seq}. */
    public static final long SIOCINQ = 0x541B;
    /** ioctl: for TCP, bytes not yet acknowledged ({@code write_seq - snd_una}); for UNIX, memory charged. */
    public static final long SIOCOUTQ = 0x5411;
    public static final int EAGAIN = 11;
    /** getsockopt(IPPROTO_TCP, TCP_INFO), include/uapi/linux/tcp.h. */
    public static final int TCP_INFO = 11;
    public static final int EINPROGRESS = 115;
    public static final int ETIMEDOUT = 110;
    public static final int EINTR = 4;

    private static final StructLayout CAPTURE = Libc.ERRNO_STATE;
    private static final MethodHandle LISTEN = call("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = call("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = call("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME = call("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SHUTDOWN = call("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private final int fd;
    private final int family;
    private volatile boolean closed;

    private StreamSocket(int fd, int family) {
        this.fd = fd;
        this.family = family;
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor) {
        return Libc.linkCapturingErrno(name, descriptor);
    }

    /** {@code socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)}. */
    public static StreamSocket open(int family) throws ErrnoException {
        int fd = Libc.socket(family, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0,
                "socket(" + familyName(family) + ", SOCK_STREAM)");
        return new StreamSocket(fd, family);
    }

    public static String familyName(int family) {
        return switch (family) {
            case Libc.AF_INET -> "AF_INET";
            case Libc.AF_INET6 -> "AF_INET6";
            case Libc.AF_UNIX -> "AF_UNIX";
            default -> "family " + family;
        };
    }

    public int fd() {
        return fd;
    }

    public int family() {
        return family;
    }

    public boolean isTcp() {
        return family != Libc.AF_UNIX;
    }

    public void bind(SocketAddress address) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            Libc.bind(fd, SockaddrCodec.encode(address, arena), "bind(" + SockaddrCodec.text(address) + ")");
        }
    }

    public void listen(int backlog) throws ErrnoException {
        MemorySegment st = Arena.ofAuto().allocate(CAPTURE);
        try {
            check((int) LISTEN.invokeExact(st, fd, backlog), st, "listen(" + backlog + ")");
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits up to {@code timeout} for a connection; null when none came in time. */
    public StreamSocket accept(Duration timeout) throws ErrnoException {
        if (!poll(Libc.POLLIN, timeout)) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            int client = check((int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, Libc.SOCK_CLOEXEC),
                    st, "accept4()");
            return new StreamSocket(client, family);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * connect(2) that gives up after {@code timeout}: the socket is made non-blocking for the call (so the
     * kernel answers EINPROGRESS), poll(2) waits for writability, and SO_ERROR says how it ended
     * (ECONNREFUSED, EHOSTUNREACH...). The socket's blocking mode is restored afterwards.
     */
    public void connect(SocketAddress address, Duration timeout) throws ErrnoException {
        String operation = "connect(" + SockaddrCodec.text(address) + ")";
        int flags = Libc.fcntl(fd, Libc.F_GETFL, 0, "fcntl(F_GETFL)");
        Libc.fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK, "fcntl(F_SETFL, O_NONBLOCK)");
        try (Arena arena = Arena.ofConfined()) {
            try {
                Libc.connect(fd, SockaddrCodec.encode(address, arena), operation);
            } catch (ErrnoException e) {
                if (e.errno() != EINPROGRESS && e.errno() != EAGAIN) {
                    throw e;
                }
                if (!poll(Libc.POLLOUT, timeout)) {
                    throw new ErrnoException(operation, ETIMEDOUT);
                }
                int error = Libc.getsockoptInt(fd, Libc.SOL_SOCKET, SO_ERROR, "getsockopt(SO_ERROR)");
                if (error != 0) {
                    throw new ErrnoException(operation, error);
                }
            }
        } finally {
            Libc.fcntl(fd, Libc.F_SETFL, flags, "fcntl(F_SETFL)");
        }
    }

    public void nonBlocking(boolean on) throws ErrnoException {
        int flags = Libc.fcntl(fd, Libc.F_GETFL, 0, "fcntl(F_GETFL)");
        int wanted = on ? flags | Libc.O_NONBLOCK : flags & ~Libc.O_NONBLOCK;
        Libc.fcntl(fd, Libc.F_SETFL, wanted, on ? "fcntl(F_SETFL, O_NONBLOCK)" : "fcntl(F_SETFL)");
    }

    /** {@code send(fd, buffer, length, MSG_NOSIGNAL)}: the count the kernel accepted, or ErrnoException. */
    public long send(MemorySegment buffer, long length) throws ErrnoException {
        return Libc.sendto(fd, buffer, length, MSG_NOSIGNAL, null, "send()");
    }

    /** recv(2); 0 means the peer closed its side. */
    public long recv(MemorySegment buffer, long length, boolean dontWait) throws ErrnoException {
        return Libc.recv(fd, buffer, length, dontWait ? Libc.MSG_DONTWAIT : 0, "recv()");
    }

    /** Waits until the socket is ready for {@code events}; false on time-out. Retries after EINTR. */
    public boolean poll(short events, Duration timeout) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = Libc.pollfds(arena, 1);
            Libc.pollfd(pollfd, 0, fd, events);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                try {
                    return Libc.poll(pollfd, 1, (int) Math.min(Integer.MAX_VALUE, left), "poll()") > 0;
                } catch (ErrnoException e) {
                    if (e.errno() != EINTR) {
                        throw e;
                    }
                }
            }
        }
    }

    public int intOption(int level, int name, String operation) throws ErrnoException {
        return Libc.getsockoptInt(fd, level, name, "getsockopt(" + operation + ")");
    }

    public void intOption(int level, int name, int value, String operation) throws ErrnoException {
        Libc.setsockopt(fd, level, name, value, "setsockopt(" + operation + ", " + value + ")");
    }

    /** SO_SNDTIMEO as a {@code struct timeval}: a blocking send gives up after it with EAGAIN. */
    public void sendTimeout(Duration timeout) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timeval = arena.allocate(16, 8);
            timeval.set(JAVA_LONG, 0, timeout.toSeconds());
            timeval.set(JAVA_LONG, 8, timeout.toMillisPart() * 1000L);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, timeval, "setsockopt(SO_SNDTIMEO, " + timeout.toMillis() + " ms)");
        }
    }

    /** ioctl(SIOCINQ). */
    public int receiveQueue() throws ErrnoException {
        return ioctlInt(SIOCINQ, "ioctl(SIOCINQ)");
    }

    /** ioctl(SIOCOUTQ). */
    public int sendQueue() throws ErrnoException {
        return ioctlInt(SIOCOUTQ, "ioctl(SIOCOUTQ)");
    }

    private int ioctlInt(long request, String operation) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            Libc.ioctl(fd, request, value, operation);
            return value.get(JAVA_INT, 0);
        }
    }

    /**
     * getsockopt(TCP_INFO): the kernel's {@code struct tcp_info}, as many bytes as this kernel fills. It is
     * the struct sock_diag carries as INET_DIAG_INFO; {@code io.netdiag.sockets.TcpInfo} decodes both.
     */
    public byte[] tcpInfoBytes() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            // room for a newer kernel's longer struct; the kernel copies min(len, its size)
            MemorySegment s = arena.allocate(512, 8);
            int length = Libc.getsockopt(fd, Libc.IPPROTO_TCP, TCP_INFO, s, "getsockopt(TCP_INFO)");
            return s.asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * The socket's inode, the key sock_diag and /proc/net report it by: the target of /proc/self/fd/N is
     * {@code socket:[INODE]}.
     */
    public long inode() throws ErrnoException {
        String link;
        try {
            link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
        } catch (java.io.IOException e) {
            throw new ErrnoException("readlink(/proc/self/fd/" + fd + ")", 2); // ENOENT: no /proc to read
        }
        if (!link.startsWith("socket:[") || !link.endsWith("]")) {
            throw new IllegalStateException("descriptor " + fd + " is not a socket: " + link);
        }
        return Long.parseLong(link.substring(8, link.length() - 1));
    }

    public SocketAddress localAddress() throws ErrnoException {
        return name(GETSOCKNAME, "getsockname()");
    }

    public SocketAddress peerAddress() throws ErrnoException {
        return name(GETPEERNAME, "getpeername()");
    }

    private SocketAddress name(MethodHandle call, String operation) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            MemorySegment address = arena.allocate(SockaddrCodec.STORAGE_SIZE, 8);
            MemorySegment length = arena.allocateFrom(JAVA_INT, SockaddrCodec.STORAGE_SIZE);
            check((int) call.invokeExact(st, fd, address, length), st, operation);
            return SockaddrCodec.decode(address, length.get(JAVA_INT, 0));
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** shutdown(SHUT_RDWR): wakes a thread blocked in send or accept on this socket. */
    public void shutdown() {
        try {
            int ignored = (int) SHUTDOWN.invokeExact(Arena.ofAuto().allocate(CAPTURE), fd, 2);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int check(int result, MemorySegment state, String operation) throws ErrnoException {
        if (result < 0) {
            throw new ErrnoException(operation, Libc.errnoOf(state));
        }
        return result;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
