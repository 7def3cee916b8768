package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The C library calls netdiag makes, through the Foreign Function &amp; Memory API. Every call that can
 * fail captures errno right after the call (the JVM may overwrite it otherwise) and throws
 * {@link ErrnoException} naming the operation. Constants are Linux's (x86-64 and aarch64 agree).
 */
public final class Libc {
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;

    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 04000;
    public static final int SOCK_CLOEXEC = 02000000;

    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_ICMP = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPPROTO_ICMPV6 = 58;

    public static final int SOL_SOCKET = 1;
    public static final int SO_BROADCAST = 6;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_SNDTIMEO = 21;
    public static final int SO_TIMESTAMP = 29;
    public static final int SO_TIMESTAMPNS = 35;

    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_ERRQUEUE = 0x2000;

    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;

    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int O_NONBLOCK = 04000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup C = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    /**
     * Where errno sits in {@link #CAPTURE}, read as a plain int: a VarHandle for the struct's path costs a cold JVM
     * ~4 ms of generated classes, and this class is initialised on the thread that links a sockets listing's call.
     */
    private static final long ERRNO_OFFSET = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option SAVE_ERRNO = Linker.Option.captureCallState("errno");


    // One holder class per function: a handle is linked on first use, not when Libc loads, because
    // each downcallHandle costs milliseconds on a cold JVM and most commands need only a few.
    private static final class Socket {
        static final MethodHandle H = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class Close {
        static final MethodHandle H = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class Bind {
        static final MethodHandle H = errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class Connect {
        static final MethodHandle H = errnoCall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class Sendto {
        static final MethodHandle H = errnoCall("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class Recvfrom {
        static final MethodHandle H = errnoCall("recvfrom", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class Recvmsg {
        static final MethodHandle H = errnoCall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class Setsockopt {
        static final MethodHandle H = errnoCall("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class Getsockopt {
        static final MethodHandle H = errnoCall("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class Poll {
        static final MethodHandle H = errnoCall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private static final class Fcntl {
        static final MethodHandle H = errnoCall("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class Ioctl {
        static final MethodHandle H = errnoCall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    }

    private static final class Strerror {
        static final MethodHandle H = plainCall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private static final class Geteuid {
        static final MethodHandle H = plainCall("geteuid", FunctionDescriptor.of(JAVA_INT));
    }

    private static final class Getuid {
        static final MethodHandle H = plainCall("getuid", FunctionDescriptor.of(JAVA_INT));
    }

    private Libc() {
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor descriptor) {
        return C.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor, SAVE_ERRNO)).orElse(null);
    }

    private static MethodHandle plainCall(String name, FunctionDescriptor descriptor) {
        return C.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor)).orElse(null);
    }

    /**
     * The state an errno-capturing handle from {@link #linkCapturingErrno} writes errno into: the calls in
     * this package that Libc does not bind (StreamSocket, Netlink, FdDirectory) allocate it per call or per object.
     */
    static final StructLayout ERRNO_STATE = CAPTURE;

    /** Links a C function whose errno is captured into an {@link #ERRNO_STATE} segment passed first. */
    static MethodHandle linkCapturingErrno(String name, FunctionDescriptor descriptor) {
        return C.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor, SAVE_ERRNO))
                .orElseThrow(() -> new IllegalStateException("the C library has no " + name));
    }

    /** Links a C function whose errno is not needed. */
    static MethodHandle linkPlain(String name, FunctionDescriptor descriptor) {
        return C.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor))
                .orElseThrow(() -> new IllegalStateException("the C library has no " + name));
    }

    /** The errno a capturing call left in {@code state}. */
    static int errnoOf(MemorySegment state) {
        return state.get(JAVA_INT_UNALIGNED, ERRNO_OFFSET);
    }

    /** A per-thread buffer for the captured errno, so hot loops allocate nothing. */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private static MemorySegment state() {
        return STATE.get();
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    private static int check(int result, MemorySegment state, String operation) throws ErrnoException {
        if (result < 0) {
            throw new ErrnoException(operation, errnoOf(state));
        }
        return result;
    }

    private static long check(long result, MemorySegment state, String operation) throws ErrnoException {
        if (result < 0) {
            throw new ErrnoException(operation, errnoOf(state));
        }
        return result;
    }

    public static int socket(int domain, int type, int protocol, String operation) throws ErrnoException {
        MemorySegment st = state();
        try {
            return check((int) Socket.H.invokeExact(st, domain, type, protocol), st, operation);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Closes quietly: there is nothing useful to do about a failed close of a probe socket. */
    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int ignored = (int) Close.H.invokeExact(state(), fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void bind(int fd, MemorySegment address, String operation) throws ErrnoException {
        MemorySegment st = state();
        try {
            check((int) Bind.H.invokeExact(st, fd, address, (int) address.byteSize()), st, operation);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void connect(int fd, MemorySegment address, String operation) throws ErrnoException {
        MemorySegment st = state();
        try {
            check((int) Connect.H.invokeExact(st, fd, address, (int) address.byteSize()), st, operation);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** sendto(2); a null address sends on a connected socket. */
    public static long sendto(int fd, MemorySegment buffer, long length, int flags, MemorySegment address, String operation)
            throws ErrnoException {
        MemorySegment st = state();
        MemorySegment to = address == null ? MemorySegment.NULL : address;
        int toLength = address == null ? 0 : (int) address.byteSize();
        try {
            return check((long) Sendto.H.invokeExact(st, fd, buffer, length, flags, to, toLength), st, operation);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** recvfrom(2) without the source address. */
    public static long recv(int fd, MemorySegment buffer, long length, int flags, String operation) throws ErrnoException {
        MemorySegment st = state();
        try {
            return check((long) Recvfrom.H.invokeExact(st, fd, buffer, length, flags, MemorySegment.NULL, MemorySegment.NULL),
                    st, operation);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Fills a {@code struct msghdr} (56 bytes on 64-bit Linux) for one receive: the sender's address into
     * {@code name}, the data into {@code buffer} through the one-entry {@code iov}, control messages into
     * {@code control}.
     */
    public static void msghdr(MemorySegment msghdr, MemorySegment name, MemorySegment iov, MemorySegment buffer,
                              long capacity, MemorySegment control) {
        msghdr.fill((byte) 0);
        iov.set(ADDRESS, 0, buffer);
        iov.set(JAVA_LONG, 8, capacity);
        msghdr.set(ADDRESS, 0, name);
        msghdr.set(JAVA_INT, 8, (int) name.byteSize());
        msghdr.set(ADDRESS, 16, iov);
        msghdr.set(JAVA_LONG, 24, 1L);
        msghdr.set(ADDRESS, 32, control);
        msghdr.set(JAVA_LONG, 40, control.byteSize());
    }

    /** recvmsg(2) with a caller-built {@code struct msghdr}. */
    public static long recvmsg(int fd, MemorySegment msghdr, int flags, String operation) throws ErrnoException {
        MemorySegment st = state();
        try {
            return check((long) Recvmsg.H.invokeExact(st, fd, msghdr, flags), st, operation);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void setsockopt(int fd, int level, int name, MemorySegment value, String operation) throws ErrnoException {
        MemorySegment st = state();
        try {
            check((int) Setsockopt.H.invokeExact(st, fd, level, name, value, (int) value.byteSize()), st, operation);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void setsockopt(int fd, int level, int name, int value, String operation) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            setsockopt(fd, level, name, arena.allocateFrom(JAVA_INT, value), operation);
        }
    }

    /** getsockopt(2) into {@code value}; returns the length the kernel wrote. */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, String operation) throws ErrnoException {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) value.byteSize());
            check((int) Getsockopt.H.invokeExact(st, fd, level, name, value, length), st, operation);
            return length.get(JAVA_INT, 0);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getsockoptInt(int fd, int level, int name, String operation) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            getsockopt(fd, level, name, value, operation);
            return value.get(JAVA_INT, 0);
        }
    }

    /** Room for {@code count} {@code struct pollfd}s (int fd, short events, short revents: 8 bytes each). */
    public static MemorySegment pollfds(SegmentAllocator arena, int count) {
        return arena.allocate(8L * count, 4);
    }

    /** Sets {@code struct pollfd} number {@code index} of {@code pollfds} to wait on {@code fd} for {@code events}. */
    public static void pollfd(MemorySegment pollfds, int index, int fd, short events) {
        long at = 8L * index;
        pollfds.set(JAVA_INT, at, fd);
        pollfds.set(JAVA_SHORT, at + 4, events);
        pollfds.set(JAVA_SHORT, at + 6, (short) 0);
    }

    /** What poll(2) returned in {@code struct pollfd} number {@code index} of {@code pollfds}. */
    public static short revents(MemorySegment pollfds, int index) {
        return pollfds.get(JAVA_SHORT, 8L * index + 6);
    }

    /** poll(2) on {@code struct pollfd}s filled with {@link #pollfd}; returns the number ready (0 on time-out). */
    public static int poll(MemorySegment pollfds, long count, int timeoutMillis, String operation) throws ErrnoException {
        MemorySegment st = state();
        try {
            return check((int) Poll.H.invokeExact(st, pollfds, count, timeoutMillis), st, operation);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int fcntl(int fd, int command, int argument, String operation) throws ErrnoException {
        MemorySegment st = state();
        try {
            return check((int) Fcntl.H.invokeExact(st, fd, command, argument), st, operation);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int ioctl(int fd, long request, MemorySegment argument, String operation) throws ErrnoException {
        MemorySegment st = state();
        try {
            return check((int) Ioctl.H.invokeExact(st, fd, request, argument), st, operation);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The C library's message for an errno, as perror(3) prints it. */
    public static String strerror(int errno) {
        if (Strerror.H == null) {
            return "errno " + errno;
        }
        try {
            MemorySegment text = (MemorySegment) Strerror.H.invokeExact(errno);
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int geteuid() {
        try {
            return (int) Geteuid.H.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getuid() {
        try {
            return (int) Getuid.H.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
