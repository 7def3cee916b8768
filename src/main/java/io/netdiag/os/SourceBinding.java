package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Where a probe leaves from, as ping's {@code -I} asks: a socket tied to a device (SO_BINDTODEVICE, which
 * since Linux 5.7 needs no privilege on a socket not yet tied to one) or bound to a local address, and
 * the source address the kernel picks for a target through a device, found as iputils finds it: a UDP
 * socket tied to the device, connect()ed to the target (no packet leaves), then getsockname().
 */
public final class SourceBinding {
    /** {@code <asm-generic/socket.h>}. */
    public static final int SO_BINDTODEVICE = 25;

    private static final MethodHandle GETSOCKNAME = Libc.linkCapturingErrno("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle IF_NAMETOINDEX = Libc.linkPlain("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private SourceBinding() {
    }

    /** Ties {@code fd} to the device; the operation of a failure is iputils' {@code SO_BINDTODEVICE NAME}. */
    public static void bindToDevice(int fd, String device) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            byte[] name = device.getBytes(StandardCharsets.UTF_8);
            MemorySegment value = arena.allocate(name.length + 1L);
            MemorySegment.copy(name, 0, value, JAVA_BYTE, 0, name.length);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, SO_BINDTODEVICE, value, "SO_BINDTODEVICE " + device);
        }
    }

    /** Binds {@code fd} to a local address, port 0 (the kernel's choice, or a datagram ICMP socket's identifier). */
    public static void bind(int fd, InetAddress source, String operation) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            Libc.bind(fd, SockaddrCodec.of(arena, source, 0), operation);
        }
    }

    /** The interface index of {@code device}, 0 when there is no such interface (if_nametoindex). */
    public static int deviceIndex(String device) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) IF_NAMETOINDEX.invokeExact(arena.allocateFrom(device));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The source address the kernel chooses for {@code target} when packets must leave through
     * {@code device} (null: any device). Throws ENODEV ("SO_BINDTODEVICE NAME") for an unknown device,
     * ENETUNREACH and the like ("connect") when no route leaves through it.
     */
    public static InetAddress sourceFor(InetAddress target, String device) throws ErrnoException {
        int family = target instanceof Inet6Address ? Libc.AF_INET6 : Libc.AF_INET;
        int fd = Libc.socket(family, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0, "socket");
        try (Arena arena = Arena.ofConfined()) {
            if (device != null) {
                bindToDevice(fd, device);
            }
            Libc.connect(fd, SockaddrCodec.of(arena, target, 1025), "connect");
            InetSocketAddress local = localAddress(fd);
            if (local == null) {
                throw new ErrnoException("getsockname", 97); // EAFNOSUPPORT: not an inet address
            }
            return local.getAddress();
        } finally {
            Libc.close(fd);
        }
    }

    /** The local address and port {@code fd} is bound to (getsockname), or null for another family. */
    public static InetSocketAddress localAddress(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(SockaddrCodec.STORAGE_SIZE, 8);
            MemorySegment length = arena.allocateFrom(JAVA_INT, SockaddrCodec.STORAGE_SIZE);
            MemorySegment state = arena.allocate(Libc.ERRNO_STATE);
            int rc;
            try {
                rc = (int) GETSOCKNAME.invokeExact(state, fd, name, length);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (rc < 0) {
                throw new ErrnoException("getsockname", Libc.errnoOf(state));
            }
            return SockaddrCodec.read(name, length.get(JAVA_INT, 0));
        }
    }
}
