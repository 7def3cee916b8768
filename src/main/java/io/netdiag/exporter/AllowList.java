package io.netdiag.exporter;

import io.netdiag.explain.NetdiagException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The targets {@code /probe} may be asked for: addresses, {@code ADDRESS/PREFIX} ranges (IPv4 and IPv6) and
 * host names (matched as written, case-insensitively). A host name asked for that is not listed is resolved
 * and allowed only when every address it resolves to is inside the list, so a name cannot smuggle in an
 * address the list leaves out. An empty list allows nothing: the exporter is never an open proxy.
 */
public final class AllowList {
    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] a) {
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Range> ranges;
    private final List<String> names;
    private final List<String> written;

    private AllowList(List<Range> ranges, List<String> names, List<String> written) {
        this.ranges = ranges;
        this.names = names;
        this.written = written;
    }

    public static AllowList none() {
        return new AllowList(List.of(), List.of(), List.of());
    }

    /** Parses the entries; a malformed one is a bad-input error that names it. */
    public static AllowList of(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String e : entries) {
            String s = e == null ? "" : e.strip();
            if (s.isEmpty()) {
                throw NetdiagException.badInput("allow: an empty entry");
            }
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            if (!literal(addr)) {
                if (slash >= 0) {
                    throw NetdiagException.badInput("allow: '" + s + "' is not ADDRESS/PREFIX");
                }
                names.add(s.toLowerCase(Locale.ROOT));
                continue;
            }
            byte[] a = parse(addr);
            int prefix = a.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException x) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > a.length * 8) {
                    throw NetdiagException.badInput("allow: '" + s + "': the prefix must be 0-" + a.length * 8);
                }
            }
            ranges.add(new Range(a, prefix));
        }
        return new AllowList(List.copyOf(ranges), List.copyOf(names), List.copyOf(entries));
    }

    public List<String> entries() {
        return written;
    }

    /** Whether {@code host} (a name or an address literal, IPv6 without brackets) may be probed. */
    public boolean allows(String host) {
        if (names.contains(host.toLowerCase(Locale.ROOT))) {
            return true;
        }
        if (ranges.isEmpty()) {
            return false;
        }
        InetAddress[] all;
        try {
            all = literal(host) ? new InetAddress[] {InetAddress.ofLiteral(host)} : InetAddress.getAllByName(host);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return false;
        }
        for (InetAddress a : all) {
            if (!contains(a)) {
                return false;
            }
        }
        return all.length > 0;
    }

    private boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (address instanceof java.net.Inet6Address && isMappedV4(a)) {
            a = java.util.Arrays.copyOfRange(a, 12, 16);
        }
        for (Range r : ranges) {
            if (r.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    static boolean literal(String s) {
        return s.indexOf(':') >= 0 || (!s.isEmpty() && s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
    }

    private static byte[] parse(String literal) {
        try {
            return InetAddress.ofLiteral(literal).getAddress();
        } catch (IllegalArgumentException e) {
            throw NetdiagException.badInput("allow: '" + literal + "' is not an IP address");
        }
    }
}
