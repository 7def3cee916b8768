package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * A netlink socket for request/dump exchanges (NETLINK_SOCK_DIAG here): send one request, receive every
 * reply message until NLMSG_DONE. Messages are handed to the caller as slices of one receive buffer that
 * is reused for every recv, so a dump of 40,000 sockets costs a few hundred system calls and no copies.
 */
public final class Netlink implements AutoCloseable {
    public static final int NETLINK_SOCK_DIAG = 4;

    /** {@code struct nlmsghdr} is 16 bytes: len u32, type u16, flags u16, seq u32, pid u32. */
    public static final int HEADER = 16;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final short NLM_F_REQUEST = 0x1;
    public static final short NLM_F_DUMP = 0x300;

    /**
     * The kernel sizes each dump batch after the largest buffer the reader passed to recvmsg, capped at
     * 32 KiB (net/netlink/af_netlink.c, max_recvmsg_len); ss reads with 32 KiB too. A bigger buffer also
     * takes a batch that holds a single message larger than that.
     */
    private static final int RECEIVE_BUFFER = 64 * 1024;

    private final int fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(RECEIVE_BUFFER, 8);
    private final byte[] heap = new byte[RECEIVE_BUFFER];
    private final String protocolName;
    private int sequence = (int) (System.nanoTime() & 0x7fffffff);

    /**
     * One message of a reply: its type and its payload (after the 16-byte header) as {@code length} bytes of
     * {@code bytes} from {@code offset}. The array is reused for the next batch: decode, do not keep it. Heap
     * bytes rather than a MemorySegment because plain array reads are fast from the first call, before the JIT
     * has compiled anything, and a listing is over before it would have.
     */
    public interface MessageHandler {
        void message(int type, byte[] bytes, int offset, int length);
    }

    /** The four calls a dump needs, linked on first use (each link costs milliseconds on a cold JVM). */
    private static final class Calls {
        static final java.lang.foreign.StructLayout CAPTURE = Libc.ERRNO_STATE;
        static final java.lang.invoke.MethodHandle SOCKET = bind("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        static final java.lang.invoke.MethodHandle SENDTO = bind("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT,
                ADDRESS, JAVA_INT);
        static final java.lang.invoke.MethodHandle RECV = bind("recv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
        static final java.lang.invoke.MethodHandle CLOSE = bind("close", JAVA_INT, JAVA_INT);

        private static java.lang.invoke.MethodHandle bind(String name, java.lang.foreign.MemoryLayout result,
                                                          java.lang.foreign.MemoryLayout... arguments) {
            return Libc.linkCapturingErrno(name, java.lang.foreign.FunctionDescriptor.of(result, arguments));
        }
    }

    private final MemorySegment errno = arena.allocate(Calls.CAPTURE);

    /**
     * Links the calls on a daemon thread, so that a command which will dump sockets can have the linker's
     * cold start (tens of milliseconds: downcall stubs are generated at run time, the AOT cache does not hold
     * them) overlap its own option parsing. A later {@link #open} waits for the linking if it is still going.
     */
    public static void linkInBackground() {
        Thread t = new Thread(Netlink::link, "netlink-link");
        t.setDaemon(true);
        t.start();
    }

    private static void link() {
        try {
            java.lang.invoke.MethodHandle ignored = Calls.CLOSE;
        } catch (Throwable t) {
            // the caller that needs the calls links them itself and reports what fails
        }
    }

    private Netlink(int fd, String protocolName) {
        this.fd = fd;
        this.protocolName = protocolName;
    }

