package io.netdiag.capture;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns frames into tshark-style summaries, one pass in capture order (as {@code tshark -n -r} does).
 * Each protocol reads its header in wire order and checks the bytes left first; a frame that ends early
 * is described as {@code [Packet size limited during capture]} (cut by the snapshot length) or
 * {@code [Malformed Packet]} (inconsistent on the wire), never thrown through the caller.
 */
public final class Dissector {
    static final String TRUNCATED = "[Packet size limited during capture]";
    static final String MALFORMED = "[Malformed Packet]";

    private final LinkType link;
    private final TcpAnalyzer tcpAnalyzer = new TcpAnalyzer();
    private final Map<String, Long> echoRequests = new HashMap<>();
    private final FragmentReassembly fragments = new FragmentReassembly();
    private long firstNanos = Long.MIN_VALUE;

    public Dissector(LinkType link) {
        this.link = link;
    }

    public LinkType link() {
        return link;
    }

    /** Everything decoded from one frame; filled in layer by layer. */
    private static final class Decoding {
        final Frame frame;
        byte[] b;
        String src = "";
        String dst = "";
        String protocol = "";
        String info = "";
        String transport;
        String srcAddr;
        String dstAddr;
        int srcPort = -1;
        int dstPort = -1;
        int ttl = -1;
        PacketSummary.Tcp tcp;
        PacketSummary.Icmp icmp;
        List<String> analysis = List.of();
        String problem;

        Decoding(Frame frame) {
            this.frame = frame;
            this.b = frame.data();
        }

        /** The frame ends before {@code need}: cut by the snapshot length, or broken on the wire. */
        void shortOf(String protocolName) {
            protocol = protocolName;
            boolean cut = frame.capturedLength() < frame.originalLength();
            problem = cut ? "truncated" : "malformed";
            String text = cut ? TRUNCATED : MALFORMED;
            // tshark appends the exception text with no separator
            info = info + text;
        }

        void malformed(String protocolName) {
            protocol = protocolName;
            problem = "malformed";
            info = info + MALFORMED;
        }
    }

    public PacketSummary dissect(Frame frame) {
        if (firstNanos == Long.MIN_VALUE) {
            firstNanos = frame.epochNanos();
        }
        Decoding d = new Decoding(frame);
        int end = Math.min(frame.capturedLength(), d.b.length);
        try {
            decodeLink(d, end);
        } catch (IndexOutOfBoundsException e) {
            // a check missed a case: still describe the packet rather than stop the run
            d.malformed(d.protocol.isEmpty() ? "Frame" : d.protocol);
        }
        return new PacketSummary(frame.number(), frame.epochNanos(), frame.epochNanos() - firstNanos, d.src, d.dst,
                d.protocol, frame.originalLength(), frame.capturedLength(), d.info, d.transport, d.srcAddr, d.dstAddr,
                d.srcPort, d.dstPort, d.tcp, d.icmp, d.analysis, d.problem);
    }

