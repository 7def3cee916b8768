package io.netdiag.trace;

/**
 * What a trace should do, with mtr's and traceroute's units. Build one with {@link #to(String)} and the
 * {@code with...} methods; every value has the default the CLI has.
 *
 * @param target         host name or address, as written
 * @param family         0 either, 4 or 6 (-4/-6)
 * @param protocol       ICMP echo, UDP or TCP SYN
 * @param port           destination port for UDP and TCP (0 for ICMP)
 * @param rounds         rounds of probes (-c); every round probes every hop once, all in flight together; 0 runs
 *                       until the caller's stop flag says so (the live view)
 * @param intervalMillis time between the starts of two rounds (-i)
 * @param firstTtl       first TTL / hop limit probed (-f)
 * @param maxTtl         last TTL / hop limit probed (-m)
 * @param timeoutMillis  how long a probe may take before it counts as lost (-W)
 * @param numeric        no reverse DNS (-n)
 * @param packetSize     IP packet size of a probe in bytes, headers included (-s); 0 for the smallest
 * @param mtu            probe with DF set and find each hop's path MTU (--mtu)
 * @param source         -I: a device name or a local address probes leave from, or null
 * @param flows          1 keeps one flow (Paris traceroute: constant 5-tuple); N above 1 cycles N flows
 *                       over the rounds (source port, or ICMP identifier), on purpose to see ECMP paths
 * @param compare        when a TCP/UDP (ICMP) trace stops before the destination, probe the same path by
 *                       ICMP (UDP) to tell "blocked" from "unreachable"
 */
public record TraceRequest(String target, int family, Protocol protocol, int port, int rounds, int intervalMillis,
                           int firstTtl, int maxTtl, int timeoutMillis, boolean numeric, int packetSize, boolean mtu,
                           String source, int flows, boolean compare) {

    public static final int DEFAULT_ROUNDS = 10;
    public static final int DEFAULT_INTERVAL_MILLIS = 1000;
    public static final int DEFAULT_MAX_TTL = 30;
    public static final int DEFAULT_TIMEOUT_MILLIS = 2000;
    /** traceroute's default destination port for UDP probes when ICMP traces are compared against UDP. */
    public static final int TRACEROUTE_UDP_PORT = 33434;

    public TraceRequest {
        if (target == null || target.isBlank()) {
            // what getaddrinfo says (the JDK would resolve "" to the loopback address)
            throw io.netdiag.explain.NetdiagException.badInput(target + ": Name or service not known");
        }
        if (protocol == null) {
            protocol = Protocol.ICMP;
        }
    }

    /** An ICMP trace to {@code target} with the defaults: 10 rounds, 1 s apart, TTL 1 to 30, 2 s time-out. */
    public static TraceRequest to(String target) {
        return new TraceRequest(target, 0, Protocol.ICMP, 0, DEFAULT_ROUNDS, DEFAULT_INTERVAL_MILLIS, 1, DEFAULT_MAX_TTL,
                DEFAULT_TIMEOUT_MILLIS, false, 0, false, null, 1, true);
    }

    /** TCP SYN probes to {@code port}. */
    public TraceRequest tcp(int port) {
        return withProtocol(Protocol.TCP, port);
    }

    /** UDP probes to {@code port}. */
    public TraceRequest udp(int port) {
        return withProtocol(Protocol.UDP, port);
    }

    /** ICMP echo probes. */
    public TraceRequest icmp() {
        return withProtocol(Protocol.ICMP, 0);
    }

    public TraceRequest withProtocol(Protocol protocol, int port) {
        return new TraceRequest(target, family, protocol, port, rounds, intervalMillis, firstTtl, maxTtl, timeoutMillis,
                numeric, packetSize, mtu, source, flows, compare);
    }

    public TraceRequest withFamily(int family) {
        return new TraceRequest(target, family, protocol, port, rounds, intervalMillis, firstTtl, maxTtl, timeoutMillis,
                numeric, packetSize, mtu, source, flows, compare);
    }

    public TraceRequest withRounds(int rounds, int intervalMillis) {
        return new TraceRequest(target, family, protocol, port, rounds, intervalMillis, firstTtl, maxTtl, timeoutMillis,
                numeric, packetSize, mtu, source, flows, compare);
    }

    public TraceRequest withTtls(int firstTtl, int maxTtl) {
        return new TraceRequest(target, family, protocol, port, rounds, intervalMillis, firstTtl, maxTtl, timeoutMillis,
                numeric, packetSize, mtu, source, flows, compare);
    }

    public TraceRequest withTimeout(int timeoutMillis) {
        return new TraceRequest(target, family, protocol, port, rounds, intervalMillis, firstTtl, maxTtl, timeoutMillis,
                numeric, packetSize, mtu, source, flows, compare);
    }

    public TraceRequest withNumeric(boolean numeric) {
        return new TraceRequest(target, family, protocol, port, rounds, intervalMillis, firstTtl, maxTtl, timeoutMillis,
                numeric, packetSize, mtu, source, flows, compare);
    }

    public TraceRequest withPacketSize(int packetSize, boolean mtu) {
        return new TraceRequest(target, family, protocol, port, rounds, intervalMillis, firstTtl, maxTtl, timeoutMillis,
                numeric, packetSize, mtu, source, flows, compare);
    }

    public TraceRequest withSource(String source) {
        return new TraceRequest(target, family, protocol, port, rounds, intervalMillis, firstTtl, maxTtl, timeoutMillis,
                numeric, packetSize, mtu, source, flows, compare);
    }

    public TraceRequest withFlows(int flows) {
        return new TraceRequest(target, family, protocol, port, rounds, intervalMillis, firstTtl, maxTtl, timeoutMillis,
                numeric, packetSize, mtu, source, flows, compare);
    }

    public TraceRequest withCompare(boolean compare) {
        return new TraceRequest(target, family, protocol, port, rounds, intervalMillis, firstTtl, maxTtl, timeoutMillis,
                numeric, packetSize, mtu, source, flows, compare);
    }

    /** "TCP to port 5432", "UDP to port 53", "ICMP echo": how verdicts name the probes. */
    public String probeText() {
        return protocol == Protocol.ICMP ? "ICMP echo" : protocol.label() + " to port " + port;
    }
}
