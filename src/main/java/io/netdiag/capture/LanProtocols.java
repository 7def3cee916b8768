package io.netdiag.capture;

import io.netdiag.os.AddressText;

/**
 * The UDP protocols a LAN capture is full of, named and summarised as tshark does: DHCP (ports 67 and 68),
 * NetBIOS name service (137) and SSDP (1900). mDNS (5353) and LLMNR (5355) are DNS messages
 * ({@link DnsMessage}). Each summary is null when the payload is not what the port promises; the datagram
 * then stays UDP.
 */
final class LanProtocols {
    private LanProtocols() {
    }

    /** DHCP's message types (option 53), as tshark names them. */
    private static final String[] DHCP_TYPES = {null, "Discover", "Offer", "Request", "Decline", "ACK", "NAK", "Release",
            "Inform", "Force Renew", "Lease query", "Lease Unassigned", "Lease Unknown", "Lease Active"};

    /**
     * {@code DHCP Discover - Transaction ID 0x3903f326}: the BOOTP header (236 bytes), the magic cookie and option 53.
     * A BOOTP message without option 53 is not summarised.
     */
    static String dhcp(byte[] b, int off, int end) {
        int options = off + 240;
        if (options > end || WireBytes.u16(b, off + 236) != 0x6382 || WireBytes.u16(b, off + 238) != 0x5363) {
            return null;
        }
        long xid = (long) WireBytes.u16(b, off + 4) << 16 | WireBytes.u16(b, off + 6);
        for (int p = options; p < end; ) {
            int code = b[p] & 0xff;
            if (code == 255) {
                break;
            }
            if (code == 0) {
                p++;
                continue;
            }
            if (p + 1 >= end || p + 2 + (b[p + 1] & 0xff) > end) {
                return null;
            }
            int len = b[p + 1] & 0xff;
            if (code == 53 && len >= 1) {
                int type = b[p + 2] & 0xff;
                String name = type < DHCP_TYPES.length && DHCP_TYPES[type] != null ? DHCP_TYPES[type] : "Unknown (" + type + ")";
                return String.format("DHCP %-8s - Transaction ID 0x%x", name, xid);
            }
            p += 2 + len;
        }
        return null;
    }

    /** NetBIOS name service operations (the opcode), as tshark names them. */
    private static String nbnsOperation(int opcode) {
        return switch (opcode) {
            case 0 -> "Name query";
            case 5 -> "Registration";
            case 6 -> "Release";
            case 7 -> "Wait for acknowledgment";
            case 8 -> "Refresh";
            case 9 -> "Refresh (alternate opcode)";
            case 15 -> "Multi-homed registration";
            default -> "Unknown operation (" + opcode + ")";
        };
    }

    /**
     * {@code Name query NB WORKGROUP<1d>}, {@code Name query response NB 192.168.1.20}: the operation, then each
     * question as TYPE NAME and each answer as TYPE and, for NB, its address.
     */
    static String nbns(byte[] b, int off, int end) {
        if (end - off < 12) {
            return null;
        }
        int flags = WireBytes.u16(b, off + 2);
        boolean response = (flags & 0x8000) != 0;
        StringBuilder s = new StringBuilder(nbnsOperation((flags >> 11) & 0xf));
        if (response) {
            s.append(" response");
        }
        int questions = WireBytes.u16(b, off + 4);
        int answers = WireBytes.u16(b, off + 6);
        int p = off + 12;
        for (int i = 0; i < questions + answers; i++) {
            String name = netbiosName(b, p, end);
            if (name == null) {
                return null;
            }
            p += 33; // the length byte and 32 letters; then a scope's labels, if any, and the terminating 0
            while (p < end && b[p] != 0) {
                p += 1 + (b[p] & 0xff);
            }
            p++;
            if (p + 4 > end) {
                return null;
            }
            int type = WireBytes.u16(b, p);
            String typeName = type == 0x20 ? "NB" : type == 0x21 ? "NBSTAT" : "Unknown (" + type + ")";
            if (i < questions) {
                s.append(' ').append(typeName).append(' ').append(name);
                p += 4;
            } else {
                if (p + 10 > end) {
                    return null;
                }
                int rdlength = WireBytes.u16(b, p + 8);
                s.append(' ').append(typeName);
                if (type == 0x20 && rdlength >= 6 && p + 16 <= end) {
                    s.append(' ').append(AddressText.ipv4(b, p + 12)); // NB_FLAGS, then the address
                }
                p += 10 + rdlength;
            }
        }
        return s.toString();
    }

    /**
     * A first-level encoded NetBIOS name at {@code at} (length byte 32, then two letters A-P per byte): its 15
     * characters up to the first blank, unprintable ones as {@code <xx>}, then the type byte as {@code <xx>}.
     */
    static String netbiosName(byte[] b, int at, int end) {
        if (at + 33 > end || (b[at] & 0xff) != 32) {
            return null;
        }
        StringBuilder s = new StringBuilder(20);
        int type = 0;
        boolean blank = false;
        for (int i = 0; i < 16; i++) {
            int hi = (b[at + 1 + 2 * i] & 0xff) - 'A';
            int lo = (b[at + 2 + 2 * i] & 0xff) - 'A';
            if (hi < 0 || hi > 15 || lo < 0 || lo > 15) {
                return null;
            }
            int c = hi << 4 | lo;
            if (i == 15) {
                type = c;
            } else if (c == ' ') {
                blank = true;
            } else if (!blank) {
                if (c >= 0x21 && c < 0x7f) {
                    s.append((char) c);
                } else {
                    s.append(String.format("<%02x>", c));
                }
            }
        }
        return s.append(String.format("<%02x>", type)).toString();
    }

    /** SSDP (HTTP over UDP): the first line and a blank, as tshark's HTTP dissector shows it; null without one. */
    static String ssdp(byte[] b, int off, int end) {
        for (int i = off; i + 1 < end; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i == off ? null : new String(b, off, i - off, java.nio.charset.StandardCharsets.ISO_8859_1) + " ";
            }
        }
        return null;
    }
}
