package io.netdiag.trace;

import java.net.InetAddress;
import java.util.List;

/**
 * One row of a trace: what answered at one TTL, how often, and how fast.
 *
 * @param ttl         the TTL / hop limit
 * @param address     who answered most often, or null for a silent hop
 * @param others      other addresses that answered at this TTL (ECMP, route changes)
 * @param name        the reverse-DNS name of {@code address}, or null (-n, or no name in time)
 * @param sent        probes sent (those still in flight not counted)
 * @param received    probes answered
 * @param lossPercent (sent - received) / sent, in percent
 * @param rtt         round-trip times of the answers, or null when none came
 * @param answer      what this hop answered most (TIME_EXCEEDED for routers, REPLY/CLOSED/REJECTED at the end),
 *                    LOST when silent
 * @param icmpType    ICMP(v6) type of that final answer when it was an ICMP error, else -1
 * @param icmpCode    its code, else -1
 * @param icmpText    the ICMP error's words when the hop answered with one other than time exceeded, else null
 * @param mtu         with --mtu, the largest probe size this hop answered, else -1
 * @param rateLimited loss here that later hops do not show: the router limits or de-prioritises its ICMP
 *                    replies; not loss of forwarded traffic
 * @param silent      the hop never answered while later hops did
 * @param notes       plain-language notes on the row (rate limiting, silence, MTU drop, other addresses)
 */
public record HopStats(int ttl, InetAddress address, List<InetAddress> others, String name, int sent, int received,
                       double lossPercent, Rtt rtt, Answer answer, int icmpType, int icmpCode, String icmpText, int mtu, boolean rateLimited,
                       boolean silent, List<String> notes) {

    public HopStats {
        others = List.copyOf(others);
        notes = List.copyOf(notes);
    }

    /** Round-trip times in milliseconds: last, best, mean, worst and the population standard deviation. */
    public record Rtt(double last, double min, double avg, double max, double stdev) {
    }
}
