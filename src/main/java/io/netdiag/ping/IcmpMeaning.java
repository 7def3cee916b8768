package io.netdiag.ping;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.Explanation;
import io.netdiag.os.ErrnoException;

/**
 * What an ICMP error about a probe means for the person pinging. The classifier is asked first, with
 * the errno the kernel attaches to the error; where it has no entry, ping's own reading of the ICMP
 * type and code fills in, so that every error in a summary is explained.
 */
public final class IcmpMeaning {
    private IcmpMeaning() {
    }

    /** A summary and next step for an ICMP error, or for a local error when {@code type} is -1. */
    public static PingSummary.Problem explain(String text, java.net.InetAddress from, long count, boolean v6, int type, int code,
                                       int errno) {
        Explanation why = Classifier.standard().classify(new ErrnoException("ICMP " + type + "/" + code, errno));
        Reading own = type < 0 ? local(errno) : v6 ? v6(type, code) : v4(type, code);
        String icmp = type < 0 ? "local" : (v6 ? "ICMPv6 " : "ICMP ") + type + "/" + code;
        if (why.category() != Category.OTHER) {
            String hint = own.hint() != null ? own.hint() : why.hint();
            return new PingSummary.Problem(text, from, count, why.symbol(), why.category().id(),
                    icmp + " -> " + why.summary() + "; " + own.meaning(), hint);
        }
        return new PingSummary.Problem(text, from, count, icmp, own.category().id(),
                icmp + " [" + own.category().id() + "]: " + own.meaning(), own.hint());
    }

    /** Total silence: no reply and no error for any probe. */
    static PingSummary.Problem noReply(long probes) {
        return new PingSummary.Problem("no reply", null, probes, "no-reply", Category.TIMEOUT.id(),
                "no reply and no ICMP error came back [" + Category.TIMEOUT.id() + "]: the host is down, or a firewall on "
                        + "the path drops echo requests (or their replies) without a word",
                "probe a port that should be open: netdiag ping --tcp PORT HOST; find where the path ends with -t 1, 2, 3...");
    }

    private record Reading(Category category, String meaning, String hint) {
    }

    private static final Reading NET = new Reading(Category.UNREACHABLE,
            "a router on the path has no route to the destination network",
            "check the routes of the router that answered (ip route), or find where the path ends with -t 1, 2, 3...");
    private static final Reading HOST = new Reading(Category.UNREACHABLE,
            "the last router could not deliver to the host (no ARP/neighbour answer: the host is down or the address is wrong), "
                    + "or a firewall rejects with host-unreachable",
            "check that the host is up and on that subnet (ip neigh on the router that answered), and its firewall");
    private static final Reading PROHIBITED = new Reading(Category.PERMISSION,
            "a firewall on the host or the router that answered rejects the probe (administratively prohibited)",
            "look for a REJECT rule there: nft list ruleset, iptables -L -n");
    private static final Reading PORT = new Reading(Category.REFUSED,
            "the host answered that the protocol or port is closed; for echo requests this is a firewall REJECT rule",
            "look for a REJECT rule on the host: nft list ruleset, iptables -L -n; or probe a port with --tcp");
    private static final Reading TOO_BIG = new Reading(Category.LOCAL_CONFIG,
            "the probe is larger than the path MTU and may not be fragmented (DF set, -M do)",
            "send smaller probes (-s), or allow fragmentation (-M dont)");
    private static final Reading EXPIRED = new Reading(Category.UNREACHABLE,
            "the TTL (hop limit) ran out at the router that answered: the path is longer than -t, or routes loop",
            "raise -t, or look for a routing loop between the routers that answer");
    private static final Reading PARAMETER = new Reading(Category.PROTOCOL,
            "a router or the host found a bad field in the probe's header", null);
    private static final Reading OTHER = new Reading(Category.UNREACHABLE, "the network refused the probe", null);

    private static Reading v4(int type, int code) {
        return switch (type) {
            case 3 -> switch (code) {
                case 0, 6, 11 -> NET;
                case 2, 3 -> PORT;
                case 4 -> TOO_BIG;
                case 9, 10, 13, 14, 15 -> PROHIBITED;
                default -> HOST;
            };
            case 11 -> EXPIRED;
            case 12 -> PARAMETER;
            default -> OTHER;
        };
    }

    private static Reading v6(int type, int code) {
        return switch (type) {
            case 1 -> switch (code) {
                case 0 -> NET;
                case 1, 5, 6 -> PROHIBITED;
                case 4 -> PORT;
                default -> HOST;
            };
            case 2 -> TOO_BIG;
            case 3 -> EXPIRED;
            case 4 -> PARAMETER;
            default -> OTHER;
        };
    }

    private static Reading local(int errno) {
        return errno == IcmpErrnos.EMSGSIZE ? new Reading(Category.LOCAL_CONFIG,
                "the kernel knows a path MTU smaller than the probe and DF is set, so it refused to send it",
                "send smaller probes (-s), or allow fragmentation (-M dont)")
                : new Reading(Category.OTHER, "the kernel refused to send the probe", null);
    }
}
