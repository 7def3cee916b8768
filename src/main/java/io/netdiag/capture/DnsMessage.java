package io.netdiag.capture;

import io.netdiag.os.AddressText;

/**
 * The Info text tshark prints for a DNS message: opcode, id, rcode, then each question and record as
 * {@code TYPE name-or-data}, reading in wire order and checking the bytes left before every read.
 */
final class DnsMessage {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private DnsMessage() {
    }

    /** The Info text so far, and whether the whole message could be read. */
    record Decoded(String text, boolean complete) {
    }

    /** Decodes in wire order; stops where the bytes run out, keeping what was read (as tshark's column does). */
    static Decoded decode(byte[] b, int off, int end) {
        return decode(b, off, end, false);
    }

    /**
     * As {@link #decode(byte[], int, int)}; {@code mdns} adds what tshark adds for multicast DNS: whether each
     * question asks for a unicast ({@code "QU"}) or multicast ({@code "QM"}) answer, and which records flush the cache
     * (both the top bit of the class field).
     */
    static Decoded decode(byte[] b, int off, int end, boolean mdns) {
        if (end - off < 4) {
            return new Decoded("", false);
        }
        int id = WireBytes.u16(b, off);
        int flags = WireBytes.u16(b, off + 2);
        boolean response = (flags & 0x8000) != 0;
        int opcode = (flags >> 11) & 0xf;
        int rcode = flags & 0xf;
        StringBuilder s = new StringBuilder(64);
        s.append(opcodeName(opcode));
        if (response) {
            s.append(" response");
        }
        // " 0x%04x" without String.format, which parses its pattern for every message
        s.append(" 0x").append(HEX[(id >> 12) & 0xf]).append(HEX[(id >> 8) & 0xf]).append(HEX[(id >> 4) & 0xf])
                .append(HEX[id & 0xf]);
        if (response && rcode != 0) {
            s.append(' ').append(rcodeName(rcode));
        }
        if (end - off < 12) {
            return new Decoded(s.toString(), false);
        }
        int[] counts = {WireBytes.u16(b, off + 4), WireBytes.u16(b, off + 6), WireBytes.u16(b, off + 8),
                WireBytes.u16(b, off + 10)};
        int[] pos = {off + 12};
        for (int i = 0; i < counts[0]; i++) {
            String name = name(b, off, pos, end);
            if (name == null || pos[0] + 4 > end) {
                return new Decoded(s.toString(), false);
            }
            int type = WireBytes.u16(b, pos[0]);
            boolean unicast = (WireBytes.u16(b, pos[0] + 2) & 0x8000) != 0;
            pos[0] += 4;
            s.append(' ').append(typeName(type)).append(' ').append(name);
            if (mdns) {
                s.append(unicast ? ", \"QU\" question" : ", \"QM\" question");
            }
        }
        for (int section = 1; section < 4; section++) {
            for (int i = 0; i < counts[section]; i++) {
                String name = name(b, off, pos, end);
                if (name == null || pos[0] + 10 > end) {
                    return new Decoded(s.toString(), false);
                }
                int type = WireBytes.u16(b, pos[0]);
                int rdlength = WireBytes.u16(b, pos[0] + 8);
                int rdata = pos[0] + 10;
                if (rdata + rdlength > end) {
                    return new Decoded(s.toString(), false);
                }
                s.append(' ').append(typeName(type));
                if (mdns && (WireBytes.u16(b, pos[0] + 2) & 0x8000) != 0) {
                    s.append(", cache flush");
                }
                String data = rdata(b, off, type, rdata, rdlength, end);
                if (data != null) {
                    s.append(' ').append(data);
                }
                pos[0] = rdata + rdlength;
            }
        }
        return new Decoded(s.toString(), true);
    }

    private static String rdata(byte[] b, int msg, int type, int at, int len, int end) {
        return switch (type) {
            case 1 -> len == 4 ? AddressText.ipv4(b, at) : null;
            case 28 -> len == 16 ? AddressText.ipv6(b, at) : null;
            case 2, 5, 12 -> name(b, msg, new int[] {at}, end);
            case 6 -> name(b, msg, new int[] {at}, end);
            case 15 -> len >= 3 ? WireBytes.u16(b, at) + " " + name(b, msg, new int[] {at + 2}, end) : null;
            // SRV: priority, weight, port, target
            case 33 -> len >= 7 ? WireBytes.u16(b, at) + " " + WireBytes.u16(b, at + 2) + " " + WireBytes.u16(b, at + 4) + " "
                    + name(b, msg, new int[] {at + 6}, end) : null;
            default -> null;
        };
    }

    /** A possibly compressed name; advances pos past it in the record; null when malformed. */
    private static String name(byte[] b, int msg, int[] pos, int end) {
        StringBuilder s = new StringBuilder();
        int p = pos[0];
        boolean jumped = false;
        int jumps = 0;
        while (true) {
            if (p >= end) {
                return null;
            }
            int len = b[p] & 0xff;
            if (len == 0) {
                if (!jumped) {
                    pos[0] = p + 1;
                }
                break;
            }
            if ((len & 0xc0) == 0xc0) {
                if (p + 1 >= end || ++jumps > 64) {
                    return null;
                }
                int target = msg + (((len & 0x3f) << 8) | (b[p + 1] & 0xff));
                if (!jumped) {
                    pos[0] = p + 2;
                }
                jumped = true;
                p = target;
                continue;
            }
            if (p + 1 + len > end) {
                return null;
            }
            if (s.length() > 0) {
                s.append('.');
            }
            for (int i = 0; i < len; i++) {
                int c = b[p + 1 + i] & 0xff;
                s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
            }
            p += 1 + len;
        }
        return s.length() == 0 ? "<Root>" : s.toString();
    }

    private static String opcodeName(int opcode) {
        return switch (opcode) {
            case 0 -> "Standard query";
            case 1 -> "Inverse query";
            case 2 -> "Server status request";
            case 4 -> "Zone change notification";
            case 5 -> "Dynamic update";
            default -> "Unknown operation (" + opcode + ")";
        };
    }

    private static String rcodeName(int rcode) {
        return switch (rcode) {
            case 1 -> "Format error";
            case 2 -> "Server failure";
            case 3 -> "No such name";
            case 4 -> "Not implemented";
            case 5 -> "Refused";
            default -> "Unknown error (" + rcode + ")";
        };
    }

    static String typeName(int type) {
        return switch (type) {
            case 0 -> "Unused";
            case 1 -> "A";
            case 2 -> "NS";
            case 5 -> "CNAME";
            case 6 -> "SOA";
            case 12 -> "PTR";
            case 15 -> "MX";
            case 16 -> "TXT";
            case 28 -> "AAAA";
            case 33 -> "SRV";
            case 41 -> "OPT";
            case 43 -> "DS";
            case 46 -> "RRSIG";
            case 48 -> "DNSKEY";
            case 64 -> "SVCB";
            case 65 -> "HTTPS";
            case 255 -> "ANY";
            default -> "Unknown (" + type + ")";
        };
    }
}