    private void decodeLink(Decoding d, int end) {
        byte[] b = d.b;
        switch (link) {
            case ETHERNET -> {
                if (end < 14) {
                    d.shortOf("Ethernet");
                    return;
                }
                d.dst = AddressText.mac(b, 0);
                d.src = AddressText.mac(b, 6);
                int type = WireBytes.u16(b, 12);
                int off = 14;
                while ((type == 0x8100 || type == 0x88a8) && off + 4 <= end) {
                    type = WireBytes.u16(b, off + 2);
                    off += 4;
                }
                if (type <= 1500) {
                    d.protocol = "LLC";
                    d.info = "IEEE 802.3 frame, length " + type;
                    return;
                }
                network(d, type, off, end);
            }
            case LINUX_SLL -> {
                if (end < 16) {
                    d.shortOf("SLL");
                    return;
                }
                int addrLen = WireBytes.u16(b, 4);
                if (addrLen == 6) {
                    d.src = AddressText.mac(b, 6);
                }
                network(d, WireBytes.u16(b, 14), 16, end);
            }
            case LINUX_SLL2 -> {
                if (end < 20) {
                    d.shortOf("SLL");
                    return;
                }
                if ((b[11] & 0xff) == 6) {
                    d.src = AddressText.mac(b, 12);
                }
                network(d, WireBytes.u16(b, 0), 20, end);
            }
            case NULL -> {
                if (end < 4) {
                    d.shortOf("Null");
                    return;
                }
                long family = WireBytes.u32le(b, 0);
                if (family > 0xffff) {
                    family = WireBytes.u32(b, 0);
                }
                int type = family == 2 ? 0x0800 : family == 24 || family == 28 || family == 30 || family == 10 ? 0x86dd : -1;
                if (type < 0) {
                    d.protocol = "NULL";
                    d.info = "Family " + family;
                    return;
                }
                network(d, type, 4, end);
            }
            case RAW, LINKTYPE_RAW -> {
                if (end < 1) {
                    d.shortOf("Raw");
                    return;
                }
                network(d, (b[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800, 0, end);
            }
            case IPV4 -> network(d, 0x0800, 0, end);
            case IPV6 -> network(d, 0x86dd, 0, end);
            case UNKNOWN -> {
                d.protocol = "UNKNOWN";
                d.info = "Unknown link type";
            }
        }
    }

    private void network(Decoding d, int ethertype, int off, int end) {
        switch (ethertype) {
            case 0x0800 -> ipv4(d, off, end);
            case 0x86dd -> ipv6(d, off, end);
            case 0x0806 -> arp(d, off, end);
            default -> {
                d.protocol = String.format("0x%04x", ethertype);
                d.info = "Ethernet II";
            }
        }
    }

    private void arp(Decoding d, int off, int end) {
        byte[] b = d.b;
        d.transport = "arp";
        if (end - off < 8) {
            d.shortOf("ARP");
            return;
        }
        int hlen = b[off + 4] & 0xff;
        int plen = b[off + 5] & 0xff;
        int op = WireBytes.u16(b, off + 6);
        if (hlen != 6 || plen != 4) {
            d.protocol = "ARP";
            d.info = op == 1 ? "request" : op == 2 ? "reply" : "opcode " + op;
            return;
        }
        if (end - off < 28) {
            d.shortOf("ARP");
            return;
        }
        String senderMac = AddressText.mac(b, off + 8);
        String senderIp = AddressText.ipv4(b, off + 14);
        String targetIp = AddressText.ipv4(b, off + 24);
        d.protocol = "ARP";
        boolean gratuitous = senderIp.equals(targetIp);
        d.info = switch (op) {
            case 1 -> gratuitous ? "Gratuitous ARP for " + senderIp + " (Request)"
                    : senderIp.equals("0.0.0.0") ? "Who has " + targetIp + "? (ARP Probe)"
                    : "Who has " + targetIp + "? Tell " + senderIp;
            case 2 -> gratuitous ? "Gratuitous ARP for " + senderIp + " (Reply)" : senderIp + " is at " + senderMac;
            default -> "Unknown ARP opcode 0x" + Integer.toHexString(op);
        };
    }

    private void ipv4(Decoding d, int off, int end) {
        byte[] b = d.b;
        if (end - off < 20) {
            // tshark fills the address columns as far as it got before the bytes ran out
            if (end - off >= 16) {
                d.src = AddressText.ipv4(b, off + 12);
            }
            d.shortOf("IPv4");
            return;
        }
        int version = (b[off] & 0xf0) >> 4;
        int ihl = (b[off] & 0x0f) * 4;
        int total = WireBytes.u16(b, off + 2);
        d.protocol = "IPv4";
        // tshark stops before the address columns and says why in Info, without "[Malformed Packet]"
        String bogus = version != 4 ? "Bogus IPv4 version (" + version + ", must be 4)"
                : ihl < 20 ? "Bogus IP header length (" + ihl + ", must be at least 20)"
                : total < ihl ? "Bogus IP length (" + total + ", less than header length " + ihl + ")" : null;
        if (bogus != null) {
            d.info = bogus;
            d.problem = "malformed";
            return;
        }
        d.src = AddressText.ipv4(b, off + 12);
        d.dst = AddressText.ipv4(b, off + 16);
        d.srcAddr = d.src;
        d.dstAddr = d.dst;
        if (end - off < ihl) {
            d.shortOf("IPv4");
            return;
        }
        d.ttl = b[off + 8] & 0xff;
        int proto = b[off + 9] & 0xff;
        int fragment = WireBytes.u16(b, off + 6);
        int reportedEnd = off + total;
        int capturedEnd = Math.min(end, reportedEnd);
        if ((fragment & 0x2000) != 0 || (fragment & 0x1fff) != 0) {
            int id = WireBytes.u16(b, off + 4);
            byte[] whole = capturedEnd < reportedEnd ? null : fragments.add(d.src + ">" + d.dst + ":" + id + ":" + proto,
                    (fragment & 0x1fff) * 8, (fragment & 0x2000) != 0, b, off + ihl, reportedEnd);
            if (whole == null) {
                d.info = "Fragmented IP protocol (proto=" + IcmpNames.ipProtocol(proto) + " " + proto + ", off="
                        + (fragment & 0x1fff) * 8 + ", ID=" + String.format("%04x", id) + ")";
                return;
            }
            // this fragment completes the datagram: decode the reassembled payload, as tshark does
            d.b = whole;
            transport(d, proto, 0, whole.length, whole.length, true);
            return;
        }
        transport(d, proto, off + ihl, reportedEnd, capturedEnd, true);
    }

    private void ipv6(Decoding d, int off, int end) {
        byte[] b = d.b;
        if (end - off < 40) {
            if (end - off >= 24) {
                d.src = AddressText.ipv6(b, off + 8);
            }
            d.shortOf("IPv6");
            return;
        }
        d.src = AddressText.ipv6(b, off + 8);
        d.dst = AddressText.ipv6(b, off + 24);
        d.srcAddr = d.src;
        d.dstAddr = d.dst;
        d.protocol = "IPv6";
        if ((b[off] & 0xf0) != 0x60) {
            d.info = "Bogus IPv6 version";
            d.malformed("IPv6");
            return;
        }
        int payload = WireBytes.u16(b, off + 4);
        int next = b[off + 6] & 0xff;
        d.ttl = b[off + 7] & 0xff;
        int reportedEnd = off + 40 + payload;
        int capturedEnd = Math.min(end, reportedEnd);
        int p = off + 40;
        while (next == 0 || next == 43 || next == 60 || next == 44) {
            if (capturedEnd - p < 8) {
                d.shortOf("IPv6");
                return;
            }
            if (next == 44) {
                int offsetFlags = WireBytes.u16(b, p + 2);
                int inner = b[p] & 0xff;
                if ((offsetFlags & 0xfff9) != 0) {
                    long ident = WireBytes.u32(b, p + 4);
                    byte[] whole = capturedEnd < reportedEnd ? null : fragments.add(d.src + ">" + d.dst + "#" + ident,
                            offsetFlags & 0xfff8, (offsetFlags & 1) != 0, b, p + 8, reportedEnd);
                    if (whole == null) {
                        d.info = "IPv6 fragment (off=" + (offsetFlags & 0xfff8) + " more=" + ((offsetFlags & 1) != 0 ? "y" : "n")
                                + " ident=0x" + String.format("%08x", ident) + " nxt=" + inner + ")";
                        return;
                    }
                    d.b = whole;
                    transport(d, inner, 0, whole.length, whole.length, false);
                    return;
                }
                next = inner;
                p += 8;
            } else {
                int len = ((b[p + 1] & 0xff) + 1) * 8;
                next = b[p] & 0xff;
                p += len;
            }
        }
        transport(d, next, p, reportedEnd, Math.min(capturedEnd, end), false);
    }

    private void transport(Decoding d, int proto, int off, int reportedEnd, int capturedEnd, boolean v4) {
        if (capturedEnd <= off && reportedEnd > off) {
            // not one byte of the transport header: tshark still names ICMP, but not TCP or UDP
            d.shortOf(proto == 1 ? "ICMP" : proto == 58 ? "ICMPv6" : v4 ? "IPv4" : "IPv6");
            return;
        }
        switch (proto) {
            case 6 -> tcp(d, off, reportedEnd, capturedEnd);
            case 17 -> udp(d, off, reportedEnd, capturedEnd);
            case 1 -> icmp(d, off, reportedEnd, capturedEnd);
            case 58 -> icmpv6(d, off, reportedEnd, capturedEnd);
            case 59 -> d.info = "";
            default -> {
                d.protocol = v4 ? "IPv4" : "IPv6";
                d.info = "IP protocol " + proto + " (" + IcmpNames.ipProtocol(proto) + ")";
            }
        }
    }

    private void tcp(Decoding d, int off, int reportedEnd, int end) {
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
            d.malformed(d.protocol.equals("TCP") ? (d.srcAddr != null && d.srcAddr.indexOf(':') >= 0 ? "IPv6" : "IPv4") : d.protocol);
            return;
        }
        if (hlen < 20) {
            // tshark prints the fixed fields it read, then the complaint
            TcpAnalyzer.Result r = tcpAnalyzer.analyze(d.frame.number(), d.frame.epochNanos(), d.srcAddr + ":" + sport,
                    d.dstAddr + ":" + dport, seq, ack, seglen, flags, window, -1);
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
        StringBuilder options = new StringBuilder();
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
                        options.append(" MSS=").append(WireBytes.u16(b, p + 2));
                    }
                }
                case 3 -> {
                    if (len == 3) {
                        int shift = b[p + 2] & 0xff;
                        wsShift = shift;
                        options.append(" WS=").append(1 << Math.min(shift, 14));
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
                        options.append(" TSval=").append(WireBytes.u32(b, p + 2)).append(" TSecr=").append(WireBytes.u32(b, p + 6));
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
        String srcKey = d.srcAddr + ":" + sport;
        String dstKey = d.dstAddr + ":" + dport;
        TcpAnalyzer.Result r = tcpAnalyzer.analyze(d.frame.number(), d.frame.epochNanos(), srcKey, dstKey, seq, ack,
                seglen, flags, window, wsShift);
        String optionText = options.toString();
        if (sack != null) {
            StringBuilder edges = new StringBuilder();
            for (int i = 0; i < sackCount; i++) {
                edges.append(" SLE=").append(tcpAnalyzer.relativeToPeer(srcKey, dstKey, sack[2 * i]))
                        .append(" SRE=").append(tcpAnalyzer.relativeToPeer(srcKey, dstKey, sack[2 * i + 1]));
            }
            optionText = optionText.replace("\u0000SACK", edges);
        }
        String flagText = flagText(flags);
        StringBuilder info = new StringBuilder(120);
        List<String> texts = r.texts();
        for (String t : texts) {
            info.append('[').append(t).append("] ");
        }
        int prefix = info.length();
        info.append(sport).append(" → ").append(dport).append(" [").append(flagText).append("] Seq=").append(r.relativeSeq());
        boolean hasAck = (flags & TcpAnalyzer.ACK) != 0;
        if (hasAck) {
            info.append(" Ack=").append(r.relativeAck());
        }
        info.append(" Win=").append(r.scaledWindow());
        if (headerCut) {
            // tshark prints the analysis flags after the header and options: a cut header shows none
            d.info = info.substring(prefix);
            d.shortOf("TCP");
            return;
        }
        if ((flags & 0x20) != 0) {
            info.append(" Urg=").append(urgent);
        }
        info.append(" Len=").append(seglen).append(optionText);
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
        if (seglen > 0 && texts.isEmpty() && payload < end) {
            String http = HttpFirstLine.of(b, payload, end);
            if (http != null) {
                d.protocol = "HTTP";
                d.info = info.substring(0, prefix) + http;
                if (end < reportedEnd) {
                    d.shortOf("HTTP");
                }
            }
        }
    }

    private static String flagText(int flags) {
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"};
        StringBuilder s = new StringBuilder(24);
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0) {
                if (!s.isEmpty()) {
                    s.append(", ");
                }
                s.append(names[i]);
            }
        }
        if ((flags & 0x0e00) != 0) {
            s.append(s.isEmpty() ? "" : ", ").append("Reserved");
        }
        return s.isEmpty() ? "<None>" : s.toString();
    }

