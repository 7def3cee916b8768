package io.netdiag.capture;

import java.io.ByteArrayOutputStream;

/**
 * DNS over TCP (ports 53 and 5353): messages behind a two-byte length, followed across segments as tshark
 * reassembles them. A segment that completes one or more messages shows as DNS with the last one's
 * Info; a segment holding only part of a message shows as TCP ending in
 * {@code [TCP segment of a reassembled PDU]}.
 */
final class DnsOverTcp {
    private static final class Direction extends StreamDirections.Direction {
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        @Override
        void dropMessage() {
            pending.reset();
        }
    }

    private final StreamDirections<Direction> directions = new StreamDirections<>(StreamDirections.DNS, Direction::new);
    private final boolean keepBytes;

    /** With {@code keepBytes}, a message completed across segments comes back as "Reassembled TCP" data. */
    DnsOverTcp(boolean keepBytes) {
        this.keepBytes = keepBytes;
    }

    /** tshark 4.0's dns.tcp.port range: 53 and 5353. */
    static boolean applies(int srcPort, int dstPort) {
        return srcPort == 53 || dstPort == 53 || srcPort == 5353 || dstPort == 5353;
    }

    /** Gives up a message in progress: some of its bytes were not captured or were resent. */
    void forget(TcpConnection connection, boolean forward) {
        directions.forget(connection, forward);
    }

    /** Whether the direction has already followed these bytes (a retransmission of them). */
    boolean followed(TcpConnection connection, boolean forward, long seq, long length) {
        return directions.followed(connection, forward, seq, length);
    }

    /** Follows the payload {@code b[off, end)} of a segment with raw sequence number {@code seq}; null: plain TCP. */
    StreamOutcome segment(TcpConnection connection, boolean forward, long seq, boolean syn, boolean fin, byte[] b, int off, int end) {
        Direction d = directions.of(connection, forward);
        long length = Math.max(0, end - off);
        if (syn) {
            d.pending.reset();
            d.position.advance(seq, 0, true, false);
            return null;
        }
        if (!d.position.advance(seq, length, false, fin)) {
            d.pending.reset();
        }
        if (length == 0) {
            return null;
        }
        int earlier = d.pending.size();
        d.pending.write(b, off, end - off);
        byte[] data = d.pending.toByteArray();
        int pos = 0;
        DnsMessage.Decoded last = null;
        java.util.List<PacketSummary.Source> sources = java.util.List.of();
        while (data.length - pos >= 2) {
            int size = WireBytes.u16(data, pos);
            if (data.length - pos - 2 < size) {
                break;
            }
            last = DnsMessage.decode(data, pos + 2, pos + 2 + size);
            if (keepBytes && pos < earlier) {
                sources = java.util.List.of(new PacketSummary.Source("Reassembled TCP",
                        java.util.Arrays.copyOfRange(data, pos, pos + 2 + size)));
            }
            pos += 2 + size;
        }
        d.pending.reset();
        d.pending.write(data, pos, data.length - pos);
        if (last == null) {
            return new StreamOutcome("TCP", null, sources);
        }
        return new StreamOutcome("DNS", last.text(), sources, !last.complete());
    }
}
