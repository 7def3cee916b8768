package io.netdiag.trace;

import java.net.InetAddress;

/**
 * One probe's fate, reported to the {@link TraceListener} as it is known: answered, or lost at its time-out.
 *
 * @param round   the round, from 1
 * @param ttl     the TTL / hop limit it was sent with
 * @param flow    the flow it belonged to (0 unless --flows)
 * @param size    the IP packet size it was sent with
 * @param answer  what came back
 * @param from    who answered, or null when lost
 * @param rttMs   round-trip time in milliseconds, or -1 when lost
 * @param icmpType ICMP(v6) type of the answer, or -1 when it was not ICMP
 * @param icmpCode ICMP(v6) code, or -1
 * @param info    the MTU a "fragmentation needed" / "packet too big" named, else 0
 */
public record ProbeEvent(int round, int ttl, int flow, int size, Answer answer, InetAddress from, double rttMs,
                         int icmpType, int icmpCode, long info) {
}