    private void udp(Decoding d, int off, int reportedEnd, int end) {
        byte[] b = d.b;
        d.transport = "udp";
        d.protocol = "UDP";
        if (end - off < 8) {
            if (end - off >= 6) {
                d.info = WireBytes.u16(b, off) + " → " + WireBytes.u16(b, off + 2) + " Len=" + (WireBytes.u16(b, off + 4) - 8);
            }
            d.shortOf("UDP");
            return;
        }
        int sport = WireBytes.u16(b, off);
        int dport = WireBytes.u16(b, off + 2);
        int ulen = WireBytes.u16(b, off + 4);
        d.srcPort = sport;
        d.dstPort = dport;
        d.info = sport + " → " + dport + " Len=" + (ulen - 8);
        if (ulen > reportedEnd - off) {
            d.info = sport + " → " + dport + " [BAD UDP LENGTH " + ulen + " > IP PAYLOAD LENGTH] Len=" + (ulen - 8);
            d.problem = "malformed";
            return;
        }
        if (ulen < 8) {
            d.info = sport + " → " + dport + " Len=" + Math.max(0, reportedEnd - off - 8) + " [Bad length value " + ulen + "]";
            d.malformed("UDP");
            return;
        }
        if (ulen > 8 && end == off + 8) {
            // the payload's first byte is missing: tshark's next dissector runs out at once
            d.shortOf("UDP");
            return;
        }
        if ((sport == 53 || dport == 53) && ulen > 8) {
            d.protocol = "DNS";
            int dnsEnd = Math.min(end, off + ulen);
            DnsMessage.Decoded dns = DnsMessage.decode(b, off + 8, dnsEnd);
            d.info = dns.text();
            if (!dns.complete()) {
                if (dnsEnd < off + ulen) {
                    d.shortOf("DNS");
                } else {
                    d.malformed("DNS");
                }
            }
            return;
        }
    }