    /** Opens a netlink socket of the given protocol; fails with the errno the kernel gave (EPERM, EAFNOSUPPORT...). */
    public static Netlink open(int protocol, String protocolName) throws ErrnoException {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment state = local.allocate(Calls.CAPTURE);
            int fd = (int) Calls.SOCKET.invokeExact(state, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw new ErrnoException("socket(AF_NETLINK, SOCK_RAW, " + protocolName + ")", Libc.errnoOf(state));
            }
            return new Netlink(fd, protocolName);
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Sends {@code request} (the payload after the header) as a dump request of {@code type} and hands every
     * reply message to {@code handler}. An NLMSG_ERROR reply becomes an {@link ErrnoException} (ENOENT when
     * the kernel has no diag module for the family or protocol asked for).
     */
    public void dump(int type, MemorySegment request, String operation, MessageHandler handler) throws ErrnoException {
        exchange(type, (short) (NLM_F_REQUEST | NLM_F_DUMP), request, operation, handler);
    }

    /**
     * Sends {@code request} as a single (non-dump) request, as sock_diag's exact lookups take it, and hands
     * the one reply message to {@code handler}. An NLMSG_ERROR reply becomes an {@link ErrnoException}
     * (sock_diag answers ENOENT both when no socket matches and when no diag module handles the family).
     */
    public void request(int type, MemorySegment request, String operation, MessageHandler handler) throws ErrnoException {
        exchange(type, NLM_F_REQUEST, request, operation, handler);
    }

    private void exchange(int type, short flags, MemorySegment request, String operation, MessageHandler handler)
            throws ErrnoException {
        boolean single = (flags & NLM_F_DUMP) == 0;
        int seq = ++sequence;
        try (Arena local = Arena.ofConfined()) {
            int length = HEADER + (int) request.byteSize();
            MemorySegment message = local.allocate(length, 4);
            message.set(JAVA_INT_UNALIGNED, 0, length);
            message.set(JAVA_SHORT_UNALIGNED, 4, (short) type);
            message.set(JAVA_SHORT_UNALIGNED, 6, flags);
            message.set(JAVA_INT_UNALIGNED, 8, seq);
            message.set(JAVA_INT_UNALIGNED, 12, 0);
            MemorySegment.copy(request, 0, message, HEADER, request.byteSize());
            // struct sockaddr_nl: family u16, pad u16, pid u32 (0 = the kernel), groups u32
            MemorySegment kernel = local.allocate(12, 4);
            kernel.set(JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_NETLINK);
            long sent;
            try {
                sent = (long) Calls.SENDTO.invokeExact(errno, fd, message, (long) length, 0, kernel, 12);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (sent < 0) {
                throw new ErrnoException("sendto(" + protocolName + ", " + operation + ")", Libc.errnoOf(errno));
            }
        }
        while (true) {
            long received;
            try {
                received = (long) Calls.RECV.invokeExact(errno, fd, buffer, buffer.byteSize(), 0);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (received < 0) {
                int e = Libc.errnoOf(errno);
                if (e == 4) { // EINTR
                    continue;
                }
                throw new ErrnoException("recv(" + protocolName + ", " + operation + ")", e);
            }
            if (received == 0) {
                return;
            }
            int total = (int) received;
            MemorySegment.copy(buffer, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, heap, 0, total);
            int offset = 0;
            while (offset + HEADER <= total) {
                int len = NativeBytes.s32(heap, offset);
                int msgType = NativeBytes.u16(heap, offset + 4);
                int msgSeq = NativeBytes.s32(heap, offset + 8);
                if (len < HEADER || offset + len > total) {
                    return; // truncated: the kernel never does this with a buffer this size
                }
                if (msgSeq == seq) {
                    if (msgType == NLMSG_DONE) {
                        // a dump that failed after it started (ENOENT: no diag module for this protocol) ends
                        // with its negative errno as the DONE message's payload, not with NLMSG_ERROR
                        if (len >= HEADER + 4 && NativeBytes.s32(heap, offset + HEADER) < 0) {
                            throw new ErrnoException(operation, -NativeBytes.s32(heap, offset + HEADER));
                        }
                        return;
                    }
                    if (msgType == NLMSG_ERROR) {
                        int error = NativeBytes.s32(heap, offset + HEADER);
                        if (error != 0) {
                            throw new ErrnoException(operation, -error);
                        }
                        return;
                    }
                    handler.message(msgType, heap, offset + HEADER, len - HEADER);
                    if (single) {
                        return; // an exact lookup answers with one message and no NLMSG_DONE
                    }
                }
                offset += align(len);
            }
        }
    }

    /** NLMSG_ALIGN and RTA_ALIGN: 4 bytes. */
    public static int align(int length) {
        return (length + 3) & ~3;
    }

    @Override
    public void close() {
        try {
            int ignored = (int) Calls.CLOSE.invokeExact(errno, fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
    }
}
