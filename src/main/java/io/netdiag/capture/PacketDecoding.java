package io.netdiag.capture;

import java.util.List;

/** Everything decoded from one frame so far; each protocol decoder fills in its layer. */
final class PacketDecoding {
    Frame frame;
    byte[] b;
    String src = "";
    String dst = "";
    String protocol = "";
    String info = "";
    String transport;
    String srcAddr;
    String dstAddr;
    /** The network addresses as numbers (IPv4 in the low word), for finding a connection without their texts. */
    boolean v6;
    long srcHigh;
    long srcLow;
    long dstHigh;
    long dstLow;
    int srcPort = -1;
    int dstPort = -1;
    int ttl = -1;
    PacketSummary.Tcp tcp;
    PacketSummary.Icmp icmp;
    List<String> analysis = List.of();
    String problem;
    List<PacketSummary.Source> sources = List.of();

    /** Data this packet completed besides its own bytes: a reassembled datagram or PDU, a de-chunked body. */
    void source(String name, byte[] bytes) {
        if (sources.isEmpty()) {
            sources = new java.util.ArrayList<>(2);
        }
        sources.add(new PacketSummary.Source(name, bytes));
    }

    PacketDecoding(Frame frame) {
        this.frame = frame;
        this.b = frame.data();
    }

    /** Starts over for the next frame: one PacketDecoding serves a whole run, nothing of it outlives a packet. */
    void reset(Frame next) {
        frame = next;
        b = next.data();
        src = "";
        dst = "";
        protocol = "";
        info = "";
        transport = null;
        srcAddr = null;
        dstAddr = null;
        v6 = false;
        srcHigh = 0;
        srcLow = 0;
        dstHigh = 0;
        dstLow = 0;
        srcPort = -1;
        dstPort = -1;
        ttl = -1;
        tcp = null;
        icmp = null;
        analysis = List.of();
        problem = null;
        sources = List.of();
    }

    /** The frame ends before {@code need}: cut by the snapshot length, or broken on the wire. */
    void shortOf(String protocolName) {
        protocol = protocolName;
        boolean cut = frame.capturedLength() < frame.originalLength();
        problem = cut ? "truncated" : "malformed";
        String text = cut ? Dissector.TRUNCATED : Dissector.MALFORMED;
        // tshark appends the exception text with no separator
        info = info + text;
    }

    void malformed(String protocolName) {
        protocol = protocolName;
        problem = "malformed";
        info = info + Dissector.MALFORMED;
    }
}
