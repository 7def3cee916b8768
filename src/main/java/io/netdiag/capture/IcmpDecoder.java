package io.netdiag.capture;

import io.netdiag.os.AddressText;

import java.util.HashMap;
import java.util.Map;

/**
 * ICMP and ICMPv6: type and code names, echo identifiers and sequence numbers with "(request in N)",
 * neighbour discovery, and the datagram an error message quotes.
 */
final class IcmpDecoder {
    private final Map<String, Long> echoRequests = new HashMap<>();

    void decodeV4(PacketDecoding d, int off, int reportedEnd, int end) {
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
    private void echo(PacketDecoding d, StringBuilder info, boolean request, int id, int seq) {
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

    void decodeV6(PacketDecoding d, int off, int reportedEnd, int end) {
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
                return MacText.of(b, p + 2);
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
