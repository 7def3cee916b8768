package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
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
    private final String protocolName;
    private int sequence = (int) (System.nanoTime() & 0x7fffffff);

    /** One message of a reply: its type and its payload (after the 16-byte header). */
    public interface MessageHandler {
        void message(int type, MemorySegment payload);
    }

    private Netlink(int fd, String protocolName) {
        this.fd = fd;
        this.protocolName = protocolName;
    }

    /** Opens a netlink socket of the given protocol; fails with the errno the kernel gave (EPERM, EAFNOSUPPORT...). */
    public static Netlink open(int protocol, String protocolName) throws ErrnoException {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol,
                "socket(AF_NETLINK, SOCK_RAW, " + protocolName + ")");
        return new Netlink(fd, protocolName);
    }

    /**
     * Sends {@code request} (the payload after the header) as a dump request of {@code type} and hands every
     * reply message to {@code handler}. An NLMSG_ERROR reply becomes an {@link ErrnoException} (ENOENT when
     * the kernel has no diag module for the family or protocol asked for).
     */
    public void dump(int type, MemorySegment request, String operation, MessageHandler handler) throws ErrnoException {
        int seq = ++sequence;
        try (Arena local = Arena.ofConfined()) {
            int length = HEADER + (int) request.byteSize();
            MemorySegment message = local.allocate(length, 4);
            message.set(JAVA_INT_UNALIGNED, 0, length);
            message.set(JAVA_SHORT_UNALIGNED, 4, (short) type);
            message.set(JAVA_SHORT_UNALIGNED, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
            message.set(JAVA_INT_UNALIGNED, 8, seq);
            message.set(JAVA_INT_UNALIGNED, 12, 0);
            MemorySegment.copy(request, 0, message, HEADER, request.byteSize());
            // struct sockaddr_nl: family u16, pad u16, pid u32 (0 = the kernel), groups u32
            MemorySegment kernel = local.allocate(12, 4);
            kernel.set(JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_NETLINK);
            Libc.sendto(fd, message, length, 0, kernel, "sendto(" + protocolName + ", " + operation + ")");
        }
        while (true) {
            long received = Libc.recv(fd, buffer, buffer.byteSize(), 0, "recv(" + protocolName + ", " + operation + ")");
            if (received == 0) {
                return;
            }
            long offset = 0;
            while (offset + HEADER <= received) {
                int len = buffer.get(JAVA_INT_UNALIGNED, offset);
                int msgType = Short.toUnsignedInt(buffer.get(JAVA_SHORT_UNALIGNED, offset + 4));
                int msgSeq = buffer.get(JAVA_INT_UNALIGNED, offset + 8);
                if (len < HEADER || offset + len > received) {
                    return; // truncated: the kernel never does this with a buffer this size
                }
                if (msgSeq == seq) {
                    if (msgType == NLMSG_DONE) {
                        return;
                    }
                    if (msgType == NLMSG_ERROR) {
                        int error = buffer.get(JAVA_INT_UNALIGNED, offset + HEADER);
                        if (error != 0) {
                            throw new ErrnoException(operation, -error);
                        }
                        return;
                    }
                    handler.message(msgType, buffer.asSlice(offset + HEADER, len - HEADER));
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
        Libc.close(fd);
        arena.close();
    }
}