    private void icmp(Decoding d, int off, int reportedEnd, int end) {
        byte[] b = d.b;
        d.transport = "icmp";
        d.protocol = "ICMP";
        if (end - off < 4) {
            d.shortOf("ICMP");
            return;
        }
        int type = b[off] & 0xff;
        int code = b[off + 1] & 0xff;
        StringBuilder info = new StringBuilder(80);
        String typeName = IcmpNames.type(type);
        info.append(typeName);
        for (int i = typeName.length(); i < 20; i++) {
            info.append(' ');
        }
        String codeName = IcmpNames.code(type, code);
        if (codeName != null) {
            info.append(" (").append(codeName).append(')');
        }
        PacketSummary.Icmp quoted = new PacketSummary.Icmp(type, code, null, null, null, -1, -1);
        switch (type) {
            case 0, 8, 13, 14, 15, 16, 17, 18 -> {
                if (end - off < 8) {
                    d.info = info.toString();
                    d.shortOf("ICMP");
                    return;
                }
                int id = WireBytes.u16(b, off + 4);
                int seqBe = WireBytes.u16(b, off + 6);
                int seqLe = WireBytes.u16le(b, off + 6);
                info.append(" id=0x").append(hex4(id)).append(", seq=").append(seqBe).append('/').append(seqLe)
                        .append(", ttl=").append(d.ttl);
                if (type == 8 || type == 0) {
                    echo(d, info, type == 8, id, seqBe);
                }
            }
            case 3, 4, 5, 11, 12 -> {
                quoted = quotedIpv4(b, off + 8, end, type, code);
                // tshark dissects the quoted IP header and 8 bytes of its transport header
                int need = off + 8 + (end - off >= 9 ? Math.max(20, (b[off + 8] & 0x0f) * 4) : 20) + 8;
                if (end < Math.min(reportedEnd, need) && d.frame.capturedLength() < d.frame.originalLength()) {
                    d.info = info.toString();
                    d.icmp = quoted;
                    d.shortOf("ICMP");
                    return;
                }
            }
            default -> {
            }
        }
        d.icmp = quoted;
        d.info = info.toString();
    }

