package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The C library's getaddrinfo(3), called as a client calls it ({@code AF_UNSPEC}, one socket type, no
 * flags), so that the addresses come back in the order the system sorts them (RFC 6724 and
 * {@code /etc/gai.conf}). The JDK's resolver calls getaddrinfo too but re-sorts the answer, IPv4 first
 * unless {@code java.net.preferIPv6Addresses} says otherwise, which hides the order a C, Python or
 * Node client would try.
 */
public final class AddressInfo {
    /** EAI_SYSTEM: the error is in errno. */
    public static final int EAI_SYSTEM = -11;

    private static final MethodHandle GETADDRINFO = Libc.linkCapturingErrno("getaddrinfo",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FREEADDRINFO = Libc.linkPlain("freeaddrinfo", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle GAI_STRERROR = Libc.linkPlain("gai_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    // struct addrinfo on LP64 Linux: flags, family, socktype, protocol (4 ints), addrlen (+4 pad), addr, canonname, next
    private static final int SIZE = 48;
    private static final long FAMILY = 4;
    private static final long SOCKTYPE = 8;
    private static final long ADDRLEN = 16;
    private static final long ADDR = 24;
    private static final long NEXT = 40;

    private AddressInfo() {
    }

    /**
     * What getaddrinfo answered.
     *
     * @param code      0, or the EAI code (glibc's negative numbers: EAI_NONAME -2, EAI_AGAIN -3, ...)
     * @param errno     with EAI_SYSTEM, the errno; else 0
     * @param message   gai_strerror's words for the code, or null when it succeeded
     * @param addresses the addresses in the order returned, without repeats
     */
    public record Result(int code, int errno, String message, List<InetAddress> addresses) {
        public Result {
            addresses = List.copyOf(addresses);
        }
    }

    /** Links the C calls (a few hundred milliseconds in a cold JVM), so that a timed lookup times the lookup only. */
    public static void prepare() {
        if (GETADDRINFO == null || FREEADDRINFO == null || GAI_STRERROR == null) {
            throw new IllegalStateException("getaddrinfo not linked");
        }
    }

    /** Looks {@code host} up; {@code family} 0 for both, 4 or 6; {@code datagram} for SOCK_DGRAM (else SOCK_STREAM). */
    public static Result lookup(String host, int family, boolean datagram) {
        Platform.requireLinux("getaddrinfo");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hints = arena.allocate(SIZE, 8);
            hints.set(JAVA_INT, FAMILY, family == 4 ? Libc.AF_INET : family == 6 ? Libc.AF_INET6 : 0);
            hints.set(JAVA_INT, SOCKTYPE, datagram ? Libc.SOCK_DGRAM : Libc.SOCK_STREAM);
            MemorySegment result = arena.allocate(ADDRESS);
            MemorySegment state = arena.allocate(Libc.ERRNO_STATE);
            int code = (int) GETADDRINFO.invokeExact(state, arena.allocateFrom(host), MemorySegment.NULL, hints, result);
            if (code != 0) {
                int errno = code == EAI_SYSTEM ? Libc.errnoOf(state) : 0;
                MemorySegment text = (MemorySegment) GAI_STRERROR.invokeExact(code);
                return new Result(code, errno, text.reinterpret(256).getString(0), List.of());
            }
            MemorySegment first = result.get(ADDRESS, 0);
            List<InetAddress> addresses = new ArrayList<>();
            try {
                for (MemorySegment ai = first.reinterpret(SIZE); !ai.equals(MemorySegment.NULL) && ai.address() != 0;
                     ai = ai.get(ADDRESS, NEXT).reinterpret(SIZE)) {
                    int length = ai.get(JAVA_INT, ADDRLEN);
                    MemorySegment sockaddr = ai.get(ADDRESS, ADDR).reinterpret(length);
                    InetSocketAddress decoded = SockaddrCodec.read(sockaddr, length);
                    if (decoded != null && !addresses.contains(decoded.getAddress())) {
                        addresses.add(decoded.getAddress());
                    }
                }
            } finally {
                FREEADDRINFO.invokeExact(first);
            }
            return new Result(0, 0, null, addresses);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
