package io.netdiag.capture;

/** UDP datagrams, and DNS when either port is 53. */
final class UdpDecoder {
    private UdpDecoder() {
    }

    static void decode(PacketDecoding d, int off, int reportedEnd, int end) {
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
}