    /** "(request in N)" on a reply whose request this run has seen, as tshark's single pass prints it. */
    private void echo(Decoding d, StringBuilder info, boolean request, int id, int seq) {
        String key = request ? d.srcAddr + ">" + d.dstAddr + ":" + id + ":" + seq : d.dstAddr + ">" + d.srcAddr + ":" + id + ":" + seq;
        if (request) {
            echoRequests.put(key, d.frame.number());
        } else {
            Long requestFrame = echoRequests.get(key);
            if (requestFrame != null) {
                info.append(" (request in ").append(requestFrame).append(')');
            }
        }
    }

    private static PacketSummary.Icmp quotedIpv4(byte[] b, int off, int end, int type, int code) {
        if (end - off < 20 || (b[off] & 0xf0) != 0x40) {
            return new PacketSummary.Icmp(type, code, null, null, null, -1, -1);
        }
        int ihl = (b[off] & 0x0f) * 4;
        int proto = b[off + 9] & 0xff;
        String src = AddressText.ipv4(b, off + 12);
        String dst = AddressText.ipv4(b, off + 16);
        int sp = -1;
        int dp = -1;
        if ((proto == 6 || proto == 17) && end - off >= ihl + 4) {
            sp = WireBytes.u16(b, off + ihl);
            dp = WireBytes.u16(b, off + ihl + 2);
        }
        return new PacketSummary.Icmp(type, code, IcmpNames.ipProtocol(proto).toLowerCase(java.util.Locale.ROOT), src, dst, sp, dp);
    }

