package io.netdiag.trace;

import java.net.InetAddress;
import java.util.List;

/**
 * A finished trace: the hops, whether the destination answered, and the verdict.
 *
 * @param destination    the target as written
 * @param address        the address probed
 * @param protocol       ICMP, UDP or TCP
 * @param port           the destination port (0 for ICMP)
 * @param socketKind     how the probes went out: raw, or datagram (unprivileged ICMP / UDP with the error queue)
 * @param rounds         rounds sent
 * @param reached        the destination answered (echo reply; SYN-ACK or RST; UDP reply or port unreachable)
 * @param destinationTtl the TTL at which the destination (or a rejecting hop) answered, 0 when none did
 * @param pathMtu        with --mtu, the path MTU found, else -1
 * @param hops           one row per TTL, from the first TTL to the last that matters
 * @param verdict        the finding
 * @param comparison     the trace by another protocol run to tell blocked from unreachable, or null
 * @param elapsedMillis  wall time of the trace (without the comparison)
 */
public record TraceResult(String destination, InetAddress address, Protocol protocol, int port, String socketKind,
                          int rounds, boolean reached, int destinationTtl, int pathMtu, List<HopStats> hops,
                          Verdict verdict, Comparison comparison, long elapsedMillis) {

    public TraceResult {
        hops = List.copyOf(hops);
    }

    /**
     * The same path probed by another protocol.
     *
     * @param protocol   what it probed with
     * @param port       its port (0 for ICMP)
     * @param reached    whether it reached the destination
     * @param lastTtl    the last TTL that answered, 0 when none
     * @param lastAddress who answered there, or null
     */
    public record Comparison(Protocol protocol, int port, boolean reached, int lastTtl, InetAddress lastAddress) {
    }

    /** The row for a TTL, or null. */
    public HopStats hop(int ttl) {
        for (HopStats h : hops) {
            if (h.ttl() == ttl) {
                return h;
            }
        }
        return null;
    }

    /**
     * The exit code the CLI uses: 0 when the destination was reached (a closed port that answers counts,
     * unless {@code requireOpen}), 1 otherwise.
     */
    public int exitCode(boolean requireOpen) {
        if (!reached) {
            return 1;
        }
        return requireOpen && verdict.kind() == Verdict.Kind.PORT_CLOSED ? 1 : 0;
    }
}
