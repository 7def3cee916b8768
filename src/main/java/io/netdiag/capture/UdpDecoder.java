package io.netdiag.capture;

/**
 * UDP datagrams, and what tshark names by port: DNS (53), mDNS (5353), LLMNR (5355), DHCP (67, 68), NetBIOS name
 * service (137) and SSDP (1900).
 */
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
        String dnsKind = sport == 53 || dport == 53 ? "DNS" : sport == 5353 || dport == 5353 ? "MDNS"
                : sport == 5355 || dport == 5355 ? "LLMNR" : null;
        if (dnsKind == null || ulen <= 8 || end == off + 8) {
            // the plain line, which a DNS message replaces (made only when it stays)
            d.info = sport + " → " + dport + " Len=" + (ulen - 8);
        }
        if (ulen > 8 && end == off + 8) {
            // the payload's first byte is missing: tshark's next dissector runs out at once
            d.shortOf("UDP");
            return;
        }
        if (ulen <= 8) {
            return;
        }
        int payloadEnd = Math.min(end, off + ulen);
        if (dnsKind != null) {
            d.protocol = dnsKind;
            DnsMessage.Decoded dns = DnsMessage.decode(b, off + 8, payloadEnd, dnsKind.equals("MDNS"));
            d.info = dns.text();
            if (!dns.complete()) {
                if (payloadEnd < off + ulen) {
                    d.shortOf(dnsKind);
                } else {
                    d.malformed(dnsKind);
                }
            }
            return;
        }
        String lan = null;
        String protocol = null;
        if (sport == 67 || dport == 67 || sport == 68 || dport == 68) {
            lan = LanProtocols.dhcp(b, off + 8, payloadEnd);
            protocol = "DHCP";
        } else if (sport == 137 || dport == 137) {
            lan = LanProtocols.nbns(b, off + 8, payloadEnd);
            protocol = "NBNS";
        } else if (sport == 1900 || dport == 1900) {
            lan = LanProtocols.ssdp(b, off + 8, payloadEnd);
            protocol = "SSDP";
        }
        if (lan != null) {
            d.protocol = protocol;
            d.info = lan;
        }
    }
}
