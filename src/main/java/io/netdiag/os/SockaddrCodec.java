package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Linux {@code struct sockaddr_in}, {@code sockaddr_in6} and {@code sockaddr_un}, to and from the JDK's
 * address types. The family is in host order, the port in network order; segments are sized exactly,
 * because {@link Libc#bind} and {@link Libc#connect} pass the segment's size as the address length.
 */
public final class SockaddrCodec {
    static final int SOCKADDR_STORAGE = 128;
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

    public static MemorySegment encode(SocketAddress address, Arena arena) {
        return switch (address) {
            case InetSocketAddress inet when inet.getAddress() instanceof Inet6Address v6 -> {
                MemorySegment s = arena.allocate(28);
                s.set(JAVA_SHORT, 0, (short) Libc.AF_INET6);
                s.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) inet.getPort());
                MemorySegment.copy(v6.getAddress(), 0, s, JAVA_BYTE, 8, 16);
                s.set(JAVA_INT, 24, v6.getScopeId());
                yield s;
            }
            case InetSocketAddress inet when inet.getAddress() instanceof Inet4Address v4 -> {
                MemorySegment s = arena.allocate(16);
                s.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
                s.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) inet.getPort());
                MemorySegment.copy(v4.getAddress(), 0, s, JAVA_BYTE, 4, 4);
                yield s;
            }
            case UnixDomainSocketAddress unix -> {
                byte[] path = unix.getPath().toString().getBytes(StandardCharsets.UTF_8);
                if (path.length >= SUN_PATH) {
                    throw new IllegalArgumentException("UNIX socket path longer than " + (SUN_PATH - 1) + " bytes: " + unix);
                }
                MemorySegment s = arena.allocate(2 + path.length + 1);
                s.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
                MemorySegment.copy(path, 0, s, JAVA_BYTE, 2, path.length);
                yield s;
            }
            default -> throw new IllegalArgumentException("unsupported address " + address);
        };
    }

    /** Decodes {@code length} bytes of a sockaddr the kernel wrote (getsockname, getpeername, accept). */
    public static SocketAddress decode(MemorySegment s, int length) {
        int family = Short.toUnsignedInt(s.get(JAVA_SHORT_UNALIGNED, 0));
        try {
            return switch (family) {
                case Libc.AF_INET -> {
                    byte[] a = new byte[4];
                    MemorySegment.copy(s, JAVA_BYTE, 4, a, 0, 4);
                    yield new InetSocketAddress(InetAddress.getByAddress(a), port(s));
                }
                case Libc.AF_INET6 -> {
                    byte[] a = new byte[16];
                    MemorySegment.copy(s, JAVA_BYTE, 8, a, 0, 16);
                    int scope = s.get(JAVA_INT, 24);
                    InetAddress address = scope == 0 ? InetAddress.getByAddress(a) : Inet6Address.getByAddress(null, a, scope);
                    yield new InetSocketAddress(address, port(s));
                }
                case Libc.AF_UNIX -> {
                    int end = 2;
                    while (end < length && s.get(JAVA_BYTE, end) != 0) {
                        end++;
                    }
                    byte[] path = new byte[end - 2];
                    MemorySegment.copy(s, JAVA_BYTE, 2, path, 0, path.length);
                    // an unbound or unnamed UNIX socket has no path; ss prints "*" for it
                    yield path.length == 0 ? null : UnixDomainSocketAddress.of(new String(path, StandardCharsets.UTF_8));
                }
                default -> null;
            };
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a raw address cannot be unknown", e);
        }
    }

    private static int port(MemorySegment s) {
        return Short.toUnsignedInt(s.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
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
