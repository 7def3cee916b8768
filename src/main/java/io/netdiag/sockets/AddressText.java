package io.netdiag.sockets;

/** Numeric address text without InetAddress: dotted quads and RFC 5952 IPv6 (longest zero run as ::). */
final class AddressText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private AddressText() {
    }

    static String ipv4(byte[] a, int offset) {
        StringBuilder b = new StringBuilder(15);
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                b.append('.');
            }
            b.append(a[offset + i] & 0xff);
        }
        return b.toString();
    }

    static String ipv6(byte[] a) {
        return ipv6(a, 0);
    }

    static String ipv6(byte[] a, int offset) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((a[offset + 2 * i] & 0xff) << 8) | (a[offset + 2 * i + 1] & 0xff);
        }
        // ::ffff:a.b.c.d keeps the IPv4 tail, as inet_ntop prints it
        boolean mapped = words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0 && words[4] == 0
                && words[5] == 0xffff;
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] == 0) {
                int j = i;
                while (j < 8 && words[j] == 0) {
                    j++;
                }
                if (j - i > bestLength && j - i > 1) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder b = new StringBuilder(39);
        int end = mapped ? 6 : 8;
        for (int i = 0; i < end; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLength - 1;
                if (i >= end - 1) {
                    continue;
                }
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            hex(b, words[i]);
        }
        if (mapped) {
            if (b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(ipv4(a, offset + 12));
        }
        return b.toString();
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
