package io.netdiag.ping;

import java.net.InetAddress;
import java.util.List;

/**
 * What one ping run to one target came to: the counters and RTTs iputils prints in its statistics,
 * plus the ICMP errors seen, grouped, with the classifier's reading of each.
 *
 * @param target       the target as the user wrote it
 * @param address      the address probed
 * @param probe        icmp, tcp or udp
 * @param socketKind   datagram or raw (ICMP), stream (TCP), datagram (UDP)
 * @param transmitted  probes sent
 * @param received     distinct replies
 * @param duplicates   extra replies to the same probe
 * @param errors       ICMP errors and local errors
 * @param lossPercent  (sent - received) / sent, as a float like iputils
 * @param timeMillis   from the first to the last probe sent
 * @param rtt          RTT statistics in microseconds, or null without replies or timing
 * @param pipe         the most probes in flight at once (printed when above 1), or -1
 * @param ipgMicros    the mean gap between probes, printed for flood runs; -1 otherwise
 * @param problems     the errors grouped by kind, with their explanation
 * @param exitCode     0 replies came, 1 none (or fewer than -c within -w)
 */
public record PingSummary(
        String target,
        InetAddress address,
        String probe,
        String socketKind,
        long transmitted,
        long received,
        long duplicates,
        long errors,
        float lossPercent,
        long timeMillis,
        Rtt rtt,
        int pipe,
        long ipgMicros,
        List<Problem> problems,
        int exitCode) {

    public PingSummary {
        problems = List.copyOf(problems);
    }

    /** Round-trip times in microseconds; {@code ewma} is iputils' smoothed RTT. */
    public record Rtt(long minMicros, long avgMicros, long maxMicros, long mdevMicros, long ewmaMicros) {
    }

    /**
     * One kind of failure seen during the run, with how often, from where, and what it means.
     *
     * @param text      the line text as printed (for example {@code Destination Host Unreachable})
     * @param from      who reported it (the router or host that sent the ICMP error), or null
     * @param count     how many probes it hit
     * @param symbol    the classifier's symbol (for example {@code EHOSTUNREACH})
     * @param category  the classifier's category id
     * @param meaning   the classifier's one-line summary
     * @param hint      what to try next, or null
     */
    public record Problem(String text, InetAddress from, long count, String symbol, String category, String meaning,
                          String hint) {
    }
}
