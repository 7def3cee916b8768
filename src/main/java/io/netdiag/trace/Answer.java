package io.netdiag.trace;

/** What came back for one probe, as the verdict reads it. */
public enum Answer {
    /** A router said the TTL ran out (ICMP time exceeded): the hop answered. */
    TIME_EXCEEDED,
    /** The destination answered as an open service does: echo reply, SYN-ACK, a UDP reply. */
    REPLY,
    /** The destination answered that the port is closed: TCP RST, ICMP port unreachable (UDP, TCP). */
    CLOSED,
    /** An ICMP error other than time exceeded: unreachable, administratively prohibited. */
    REJECTED,
    /** Fragmentation needed / packet too big (--mtu): the probe was too large for the next link. */
    TOO_BIG,
    /** Nothing came back within the time-out. */
    LOST
}
