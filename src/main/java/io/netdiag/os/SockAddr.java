package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct sockaddr_in} and {@code struct sockaddr_in6} in native memory (Linux layout: family in
 * host order, port in network order).
 */
public final class SockAddr {
    /** sizeof(struct sockaddr_in). */
    public static final int IN_SIZE = 16;
    /** sizeof(struct sockaddr_in6). */
    public static final int IN6_SIZE = 28;
    /** Big enough for either. */
    public static final int STORAGE_SIZE = 128;

    private SockAddr() {
    }

    /** A sockaddr for the address and port, allocated in the arena. */
    public static MemorySegment of(Arena arena, InetAddress address, int port) {
        if (address instanceof Inet6Address v6) {
            MemorySegment s = arena.allocate(IN6_SIZE, 8);
            write(s, v6, port);
            return s;
        }
        MemorySegment s = arena.allocate(IN_SIZE, 8);
        write(s, address, port);
        return s;
    }

    /** Writes the sockaddr into {@code s}, which must be large enough; returns the length used. */
    public static int write(MemorySegment s, InetAddress address, int port) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet6Address v6) {
            s.asSlice(0, IN6_SIZE).fill((byte) 0);
            s.set(JAVA_SHORT, 0, (short) Libc.AF_INET6);
            putPort(s, port);
            MemorySegment.copy(raw, 0, s, JAVA_BYTE, 8, 16);
            s.set(JAVA_INT, 24, v6.getScopeId());
            return IN6_SIZE;
        }
        s.asSlice(0, IN_SIZE).fill((byte) 0);
        s.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
        putPort(s, port);
        MemorySegment.copy(raw, 0, s, JAVA_BYTE, 4, 4);
        return IN_SIZE;
    }

    private static void putPort(MemorySegment s, int port) {
        s.set(JAVA_BYTE, 2, (byte) (port >>> 8));
        s.set(JAVA_BYTE, 3, (byte) port);
    }

    /** Reads a sockaddr_in or sockaddr_in6; null for other families or short lengths. */
    public static InetSocketAddress read(MemorySegment s, long length) {
        if (length < 2) {
            return null;
        }
        int family = s.get(JAVA_SHORT, 0);
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
                int scope = length >= IN6_SIZE ? s.get(JAVA_INT, 24) : 0;
                InetAddress a = InetAddress.getByAddress(raw);
                if (a instanceof Inet6Address && scope != 0) {
                    a = Inet6Address.getByAddress(null, raw, scope);
                } else if (a instanceof Inet4Address) {
                    // an IPv4-mapped address comes back as Inet4Address; keep it as the kernel said
                    a = Inet6Address.getByAddress(null, raw, -1);
                }
                return new InetSocketAddress(a, port);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }
}
