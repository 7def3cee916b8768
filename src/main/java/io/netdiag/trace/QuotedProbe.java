package io.netdiag.trace;

import io.netdiag.os.NativeBytes;
import io.netdiag.ping.IcmpTexts;

import java.util.Arrays;

/**
 * The probe an ICMP or ICMPv6 error quotes: the inner IP header's protocol and destination, and the
 * first 8 bytes of the transport header (ports, then the UDP length and checksum or the TCP sequence
 * number), which every router must return (RFC 792, RFC 4443). Read in wire order; null for anything
 * too short or not an error.
 *
 * @param type            the error's ICMP type
 * @param code            its code
 * @param info            the MTU of "fragmentation needed" / "packet too big", else 0
 * @param protocol        the quoted packet's protocol (6 TCP, 17 UDP)
 * @param destination     the quoted destination address
 * @param sourcePort      quoted source port
 * @param destinationPort quoted destination port
 * @param word            transport bytes 4..7: the UDP length and checksum, or the TCP sequence number
 */
record QuotedProbe(int type, int code, long info, int protocol, byte[] destination, int sourcePort, int destinationPort,
                   int word) {

    static QuotedProbe parse(byte[] p, int offset, boolean v6) {
        if (p.length - offset < 8) {
            return null;
        }
        int type = p[offset] & 0xff;
        int code = p[offset + 1] & 0xff;
        if (!IcmpTexts.isError(v6, type)) {
            return null;
        }
        long rest = TransportHeaders.be32(p, offset + 4);
        int inner = offset + 8;
        int protocol;
        byte[] destination;
        int transport;
        long info;
        if (v6) {
            if (p.length - inner < 40 + 8 || (p[inner] & 0xf0) != 0x60) {
                return null;
            }
            protocol = p[inner + 6] & 0xff;
            destination = Arrays.copyOfRange(p, inner + 24, inner + 40);
            transport = inner + 40;
            info = type == 2 ? rest : 0;
        } else {
            if (p.length - inner < 20 || (p[inner] & 0xf0) != 0x40) {
                return null;
            }
            int ihl = (p[inner] & 0x0f) * 4;
            if (ihl < 20 || p.length - inner < ihl + 8) {
                return null;
            }
            protocol = p[inner + 9] & 0xff;
            destination = Arrays.copyOfRange(p, inner + 16, inner + 20);
            transport = inner + ihl;
            info = type == 3 && code == 4 ? rest & 0xffff : 0;
        }
        return new QuotedProbe(type, code, info, protocol, destination, NativeBytes.be16(p, transport),
                NativeBytes.be16(p, transport + 2), (int) TransportHeaders.be32(p, transport + 4));
    }
}
