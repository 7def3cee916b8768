package io.netdiag.capture;

import java.util.List;

/**
 * What a decoder that follows messages across TCP segments (HTTP, DNS over TCP, TLS) makes of one
 * segment; {@link TcpDecoder} applies it to the segment's TCP line.
 *
 * @param protocol  the Protocol column ("HTTP", "DNS", "TLSv1.3", "TCP" for part of a message), or null when
 *                  the TCP line stands as it is
 * @param info      the Info text after any analysis flags; null means the TCP line followed by
 *                  {@link #SEGMENT_OF_PDU}
 * @param sources   reassembled or de-chunked data completed in this segment (kept only for -x)
 * @param malformed the message that ended here could not be read to its end
 */
record StreamOutcome(String protocol, String info, List<PacketSummary.Source> sources, boolean malformed) {
    /** What tshark adds to a segment that holds part of a message still being reassembled. */
    static final String SEGMENT_OF_PDU = "[TCP segment of a reassembled PDU]";

    StreamOutcome(String protocol, String info) {
        this(protocol, info, List.of(), false);
    }

    StreamOutcome(String protocol, String info, List<PacketSummary.Source> sources) {
        this(protocol, info, sources, false);
    }
}
