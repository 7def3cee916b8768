package io.netdiag.capture;

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
    private final TcpDecoder tcp;
    private final boolean dataSources;
    private final IcmpDecoder icmp = new IcmpDecoder();
    private final FragmentReassembly fragments = new FragmentReassembly();
    private final AddressCache addresses = new AddressCache();
    private long firstNanos = Long.MIN_VALUE;
    private final PacketDecoding decoding = new PacketDecoding(new Frame(0, 0, 0, 0, NO_BYTES));

    public Dissector(LinkType link) {
        this(link, false);
    }

    /** With {@code dataSources}, packets carry the reassembled and de-chunked data they complete (for -x). */
    public Dissector(LinkType link, boolean dataSources) {
        this.link = link;
        this.dataSources = dataSources;
        this.tcp = new TcpDecoder(dataSources);
    }

    public LinkType link() {
        return link;
    }

    public PacketSummary dissect(Frame frame) {
        return dissect(frame, link);
    }

    /** A frame of another link type than the run's first (a pcapng file with several kinds of interface). */
    public PacketSummary dissect(Frame frame, LinkType link) {
        return dissect(frame, link, frame.data());
    }

    /**
     * A frame whose {@code data} is a buffer the caller fills again for the next frame (decoded where it lies,
     * no copy per packet): the summary's bytes are then empty, so this is not for {@code -x}.
     */
    public PacketSummary dissectInPlace(Frame frame, LinkType link) {
        return dissect(frame, link, NO_BYTES);
    }

    private static final byte[] NO_BYTES = new byte[0];

    private PacketSummary dissect(Frame frame, LinkType link, byte[] kept) {
        if (firstNanos == Long.MIN_VALUE) {
            firstNanos = frame.epochNanos();
        }
        PacketDecoding d = decoding;
        d.reset(frame);
        int end = Math.min(frame.capturedLength(), d.b.length);
        try {
            decodeLink(d, link, end);
        } catch (RuntimeException e) {
            // a check missed a case: still describe the packet rather than stop the run (tshark's
            // dissector exceptions end the same way, as "[Malformed Packet]")
            d.malformed(d.protocol.isEmpty() ? "Frame" : d.protocol);
        }
        return new PacketSummary(frame.number(), frame.epochNanos(), frame.epochNanos() - firstNanos, d.src, d.dst,
                d.protocol, frame.originalLength(), frame.capturedLength(), d.info, d.transport, d.srcAddr, d.dstAddr,
                d.srcPort, d.dstPort, d.tcp, d.icmp, d.analysis, d.problem, kept, d.sources);
    }

    private void decodeLink(PacketDecoding d, LinkType link, int end) {
        byte[] b = d.b;
        switch (link) {
            case ETHERNET -> {
                if (end < 14) {
                    // tshark fills the address columns as far as the bytes go
                    if (end >= 6) {
                        d.dst = addresses.mac(b, 0);
                    }
                    if (end >= 12) {
                        d.src = addresses.mac(b, 6);
                    }
                    d.shortOf("Ethernet");
                    return;
                }
                d.dst = addresses.mac(b, 0);
                d.src = addresses.mac(b, 6);
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
                    d.src = addresses.mac(b, 6);
                }
                network(d, WireBytes.u16(b, 14), 16, end);
            }
            case LINUX_SLL2 -> {
                if (end < 20) {
                    d.shortOf("SLL");
                    return;
                }
                if ((b[11] & 0xff) == 6) {
                    d.src = addresses.mac(b, 12);
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

    private void network(PacketDecoding d, int ethertype, int off, int end) {
        switch (ethertype) {
            case 0x0800 -> ipv4(d, off, end);
            case 0x86dd -> ipv6(d, off, end);
            case 0x0806 -> ArpDecoder.decode(d, off, end);
            default -> {
                d.protocol = String.format("0x%04x", ethertype);
                d.info = "Ethernet II";
            }
        }
    }


    private void ipv4(PacketDecoding d, int off, int end) {
        byte[] b = d.b;
        if (end - off < 20) {
            // tshark fills the address columns as far as it got before the bytes ran out
            if (end - off >= 16) {
                d.src = addresses.ipv4(b, off + 12);
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
        d.src = addresses.ipv4(b, off + 12);
        d.dst = addresses.ipv4(b, off + 16);
        d.srcAddr = d.src;
        d.dstAddr = d.dst;
        d.srcLow = WireBytes.u32(b, off + 12);
        d.dstLow = WireBytes.u32(b, off + 16);
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
            if (dataSources) {
                d.source("Reassembled IPv4", whole);
            }
            d.b = whole;
            transport(d, proto, 0, whole.length, whole.length, true);
            return;
        }
        transport(d, proto, off + ihl, reportedEnd, capturedEnd, true);
    }

    private void ipv6(PacketDecoding d, int off, int end) {
        byte[] b = d.b;
        if (end - off < 40) {
            if (end - off >= 24) {
                d.src = addresses.ipv6(b, off + 8);
            }
            d.shortOf("IPv6");
            return;
        }
        d.src = addresses.ipv6(b, off + 8);
        d.dst = addresses.ipv6(b, off + 24);
        d.srcAddr = d.src;
        d.dstAddr = d.dst;
        d.v6 = true;
        d.srcHigh = (WireBytes.u32(b, off + 8) << 32) | WireBytes.u32(b, off + 12);
        d.srcLow = (WireBytes.u32(b, off + 16) << 32) | WireBytes.u32(b, off + 20);
        d.dstHigh = (WireBytes.u32(b, off + 24) << 32) | WireBytes.u32(b, off + 28);
        d.dstLow = (WireBytes.u32(b, off + 32) << 32) | WireBytes.u32(b, off + 36);
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
                    if (dataSources) {
                        d.source("Reassembled IPv6", whole);
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

    private void transport(PacketDecoding d, int proto, int off, int reportedEnd, int capturedEnd, boolean v4) {
        if (capturedEnd <= off && reportedEnd > off) {
            // not one byte of the transport header: tshark still names ICMP, but not TCP or UDP
            d.shortOf(proto == 1 ? "ICMP" : proto == 58 ? "ICMPv6" : v4 ? "IPv4" : "IPv6");
            return;
        }
        switch (proto) {
            case 6 -> tcp.decode(d, off, reportedEnd, capturedEnd);
            case 17 -> UdpDecoder.decode(d, off, reportedEnd, capturedEnd);
            case 1 -> icmp.decodeV4(d, off, reportedEnd, capturedEnd);
            case 58 -> icmp.decodeV6(d, off, reportedEnd, capturedEnd);
            case 59 -> d.info = "";
            default -> {
                d.protocol = v4 ? "IPv4" : "IPv6";
                d.info = "IP protocol " + proto + " (" + IcmpNames.ipProtocol(proto) + ")";
            }
        }
    }

}