    private void icmpv6(Decoding d, int off, int reportedEnd, int end) {
        byte[] b = d.b;
        d.transport = "icmpv6";
        d.protocol = "ICMPv6";
        if (end - off < 4) {
            d.shortOf("ICMPv6");
            return;
        }
        int type = b[off] & 0xff;
        int code = b[off + 1] & 0xff;
        StringBuilder info = new StringBuilder(IcmpNames.type6(type));
        String codeName = IcmpNames.code6(type, code);
        if (codeName != null) {
            info.append(" (").append(codeName).append(')');
        }
        PacketSummary.Icmp quoted = new PacketSummary.Icmp(type, code, null, null, null, -1, -1);
        switch (type) {
            case 128, 129 -> {
                if (end - off < 8) {
                    d.info = info.toString();
                    d.shortOf("ICMPv6");
                    return;
                }
                int id = WireBytes.u16(b, off + 4);
                int seq = WireBytes.u16(b, off + 6);
                info.append(" id=0x").append(hex4(id)).append(", seq=").append(seq).append(", hop limit=").append(d.ttl);
                echo(d, info, type == 128, id, seq);
            }
            case 135, 136 -> {
                if (end - off >= 24) {
                    String target = AddressText.ipv6(b, off + 8);
                    if (type == 135) {
                        info.append(" for ").append(target);
                        String mac = linkOption(b, off + 24, end, 1);
                        if (mac != null) {
                            info.append(" from ").append(mac);
                        }
                    } else {
                        info.append(' ').append(target);
                        int f = b[off + 4] & 0xff;
                        StringBuilder fl = new StringBuilder();
                        if ((f & 0x80) != 0) {
                            fl.append("rtr");
                        }
                        if ((f & 0x40) != 0) {
                            fl.append(fl.isEmpty() ? "" : ", ").append("sol");
                        }
                        if ((f & 0x20) != 0) {
                            fl.append(fl.isEmpty() ? "" : ", ").append("ovr");
                        }
                        if (!fl.isEmpty()) {
                            info.append(" (").append(fl).append(')');
                        }
                        String mac = linkOption(b, off + 24, end, 2);
                        if (mac != null) {
                            info.append(" is at ").append(mac);
                        }
                    }
                }
            }
            case 133, 134 -> {
                String mac = linkOption(b, off + (type == 133 ? 8 : 16), end, 1);
                if (mac != null) {
                    info.append(" from ").append(mac);
                }
            }
            case 1, 2, 3, 4 -> {
                int q = off + 8;
                if (end - q >= 40 && (b[q] & 0xf0) == 0x60) {
                    int next = b[q + 6] & 0xff;
                    int sp = -1;
                    int dp = -1;
                    if ((next == 6 || next == 17) && end - q >= 44) {
                        sp = WireBytes.u16(b, q + 40);
                        dp = WireBytes.u16(b, q + 42);
                    }
                    quoted = new PacketSummary.Icmp(type, code, IcmpNames.ipProtocol(next).toLowerCase(java.util.Locale.ROOT),
                            AddressText.ipv6(b, q + 8), AddressText.ipv6(b, q + 24), sp, dp);
                }
                // tshark dissects the quoted IPv6 header and 8 bytes of its transport header
                if (end < Math.min(reportedEnd, q + 48) && d.frame.capturedLength() < d.frame.originalLength()) {
                    d.info = info.toString();
                    d.icmp = quoted;
                    d.shortOf("ICMPv6");
                    return;
                }
            }
            default -> {
            }
        }
        d.icmp = quoted;
        d.info = info.toString();
    }

    private static String linkOption(byte[] b, int p, int end, int wanted) {
        while (p + 2 <= end) {
            int kind = b[p] & 0xff;
            int len = (b[p + 1] & 0xff) * 8;
            if (len == 0 || p + len > end) {
                return null;
            }
            if (kind == wanted && len >= 8) {
                return AddressText.mac(b, p + 2);
            }
            p += len;
        }
        return null;
    }

    private static String hex4(int v) {
        String h = Integer.toHexString(v);
        return "0000".substring(h.length()) + h;
    }
}
