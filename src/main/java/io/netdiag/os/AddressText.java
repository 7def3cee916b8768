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

    /**
     * The IPv4 address {@code text} names in any form glibc's inet_aton(3) accepts, which is how getaddrinfo, and so
     * iputils ping and traceroute, read a numeric host: one to four parts separated by dots, each decimal, octal
     * with a leading 0 or hexadecimal with 0x, the last part filling the bytes left ({@code 127.1} is 127.0.0.1,
     * {@code 0x7f000001} too, {@code 010.0.0.1} is 8.0.0.1); null when it is not such an address. The JDK reads
     * {@code 010.0.0.1} as 10.0.0.1 and refuses hexadecimal parts.
     */
    public static java.net.Inet4Address inetAton(String text) {
        long[] parts = new long[4];
        int count = 0;
        int i = 0;
        int n = text.length();
        while (true) {
            if (count == 4) {
                return null; // a fifth part
            }
            long value = 0;
            int base = 10;
            boolean digit = false;
            if (i < n && text.charAt(i) == '0') {
                i++;
                if (i < n && (text.charAt(i) == 'x' || text.charAt(i) == 'X')) {
                    base = 16;
                    i++;
                } else {
                    base = 8;
                    digit = true;
                }
            }
            for (; i < n; i++) {
                int d = Character.digit(text.charAt(i), base == 8 ? 10 : base);
                if (d < 0 || text.charAt(i) > 'f') {
                    break; // (Character.digit also takes non-ASCII digits)
                }
                if (base == 8 && d > 7) {
                    return null;
                }
                value = value * base + d;
                digit = true;
                if (value > 0xffffffffL) {
                    return null;
                }
            }
            if (!digit) {
                return null;
            }
            parts[count++] = value;
            if (i < n && text.charAt(i) == '.') {
                if (value > 0xff) {
                    return null;
                }
                i++;
                continue;
            }
            break;
        }
        if (i != n) {
            return null; // anything after the number
        }
        long last = parts[count - 1];
        if (last > 0xffffffffL >>> (8 * (count - 1))) {
            return null;
        }
        long address = last;
        for (int p = 0; p < count - 1; p++) {
            address |= parts[p] << (8 * (3 - p));
        }
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return (java.net.Inet4Address) InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always an address
        }
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
