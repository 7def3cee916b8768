package io.netdiag.ping;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Addresses as inet_ntop(3) writes them ({@code ::1}, not Java's {@code 0:0:0:0:0:0:0:1}). */
public final class AddressText {
    private AddressText() {
    }

    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // glibc prints IPv4-mapped and IPv4-compatible addresses with a dotted tail
        boolean mapped = words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0 && words[4] == 0
                && (words[5] == 0xffff || (words[5] == 0 && (words[6] != 0 || words[7] > 1)));
        int bestStart = -1;
        int bestLength = 0;
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
        if (bestLength < 2) {
            bestStart = -1;
        }
        int last = mapped ? 6 : 8;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < last; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                if (i + 1 >= last && mapped) {
                    // "::ffff:" handled below
                }
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(words[i]));
        }
        if (mapped) {
            if (s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(b[12] & 0xff).append('.').append(b[13] & 0xff).append('.').append(b[14] & 0xff).append('.')
                    .append(b[15] & 0xff);
        }
        String scope = "";
        Inet6Address v6 = (Inet6Address) address;
        if (v6.getScopeId() != 0) {
            scope = "%" + (v6.getScopedInterface() != null ? v6.getScopedInterface().getName() : v6.getScopeId());
        }
        return s + scope;
    }
}
