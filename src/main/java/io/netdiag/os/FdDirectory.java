package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A process's /proc/PID/fd directory, opened once so that each descriptor's link is read with
 * {@code readlinkat(dirfd, "N")}: the kernel then resolves one name per descriptor instead of the whole
 * {@code /proc/PID/fd/N} path, and no Java Path or String is made for descriptors that are not sockets.
 * This walk is what makes {@code ss -p} slow on hosts with many descriptors.
 */
public final class FdDirectory implements AutoCloseable {
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final byte[] SOCKET = "socket:[".getBytes(StandardCharsets.US_ASCII);

    private static final class Calls {
        static final MethodHandle OPEN = Libc.linkCapturingErrno("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle READLINKAT = Libc.linkPlain("readlinkat", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle CLOSE = Libc.linkPlain("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment name = arena.allocate(32);
    private final MemorySegment link = arena.allocate(64);
    private final int fd;

    private FdDirectory(int fd) {
        this.fd = fd;
    }

    /**
     * Opens {@code /proc/PID/fd}; fails with EACCES for another user's process (without root) and ENOENT
     * for one that has exited.
     */
    public static FdDirectory open(int pid) throws ErrnoException {
        int fd;
        int errno;
        try (Arena local = Arena.ofConfined()) {
            MemorySegment path = local.allocateFrom("/proc/" + pid + "/fd");
            MemorySegment state = local.allocate(Libc.ERRNO_STATE);
            fd = (int) Calls.OPEN.invokeExact(state, path, O_RDONLY | O_DIRECTORY | Libc.SOCK_CLOEXEC);
            errno = Libc.errnoOf(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (fd < 0) {
            throw new ErrnoException("open(/proc/" + pid + "/fd)", errno);
        }
        return new FdDirectory(fd);
    }

    /** The socket inode descriptor {@code fdName} refers to, or -1 when it is not a socket (or is gone). */
    public long socketInode(String fdName) {
        int n = fdName.length();
        if (n >= 31) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            name.set(JAVA_BYTE, i, (byte) fdName.charAt(i));
        }
        name.set(JAVA_BYTE, n, (byte) 0);
        long length;
        try {
            length = (long) Calls.READLINKAT.invokeExact(fd, name, link, link.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (length <= SOCKET.length + 1) {
            return -1;
        }
        for (int i = 0; i < SOCKET.length; i++) {
            if (link.get(JAVA_BYTE, i) != SOCKET[i]) {
                return -1;
            }
        }
        long inode = 0;
        for (long i = SOCKET.length; i < length; i++) {
            byte b = link.get(JAVA_BYTE, i);
            if (b == ']') {
                return inode;
            }
            if (b < '0' || b > '9') {
                return -1;
            }
            inode = inode * 10 + (b - '0');
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            int ignored = (int) Calls.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
    }
}
