package io.netdiag.capture;

import java.util.List;

/**
 * TCP segments: the fixed header and options in wire order, then Wireshark's sequence analysis, then the
 * Info text (flags, relative Seq/Ack, scaled Win, Len, options) with the analysis flags in front.
 */
final class TcpDecoder {
    private final TcpAnalyzer tcpAnalyzer = new TcpAnalyzer();
    private final TcpConnection.Table connections = new TcpConnection.Table();
    private final InfoText info = new InfoText();
    private final InfoText options = new InfoText();
    private final HttpReassembly http;
    private final DnsOverTcp dns;
    private final TlsRecords tls;

    /** With {@code dataSources}, the reassemblers keep the bytes of what they complete (for -x). */
    TcpDecoder(boolean dataSources) {
        http = new HttpReassembly(dataSources);
        dns = new DnsOverTcp(dataSources);
        tls = new TlsRecords(dataSources);
    }

    void decode(PacketDecoding d, int off, int reportedEnd, int end) {
        byte[] b = d.b;
        d.transport = "tcp";
        d.protocol = "TCP";
        if (end - off < 16) {
            if (end - off >= 4) {
                d.srcPort = WireBytes.u16(b, off);
                d.dstPort = WireBytes.u16(b, off + 2);
                d.info = d.srcPort + " → " + d.dstPort;
            }
            d.shortOf("TCP");
            return;
        }
        // the fixed header in wire order, read where it lies (TcpHeader's fields, without the record per packet)
        int sport = WireBytes.u16(b, off);
        int dport = WireBytes.u16(b, off + 2);
        d.srcPort = sport;
        d.dstPort = dport;
        int seq = (int) WireBytes.u32(b, off + 4);
        int ack = (int) WireBytes.u32(b, off + 8);
        int hlen = ((b[off + 12] & 0xf0) >> 4) * 4;
        int flags = ((b[off + 12] & 0x0f) << 8) | (b[off + 13] & 0xff);
        int window = WireBytes.u16(b, off + 14);
        // with 16 to 19 bytes tshark still prints up to Win= before the checksum read fails
        boolean headerCut = end - off < 20;
        int urgent = headerCut ? 0 : WireBytes.u16(b, off + 18);
        int seglen = reportedEnd - off - Math.max(hlen, 20);
        if (seglen < 0) {
            d.info = "";
            // the IP payload is shorter than a TCP header: tshark blames the IP layer
            d.malformed(d.srcAddr != null && d.srcAddr.indexOf(':') >= 0 ? "IPv6" : "IPv4");
            return;
        }
        if (hlen < 20) {
            // tshark prints the fixed fields it read, then the complaint
            TcpConnection connection = connections.find(d.v6, d.srcHigh, d.srcLow, sport, d.dstHigh, d.dstLow, dport);
            TcpAnalyzer.Result r = tcpAnalyzer.analyze(d.frame.number(), d.frame.epochNanos(), connection,
                    connections.forward, seq, ack, seglen, flags, window, -1);
            StringBuilder info = new StringBuilder().append(sport).append(" → ").append(dport).append(" [")
                    .append(flagText(flags)).append("] Seq=").append(r.relativeSeq());
            if ((flags & TcpAnalyzer.ACK) != 0) {
                info.append(" Ack=").append(r.relativeAck());
            }
            info.append(" Win=").append(r.scaledWindow()).append(", bogus TCP header length (").append(hlen)
                    .append(", must be at least 20)");
            d.info = info.toString();
            d.problem = "malformed";
            return;
        }
        // options, read before the analysis because the WS shift matters; printed after Len=
        InfoText options = this.options;
        options.clear();
        int wsShift = -1;
        int[] sack = null;
        int sackCount = 0;
        boolean optionsCut = end - off < hlen;
        int p = off + 20;
        int optEnd = Math.min(off + hlen, end);
        while (p < optEnd) {
            int kind = b[p] & 0xff;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                p++;
                continue;
            }
            if (p + 1 >= optEnd) {
                optionsCut = true;
                break;
            }
            int len = b[p + 1] & 0xff;
            if (len < 2 || p + len > optEnd) {
                optionsCut = true;
                break;
            }
            switch (kind) {
                case 2 -> {
                    if (len == 4) {
                        options.append(MSS).append(WireBytes.u16(b, p + 2));
                    }
                }
                case 3 -> {
                    if (len == 3) {
                        int shift = b[p + 2] & 0xff;
                        wsShift = shift;
                        options.append(WS).append(1 << Math.min(shift, 14));
                    }
                }
                case 4 -> options.append(" SACK_PERM");
                case 5 -> {
                    sackCount = (len - 2) / 8;
                    sack = new int[sackCount * 2];
                    for (int i = 0; i < sackCount; i++) {
                        sack[2 * i] = (int) WireBytes.u32(b, p + 2 + 8 * i);
                        sack[2 * i + 1] = (int) WireBytes.u32(b, p + 6 + 8 * i);
                    }
                }
                case 8 -> {
                    if (len == 10) {
                        options.append(TSVAL).append(WireBytes.u32(b, p + 2)).append(TSECR).append(WireBytes.u32(b, p + 6));
                    }
                }
                default -> {
                }
            }
            if (kind == 5 && sack != null) {
                // SACK edges print relative to the acknowledged side's base, known only after the analysis
                options.append("\u0000SACK");
            }
            p += len;
        }
        TcpConnection connection = connections.find(d.v6, d.srcHigh, d.srcLow, sport, d.dstHigh, d.dstLow, dport);
        boolean forward = connections.forward;
        TcpAnalyzer.Result r = tcpAnalyzer.analyze(d.frame.number(), d.frame.epochNanos(), connection, forward, seq, ack,
                seglen, flags, window, wsShift);
        String optionText = null;
        if (sack != null) {
            StringBuilder edges = new StringBuilder();
            for (int i = 0; i < sackCount; i++) {
                edges.append(" SLE=").append(tcpAnalyzer.relativeToPeer(connection, forward, sack[2 * i]))
                        .append(" SRE=").append(tcpAnalyzer.relativeToPeer(connection, forward, sack[2 * i + 1]));
            }
            optionText = options.toString().replace("\u0000SACK", edges);
        }
        String flagText = flagText(flags);
        InfoText info = this.info;
        info.clear();
        List<String> texts = r.texts();
        if (!texts.isEmpty()) {
            for (String t : texts) {
                info.append('[').append(t).append("] ");
            }
        }
        int prefix = info.length();
        info.append(sport).append(ARROW).append(dport).append(OPEN).append(flagChars(flags)).append(SEQ).append(r.relativeSeq());
        boolean hasAck = (flags & TcpAnalyzer.ACK) != 0;
        if (hasAck) {
            info.append(ACK).append(r.relativeAck());
        }
        info.append(WIN).append(r.scaledWindow());
        if (headerCut) {
            // tshark prints the analysis flags after the header and options: a cut header shows none
            d.info = info.substring(prefix);
            d.shortOf("TCP");
            return;
        }
        if ((flags & 0x20) != 0) {
            info.append(" Urg=").append(urgent);
        }
        info.append(LEN).append(seglen);
        if (optionText != null) {
            info.append(optionText);
        } else {
            info.append(options);
        }
        d.analysis = texts;
        d.tcp = new PacketSummary.Tcp(flagText, r.relativeSeq(), hasAck ? r.relativeAck() : null, r.scaledWindow(), seglen,
                (flags & TcpAnalyzer.SYN) != 0, (flags & TcpAnalyzer.FIN) != 0, (flags & TcpAnalyzer.RST) != 0, r.conversation());
        d.info = info.toString();
        if (optionsCut) {
            d.info = info.substring(prefix);
            d.shortOf("TCP");
            return;
        }
        int payload = off + hlen;
        boolean syn = (flags & TcpAnalyzer.SYN) != 0;
        boolean fin = (flags & TcpAnalyzer.FIN) != 0;
        long rawSeq = Integer.toUnsignedLong(seq);
        if (end >= reportedEnd && resentOnly(texts) && (http.followed(connection, forward, rawSeq, seglen)
                || dns.followed(connection, forward, rawSeq, seglen) || tls.followed(connection, forward, rawSeq, seglen))) {
            // bytes the stream decoders already followed, sent again: tshark shows a TCP line and goes on with the
            // message in progress (a 200 kB HTTP body with one spurious retransmission still ends in its response)
            return;
        }
        // a SYN that reuses the ports of an ended connection starts a new one: the decoders start afresh at it
        if (end < reportedEnd || !(texts.isEmpty() || texts.equals(WINDOW_FULL) || texts.equals(PORTS_REUSED))) {
            // bytes missing (a snapshot length) or resent: tshark cannot follow the stream through them
            http.forget(connection, forward);
            dns.forget(connection, forward);
            tls.forget(connection, forward);
            if (seglen > 0 && texts.isEmpty() && payload < end) {
                String line = HttpFirstLine.of(b, payload, end);
                if (line != null) {
                    d.protocol = "HTTP";
                    d.info = info.substring(0, prefix) + line;
                    d.shortOf("HTTP");
                }
            }
            return;
        }
        int payloadEnd = Math.min(end, off + Math.max(hlen, 20) + seglen);
        // DNS owns ports 53 and 5353; elsewhere a connection that starts like TLS is TLS, then HTTP is tried
        StreamOutcome o;
        if (DnsOverTcp.applies(sport, dport)) {
            o = dns.segment(connection, forward, rawSeq, syn, fin, b, payload, payloadEnd);
        } else {
            o = tls.segment(connection, forward, sport, dport, rawSeq, syn, fin, b, payload, payloadEnd);
            if (o == null) {
                o = http.segment(connection, forward, sport, dport, rawSeq, syn, fin, b, payload, payloadEnd);
            }
        }
        if (o == null) {
            return;
        }
        if (o.protocol() != null) {
            d.protocol = o.protocol();
            d.info = o.info() == null ? d.info + " " + StreamOutcome.SEGMENT_OF_PDU : info.substring(0, prefix) + o.info();
        }
        o.sources().forEach(s -> d.source(s.name(), s.bytes()));
        if (o.malformed()) {
            d.malformed(o.protocol());
        }
    }

    private static final List<String> WINDOW_FULL = List.of("TCP Window Full");
    private static final List<String> PORTS_REUSED = List.of(TcpFlag.REUSED_PORTS.text());

    /** Whether the analysis says only that the segment was sent before (and perhaps that it filled the window). */
    private static boolean resentOnly(List<String> texts) {
        if (texts.isEmpty()) {
            return false;
        }
        boolean resent = false;
        for (String t : texts) {
            if (t.equals("TCP Retransmission") || t.equals("TCP Spurious Retransmission") || t.equals("TCP Fast Retransmission")) {
                resent = true;
            } else if (!t.equals("TCP Window Full")) {
                return false;
            }
        }
        return resent;
    }

    private static final char[] MSS = " MSS=".toCharArray();
    private static final char[] WS = " WS=".toCharArray();
    private static final char[] TSVAL = " TSval=".toCharArray();
    private static final char[] TSECR = " TSecr=".toCharArray();
    private static final char[] ARROW = " → ".toCharArray();
    private static final char[] OPEN = " [".toCharArray();
    private static final char[] SEQ = "] Seq=".toCharArray();
    private static final char[] ACK = " Ack=".toCharArray();
    private static final char[] WIN = " Win=".toCharArray();
    private static final char[] LEN = " Len=".toCharArray();
    /** flagText's chars, per decoder (one thread each), made on first use. */
    private final char[][] flagChars = new char[1 << 12][];

    private char[] flagChars(int flags) {
        int index = flags & 0xfff;
        char[] chars = flagChars[index];
        if (chars == null) {
            chars = flagText(flags).toCharArray();
            flagChars[index] = chars;
        }
        return chars;
    }

    /** The flag names of every combination of the nine flags and the reserved bits, made on first use. */
    private static final String[] FLAG_TEXTS = new String[1 << 12];
    private static final String[] FLAG_NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"};

    private static String flagText(int flags) {
        int index = flags & 0xfff;
        String text = FLAG_TEXTS[index];
        if (text == null) {
            text = flagTextOf(index);
            FLAG_TEXTS[index] = text;
        }
        return text;
    }

    private static String flagTextOf(int flags) {
        StringBuilder s = new StringBuilder(24);
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                if (!s.isEmpty()) {
                    s.append(", ");
                }
                s.append(FLAG_NAMES[i]);
            }
        }
        if ((flags & 0x0e00) != 0) {
            s.append(s.isEmpty() ? "" : ", ").append("Reserved");
        }
        return s.isEmpty() ? "<None>" : s.toString();
    }
}
