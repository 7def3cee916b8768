package io.netdiag.ping;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/** Name resolution for targets and reverse lookups for reply lines, as iputils does them. */
public final class Targets {
    private final boolean numeric;
    private final Map<InetAddress, String> labels = new HashMap<>();

    /** {@code numeric}: print bare addresses (-n, or a target written as an address). */
    public Targets(boolean numeric) {
        this.numeric = numeric;
    }

    /** Whether the text is an address literal rather than a name. */
    public static boolean isLiteral(String target) {
        return AddressText.inetAton(target) != null || target.contains(":");
    }

    /**
     * The address to probe: the first of the requested family (0 any, 4, 6). Unknown names are bad input
     * (exit 2, as iputils: {@code NAME: Name or service not known}).
     */
    public static InetAddress resolve(String target, int family) {
        InetAddress[] all;
        if (target.isBlank()) {
            // the JDK resolves "" to the loopback address; getaddrinfo, and so iputils, refuse it
            throw NetdiagException.badInput(target + ": Name or service not known");
        }
        InetAddress numeric = AddressText.inetAton(target);
        if (numeric != null) {
            // as getaddrinfo reads it (010.0.0.1 is 8.0.0.1, 0x7f000001 is 127.0.0.1), not as the JDK does
            all = new InetAddress[] {numeric};
        } else {
            try {
                all = InetAddress.getAllByName(target);
            } catch (UnknownHostException e) {
                throw NetdiagException.badInput(target + ": Name or service not known");
            }
        }
        for (InetAddress a : all) {
            if (family == 0 || (family == 4 && a instanceof Inet4Address) || (family == 6 && a instanceof Inet6Address)) {
                return a;
            }
        }
        throw NetdiagException.badInput(target + ": Address family for hostname not supported");
    }

    /** The sender as iputils' pr_addr prints it: {@code name (address)}, or the address alone. */
    public String label(InetAddress address) {
        if (numeric) {
            return AddressText.of(address);
        }
        return labels.computeIfAbsent(address, a -> {
            String text = AddressText.of(a);
            try {
                String name = InetAddress.getByAddress(a.getAddress()).getHostName();
                return name.equals(a.getHostAddress()) || name.equals(text) ? text : name + " (" + text + ")";
            } catch (UnknownHostException e) {
                return text;
            }
        });
    }
}
