package io.netdiag.capture;

import java.util.ArrayDeque;

/**
 * Everything netdiag keeps about one TCP connection, found once per segment by its raw 4-tuple (no
 * address text, no String key): Wireshark's sequence analysis and, per direction, the state of the
 * decoders that follow messages across segments. Endpoint A is the lesser of the two (address, then
 * port); a segment goes "forward" when it is sent by A.
 */
final class TcpConnection {
    final boolean v6;
    final long aHigh;
    final long aLow;
    final int aPort;
    final long bHigh;
    final long bLow;
    final int bPort;
    final int hash;
    TcpConnection next;

    /** {@link TcpAnalyzer}'s conversation (a new one when the ports are reused). */
    Object analysis;
    /** The stream decoders' directions: HTTP A→B, B→A, DNS A→B, B→A, TLS A→B, B→A; made on first use. */
    final StreamDirections.Direction[] streams = new StreamDirections.Direction[6];
    /** HTTP request methods awaiting their responses (a response to HEAD has no body). */
    ArrayDeque<String> httpMethods;
    /** The connection has carried an HTTP message: on HTTP ports its other data is "Continuation". */
    boolean httpSeen;
    /** The connection carries TLS, and the version its server chose (0: not seen yet). */
    boolean tls;
    int tlsVersion;

    TcpConnection(boolean v6, long aHigh, long aLow, int aPort, long bHigh, long bLow, int bPort, int hash) {
        this.v6 = v6;
        this.aHigh = aHigh;
        this.aLow = aLow;
        this.aPort = aPort;
        this.bHigh = bHigh;
        this.bLow = bLow;
        this.bPort = bPort;
        this.hash = hash;
    }

    /** The TCP connections of a run, by 4-tuple, never forgotten (as tshark keeps them). */
    static final class Table {
        private TcpConnection[] buckets = new TcpConnection[1024];
        private int size;
        /** Whether the segment of the last {@link #find} was sent by endpoint A. */
        boolean forward;

        /** The connection of a segment from (high, low, port) to the other; made on first use. */
        TcpConnection find(boolean v6, long srcHigh, long srcLow, int srcPort, long dstHigh, long dstLow, int dstPort) {
            int order = Long.compareUnsigned(srcHigh, dstHigh);
            if (order == 0) {
                order = Long.compareUnsigned(srcLow, dstLow);
            }
            if (order == 0) {
                order = Integer.compare(srcPort, dstPort);
            }
            forward = order <= 0;
            long aHigh = forward ? srcHigh : dstHigh;
            long aLow = forward ? srcLow : dstLow;
            int aPort = forward ? srcPort : dstPort;
            long bHigh = forward ? dstHigh : srcHigh;
            long bLow = forward ? dstLow : srcLow;
            int bPort = forward ? dstPort : srcPort;
            long h = aHigh * 0x9E3779B97F4A7C15L + aLow;
            h = h * 0x9E3779B97F4A7C15L + bHigh;
            h = h * 0x9E3779B97F4A7C15L + bLow;
            h = h * 0x9E3779B97F4A7C15L + (((long) aPort << 16) | bPort) + (v6 ? 1 : 0);
            int hash = (int) (h ^ (h >>> 32));
            hash ^= hash >>> 16;
            TcpConnection[] t = buckets;
            int i = hash & (t.length - 1);
            for (TcpConnection c = t[i]; c != null; c = c.next) {
                if (c.hash == hash && c.aLow == aLow && c.bLow == bLow && c.aPort == aPort && c.bPort == bPort
                        && c.aHigh == aHigh && c.bHigh == bHigh && c.v6 == v6) {
                    return c;
                }
            }
            TcpConnection c = new TcpConnection(v6, aHigh, aLow, aPort, bHigh, bLow, bPort, hash);
            c.next = t[i];
            t[i] = c;
            if (++size > t.length - (t.length >> 2)) {
                grow();
            }
            return c;
        }

        private void grow() {
            TcpConnection[] old = buckets;
            TcpConnection[] t = new TcpConnection[old.length * 2];
            for (TcpConnection head : old) {
                for (TcpConnection c = head; c != null; ) {
                    TcpConnection next = c.next;
                    int i = c.hash & (t.length - 1);
                    c.next = t[i];
                    t[i] = c;
                    c = next;
                }
            }
            buckets = t;
        }
    }
}
