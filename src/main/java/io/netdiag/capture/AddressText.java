package io.netdiag.capture;

/** Addresses as tshark prints them with {@code -n}: dotted IPv4, RFC 5952 IPv6, colon-separated MAC. */
final class AddressText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private AddressText() {
    }

    static String ipv4(byte[] b, int off) {
        StringBuilder s = new StringBuilder(15);
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                s.append('.');
            }
            s.append(b[off + i] & 0xff);
        }
        return s.toString();
    }

    static String mac(byte[] b, int off) {
        StringBuilder s = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                s.append(':');
            }
            int v = b[off + i] & 0xff;
            s.append(HEX[v >> 4]).append(HEX[v & 15]);
        }
        return s.toString();
    }

    /** RFC 5952: lower case, leading zeros dropped, the longest run (two or more) of zero groups as "::". */
    static String ipv6(byte[] b, int off) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = WireBytes.u16(b, off + 2 * i);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        // IPv4-mapped and IPv4-compatible forms keep the dotted quad, as inet_ntop does
        if (bestStart == 0 && (bestLen == 6 || (bestLen == 5 && g[5] == 0xffff))) {
            return (bestLen == 5 ? "::ffff:" : "::") + ipv4(b, off + 12);
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
