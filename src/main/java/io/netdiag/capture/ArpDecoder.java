package io.netdiag.capture;

import io.netdiag.os.AddressText;

/** ARP over Ethernet and IPv4, as tshark words it: who has, is at, gratuitous, probe. */
final class ArpDecoder {
    private ArpDecoder() {
    }

    static void decode(PacketDecoding d, int off, int end) {
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
        String senderMac = MacText.of(b, off + 8);
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
}
