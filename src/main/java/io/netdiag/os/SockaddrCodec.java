package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Linux {@code struct sockaddr_in}, {@code sockaddr_in6} and {@code sockaddr_un}, to and from the JDK's
 * address types. The family is in host order, the port in network order. Segments from {@link #encode} and
 * {@link #of} are sized exactly, because {@link Libc#bind} and {@link Libc#connect} pass the segment's size
 * as the address length; {@link #write} fills a reusable segment instead, so that ping's send loop allocates
 * nothing per probe.
 */
public final class SockaddrCodec {
    /** sizeof(struct sockaddr_in). */
    public static final int IN_SIZE = 16;
    /** sizeof(struct sockaddr_in6). */
    public static final int IN6_SIZE = 28;
    /** sizeof(struct sockaddr_storage): big enough for any family the kernel returns. */
    public static final int STORAGE_SIZE = 128;
    private static final int SUN_PATH = 108;

    private SockaddrCodec() {
    }

    /** The address family ({@code AF_INET}, {@code AF_INET6}, {@code AF_UNIX}) an address needs. */
    public static int family(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet when inet.getAddress() instanceof Inet6Address -> Libc.AF_INET6;
            case InetSocketAddress inet -> Libc.AF_INET;
            case UnixDomainSocketAddress unix -> Libc.AF_UNIX;
            default -> throw new IllegalArgumentException("unsupported address " + address);
        };
    }

    /** A sockaddr for a resolved IP socket address or a UNIX path, allocated in the arena. */
    public static MemorySegment encode(SocketAddress address, Arena arena) {
        return switch (address) {
            case InetSocketAddress inet when inet.getAddress() != null -> of(arena, inet.getAddress(), inet.getPort());
            case UnixDomainSocketAddress unix -> {
                byte[] path = unix.getPath().toString().getBytes(StandardCharsets.UTF_8);
                if (path.length >= SUN_PATH) {
                    throw new IllegalArgumentException("UNIX socket path longer than " + (SUN_PATH - 1) + " bytes: " + unix);
                }
                MemorySegment s = arena.allocate(2 + path.length + 1);
                s.set(JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_UNIX);
                MemorySegment.copy(path, 0, s, JAVA_BYTE, 2, path.length);
                yield s;
            }
            default -> throw new IllegalArgumentException("unsupported address " + address);
        };
    }

    /** A sockaddr_in or sockaddr_in6 for the address and port, allocated in the arena. */
    public static MemorySegment of(Arena arena, InetAddress address, int port) {
        MemorySegment s = arena.allocate(address instanceof Inet6Address ? IN6_SIZE : IN_SIZE, 8);
        write(s, address, port);
        return s;
    }

    /** Writes the sockaddr into {@code s}, which must be large enough; returns the length used. */
    public static int write(MemorySegment s, InetAddress address, int port) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet6Address v6) {
            s.asSlice(0, IN6_SIZE).fill((byte) 0);
            s.set(JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_INET6);
            putPort(s, port);
            MemorySegment.copy(raw, 0, s, JAVA_BYTE, 8, 16);
            s.set(JAVA_INT_UNALIGNED, 24, v6.getScopeId());
            return IN6_SIZE;
        }
        s.asSlice(0, IN_SIZE).fill((byte) 0);
        s.set(JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_INET);
        putPort(s, port);
        MemorySegment.copy(raw, 0, s, JAVA_BYTE, 4, 4);
        return IN_SIZE;
    }

    private static void putPort(MemorySegment s, int port) {
        s.set(JAVA_BYTE, 2, (byte) (port >>> 8));
        s.set(JAVA_BYTE, 3, (byte) port);
    }

    /**
     * Decodes {@code length} bytes of a sockaddr the kernel wrote (getsockname, getpeername, accept): an
     * {@link InetSocketAddress} as {@link #read} gives it, a {@link UnixDomainSocketAddress}, or null for an
     * unnamed UNIX socket or another family.
     */
    public static SocketAddress decode(MemorySegment s, int length) {
        if (length >= 2 && Short.toUnsignedInt(s.get(JAVA_SHORT_UNALIGNED, 0)) == Libc.AF_UNIX) {
            int end = 2;
            while (end < length && s.get(JAVA_BYTE, end) != 0) {
                end++;
            }
            byte[] path = new byte[end - 2];
            MemorySegment.copy(s, JAVA_BYTE, 2, path, 0, path.length);
            // an unbound or unnamed UNIX socket has no path; ss prints "*" for it
            return path.length == 0 ? null : UnixDomainSocketAddress.of(new String(path, StandardCharsets.UTF_8));
        }
        return read(s, length);
    }

    /** Reads a sockaddr_in or sockaddr_in6; null for other families or short lengths. */
    public static InetSocketAddress read(MemorySegment s, long length) {
        if (length < 2) {
            return null;
        }
        int family = Short.toUnsignedInt(s.get(JAVA_SHORT_UNALIGNED, 0));
        int port = ((s.get(JAVA_BYTE, 2) & 0xff) << 8) | (s.get(JAVA_BYTE, 3) & 0xff);
        try {
            if (family == Libc.AF_INET && length >= 8) {
                byte[] raw = new byte[4];
                MemorySegment.copy(s, JAVA_BYTE, 4, raw, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(raw), port);
            }
            if (family == Libc.AF_INET6 && length >= 24) {
                byte[] raw = new byte[16];
                MemorySegment.copy(s, JAVA_BYTE, 8, raw, 0, 16);
                int scope = length >= IN6_SIZE ? s.get(JAVA_INT_UNALIGNED, 24) : 0;
                InetAddress a = InetAddress.getByAddress(raw);
                if (a instanceof Inet6Address && scope != 0) {
                    a = Inet6Address.getByAddress(null, raw, scope);
                } else if (a instanceof Inet4Address) {
                    // an IPv4-mapped address comes back as Inet4Address; keep it as the kernel said (and ss prints)
                    a = Inet6Address.getByAddress(null, raw, -1);
                }
                return new InetSocketAddress(a, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a raw address cannot be unknown", e);
        }
        return null;
    }

    /** How ss and users write an endpoint: {@code 127.0.0.1:5000}, {@code [::1]:5000}, {@code /run/x.sock}, or {@code *}. */
    public static String text(SocketAddress address) {
        return switch (address) {
            case null -> "*";
            case InetSocketAddress inet when inet.getAddress() instanceof Inet6Address v6 ->
                    "[" + AddressText.ipv6(v6.getAddress()) + "]:" + inet.getPort();
            case InetSocketAddress inet when inet.getAddress() != null -> inet.getAddress().getHostAddress() + ":" + inet.getPort();
            case InetSocketAddress inet -> inet.getHostString() + ":" + inet.getPort();
            case UnixDomainSocketAddress unix -> unix.getPath().toString();
            default -> address.toString();
        };
    }
}
