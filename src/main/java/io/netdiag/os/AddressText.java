package io.netdiag.os;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Numeric address text exactly as glibc's inet_ntop(3) writes it, which is what ss, ip and iputils ping
 * print: dotted quads, and RFC 5952 IPv6 ({@code ::1}, not the JDK's {@code 0:0:0:0:0:0:0:1}). The raw-byte
 * forms exist because the sockets engine formats thousands of sock_diag rows without building InetAddress.
 */
public final class AddressText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private AddressText() {
    }

    /** {@code address} as ping prints it: IPv6 in RFC 5952 form with {@code %interface} for a scoped address. */
    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return address.getHostAddress();
        }
        String text = ipv6(v6.getAddress(), 0);
        if (v6.getScopeId() == 0) {
            return text;
        }
        // getnameinfo(NI_NUMERICHOST), which ping uses, names the interface rather than its index
        return text + "%" + (v6.getScopedInterface() != null ? v6.getScopedInterface().getName() : v6.getScopeId());
    }

    /** The four bytes at {@code offset} as a dotted quad. */
    public static String ipv4(byte[] a, int offset) {
        StringBuilder b = new StringBuilder(15);
        appendIpv4(b, a, offset);
        return b.toString();
    }

    public static String ipv6(byte[] a) {
        return ipv6(a, 0);
    }

    /** The sixteen bytes at {@code offset} as inet_ntop(AF_INET6) writes them (no scope). */
    public static String ipv6(byte[] a, int offset) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((a[offset + 2 * i] & 0xff) << 8) | (a[offset + 2 * i + 1] & 0xff);
        }
        // the longest run of two or more zero groups becomes "::"; on a tie the first run wins
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        // glibc's rule for an IPv4 tail: IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d with a
        // non-zero seventh group, so ::2 stays ::2)
        boolean ipv4Tail = bestStart == 0 && (bestLength == 6 || (bestLength == 5 && words[5] == 0xffff));
        int end = ipv4Tail ? 6 : 8;
        StringBuilder b = new StringBuilder(45);
        for (int i = 0; i < end; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!b.isEmpty() && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            hex(b, words[i]);
        }
        if (ipv4Tail) {
            if (b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            appendIpv4(b, a, offset + 12);
        }
        return b.toString();
    }

    private static void appendIpv4(StringBuilder b, byte[] a, int offset) {
        b.append(a[offset] & 0xff).append('.').append(a[offset + 1] & 0xff).append('.')
                .append(a[offset + 2] & 0xff).append('.').append(a[offset + 3] & 0xff);
    }

    private static void hex(StringBuilder b, int word) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int digit = (word >> shift) & 0xf;
            if (digit != 0 || started || shift == 0) {
                b.append(HEX[digit]);
                started = true;
            }
        }
    }
}
