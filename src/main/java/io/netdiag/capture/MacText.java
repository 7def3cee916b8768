package io.netdiag.capture;

/**
 * A MAC address as tshark prints it with {@code -n}: six colon-separated lower-case hex pairs. IPv4 and IPv6
 * text comes from {@link io.netdiag.os.AddressText}, the one inet_ntop (tshark formats with the system's).
 */
final class MacText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MacText() {
    }

    /** The six bytes at {@code off}. */
    static String of(byte[] b, int off) {
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
}
