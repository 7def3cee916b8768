package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Reads a socket's error queue (IP_RECVERR / IPV6_RECVERR, recvmsg with MSG_ERRQUEUE): the ICMP errors
 * about the socket's own packets, each with its {@code struct sock_extended_err}, the sender
 * (SO_EE_OFFENDER), the start of the packet that caused it and, with SO_TIMESTAMPNS, when it arrived.
 * ICMP sockets and the UDP probe sockets of an unprivileged trace read theirs through it. One thread.
 */
public final class ErrorQueue implements AutoCloseable {
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int BUFFER = 65536 + 512;
    private static final int CONTROL = 512;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(BUFFER, 8);
    private final MemorySegment name = arena.allocate(SockaddrCodec.STORAGE_SIZE, 8);
    private final MemorySegment control = arena.allocate(CONTROL, 8);
    private final MemorySegment iov = arena.allocate(16, 8);
    private final MemorySegment msghdr = arena.allocate(56, 8);

    /** One entry of {@code fd}'s error queue (MSG_ERRQUEUE), or null when it is empty. */
    public IcmpSocket.QueuedError read(int fd) throws ErrnoException {
        Libc.msghdr(msghdr, name, iov, buffer, BUFFER, control);
        long n;
        try {
            n = Libc.recvmsg(fd, msghdr, Libc.MSG_ERRQUEUE | Libc.MSG_DONTWAIT, "recvmsg(MSG_ERRQUEUE)");
        } catch (ErrnoException e) {
            if (e.errno() == EAGAIN || e.errno() == EINTR) {
                return null;
            }
            throw e;
        }
        long kernelTime = -1;
        for (long off = 0; (off = nextControlMessage(msghdr, control, off)) >= 0; off += align(control.get(JAVA_LONG, off))) {
            if (control.get(JAVA_INT, off + 8) == Libc.SOL_SOCKET && control.get(JAVA_INT, off + 12) == Libc.SO_TIMESTAMPNS
                    && control.get(JAVA_LONG, off) >= 32) {
                kernelTime = control.get(JAVA_LONG, off + 16) * 1_000_000_000L + control.get(JAVA_LONG, off + 24);
            }
        }
        for (long off = 0; (off = nextControlMessage(msghdr, control, off)) >= 0; off += align(control.get(JAVA_LONG, off))) {
            long len = control.get(JAVA_LONG, off);
            int level = control.get(JAVA_INT, off + 8);
            int type = control.get(JAVA_INT, off + 12);
            long data = off + 16;
            boolean recverr = (level == Libc.IPPROTO_IP && type == IcmpSocket.IP_RECVERR)
                    || (level == Libc.IPPROTO_IPV6 && type == IcmpSocket.IPV6_RECVERR);
            if (recverr && len >= 16 + 16) {
                int errno = control.get(JAVA_INT, data);
                int origin = control.get(JAVA_BYTE, data + 4) & 0xff;
                int icmpType = control.get(JAVA_BYTE, data + 5) & 0xff;
                int icmpCode = control.get(JAVA_BYTE, data + 6) & 0xff;
                long info = control.get(JAVA_INT, data + 8) & 0xffffffffL;
                InetSocketAddress offender = len > 32 ? SockaddrCodec.read(control.asSlice(data + 16), len - 32) : null;
                InetSocketAddress target = SockaddrCodec.read(name, msghdr.get(JAVA_INT, 8));
                byte[] probe = new byte[(int) n];
                MemorySegment.copy(buffer, JAVA_BYTE, 0, probe, 0, (int) n);
                return new IcmpSocket.QueuedError(errno, origin, icmpType, icmpCode, info,
                        offender == null ? null : offender.getAddress(), target == null ? null : target.getAddress(), probe,
                        kernelTime);
            }
        }
        return new IcmpSocket.QueuedError(0, 0, 0, 0, 0, null, null, new byte[0], kernelTime);
    }

    /** CMSG_NXTHDR's check: the offset of a whole control message at or after {@code off}, or -1. */
    static long nextControlMessage(MemorySegment msghdr, MemorySegment control, long off) {
        long controlLength = msghdr.get(JAVA_LONG, 40);
        if (off + 16 > controlLength) {
            return -1;
        }
        long len = control.get(JAVA_LONG, off);
        return len < 16 || off + len > controlLength ? -1 : off;
    }

    static long align(long length) {
        return (length + 7) & ~7L;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
