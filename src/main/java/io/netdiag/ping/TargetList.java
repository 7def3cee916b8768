package io.netdiag.ping;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Targets as written, with CIDR ranges expanded to their host addresses (as fping -g does). */
public final class TargetList {
    /** The most addresses one command will probe. */
    public static final int MAX_ADDRESSES = 65536;

    private TargetList() {
    }

    /** One address to probe and how to name it. */
    public record Entry(String label, InetAddress address) {
    }

    /** Whether any target is a range, which switches ping to its several-targets mode. */
    public static boolean hasRange(List<String> targets) {
        return targets.stream().anyMatch(t -> t.contains("/"));
    }

    public static List<Entry> expand(List<String> targets, int family) {
        List<Entry> entries = new ArrayList<>();
        for (String target : targets) {
            if (target.contains("/")) {
                range(target, entries);
            } else {
                entries.add(new Entry(target, Targets.resolve(target, family)));
            }
            if (entries.size() > MAX_ADDRESSES) {
                throw NetdiagException.badInput("more than " + MAX_ADDRESSES + " addresses to probe");
            }
        }
        return entries;
    }

    private static void range(String cidr, List<Entry> entries) {
        String[] parts = cidr.split("/", 2);
        InetAddress base;
        int prefix;
        try {
            if (!Targets.isLiteral(parts[0])) {
                throw NetdiagException.badInput(cidr + ": a range needs an address before the /");
            }
            InetAddress numeric = io.netdiag.os.AddressText.inetAton(parts[0]);
            base = numeric != null ? numeric : InetAddress.getByName(parts[0]);
            prefix = Integer.parseInt(parts[1]);
        } catch (UnknownHostException | NumberFormatException e) {
            throw NetdiagException.badInput(cidr + ": not an address range (ADDRESS/PREFIX)");
        }
        int bits = base instanceof Inet4Address ? 32 : 128;
        if (prefix < 0 || prefix > bits) {
            throw NetdiagException.badInput(cidr + ": prefix length must be 0-" + bits);
        }
        int hostBits = bits - prefix;
        if (hostBits > 16) {
            throw NetdiagException.badInput(cidr + ": more than " + MAX_ADDRESSES + " addresses to probe");
        }
        BigInteger network = new BigInteger(1, base.getAddress()).shiftRight(hostBits).shiftLeft(hostBits);
        long size = 1L << hostBits;
        // like fping -g: IPv4 ranges of more than two addresses skip the network and broadcast addresses
        long first = bits == 32 && hostBits > 1 ? 1 : 0;
        long last = bits == 32 && hostBits > 1 ? size - 2 : size - 1;
        for (long i = first; i <= last; i++) {
            byte[] raw = network.add(BigInteger.valueOf(i)).toByteArray();
            byte[] address = new byte[bits / 8];
            int copy = Math.min(raw.length, address.length);
            System.arraycopy(raw, raw.length - copy, address, address.length - copy, copy);
            try {
                InetAddress a = InetAddress.getByAddress(address);
                entries.add(new Entry(AddressText.of(a), a));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
