package io.netdiag.ping;

import io.netdiag.os.NativeBytes;

/**
 * ICMP echo requests and replies on the wire (RFC 792, RFC 4443), and the quoted probe inside ICMP
 * errors. Decoding follows the bytes in order and returns null for anything too short to be ours,
 * never throws on malformed input.
 */
public final class EchoCodec {
    public static final int ICMP_ECHO_REPLY = 0;
    public static final int ICMP_ECHO = 8;
    public static final int ICMP6_ECHO = 128;
    public static final int ICMP6_ECHO_REPLY = 129;
    /** sizeof(struct timeval): iputils puts the send time first in the data, and so do we. */
    public static final int TIMESTAMP_BYTES = 16;

    private EchoCodec() {
    }

    /** An echo message as read: type, code, identifier, sequence, and the ICMP length. */
    public record Echo(int type, int code, int identifier, int sequence, int icmpLength) {
    }

    /** An ICMP error that quotes one of our echo requests. */
    public record QuotedError(int type, int code, long info, int identifier, int sequence, byte[] quotedDestination) {
    }

    /**
     * Fills {@code packet} with an echo request of {@code dataLength} data bytes: the data is 0, 1, 2, ...
     * as iputils sends it, with the send time (a struct timeval) in the first 16 bytes when they fit.
     * IPv4 carries our checksum; for ICMPv6 the kernel computes it over the pseudo-header.
     */
    public static int request(byte[] packet, boolean v6, int identifier, int sequence, int dataLength, long sendEpochNanos) {
        return request(packet, v6, identifier, sequence, dataLength, sendEpochNanos, null);
    }

    /**
     * As {@link #request(byte[], boolean, int, int, int, long)}, with the data filled by {@code pattern}
     * repeated (ping -p; null: 0, 1, 2, ...; empty: zeros). The timestamp still takes the first 16 bytes.
     */
    public static int request(byte[] packet, boolean v6, int identifier, int sequence, int dataLength, long sendEpochNanos,
                              byte[] pattern) {
        int length = 8 + dataLength;
        packet[0] = (byte) (v6 ? ICMP6_ECHO : ICMP_ECHO);
        packet[1] = 0;
        packet[2] = 0;
        packet[3] = 0;
        packet[4] = (byte) (identifier >>> 8);
        packet[5] = (byte) identifier;
        packet[6] = (byte) (sequence >>> 8);
        packet[7] = (byte) sequence;
        for (int i = 0; i < dataLength; i++) {
            packet[8 + i] = data(i, pattern);
        }
        if (dataLength >= TIMESTAMP_BYTES) {
            long seconds = Math.floorDiv(sendEpochNanos, 1_000_000_000L);
            long micros = Math.floorMod(sendEpochNanos, 1_000_000_000L) / 1000;
            putLittleLong(packet, 8, seconds);
            putLittleLong(packet, 16, micros);
        }
        if (!v6) {
            int sum = checksum(packet, 0, length);
            packet[2] = (byte) (sum >>> 8);
            packet[3] = (byte) sum;
        }
        return length;
    }

    /** Data byte {@code i} of our probes: the pattern's, or iputils' default {@code i & 0xff}. */
    static byte data(int i, byte[] pattern) {
        if (pattern == null) {
            return (byte) i;
        }
        return pattern.length == 0 ? 0 : pattern[i % pattern.length];
    }

    /**
     * The first data byte of a reply that differs from what we sent, as iputils checks it: from byte 16
     * (after the timestamp) to the end of what came back, or of {@code dataLength}. Returns its index
     * in the data, or -1 when all match.
     */
    public static int wrongDataByte(byte[] reply, int icmpOffset, int dataLength, byte[] pattern) {
        int end = Math.min(dataLength, reply.length - icmpOffset - 8);
        for (int i = TIMESTAMP_BYTES; i < end; i++) {
            if (reply[icmpOffset + 8 + i] != data(i, pattern)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Parses ping -p as iputils' fill(): hex digits only, read two at a time (an odd last digit alone),
     * at most 16 bytes. A non-hex character is bad input with iputils' words.
     */
    public static byte[] pattern(String text) {
        for (int i = 0; i < text.length(); i++) {
            if ("0123456789abcdefABCDEF".indexOf(text.charAt(i)) < 0) {
                throw io.netdiag.explain.NetdiagException.badInput("patterns must be specified as hex digits: " + text.substring(i));
            }
        }
        int n = Math.min(16, (text.length() + 1) / 2);
        byte[] pattern = new byte[n];
        for (int i = 0; i < n; i++) {
            int end = Math.min(text.length(), 2 * i + 2);
            pattern[i] = (byte) Integer.parseInt(text.substring(2 * i, end), 16);
        }
        return pattern;
    }

    private static void putLittleLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** The Internet checksum (RFC 1071) of {@code length} bytes. */
    public static int checksum(byte[] b, int offset, int length) {
        long sum = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** Length of the IPv4 header at the start of a raw IPv4 read, or -1 when it is not a sane header. */
    public static int ipv4HeaderLength(byte[] packet) {
        if (packet.length < 20 || (packet[0] & 0xf0) != 0x40) {
            return -1;
        }
        int ihl = (packet[0] & 0x0f) * 4;
        return ihl < 20 || ihl > packet.length ? -1 : ihl;
    }

    /** The TTL field of an IPv4 header. */
    public static int ipv4Ttl(byte[] packet) {
        return packet[8] & 0xff;
    }

    /** The echo header at {@code offset}, or null when fewer than 8 bytes remain. */
    public static Echo echo(byte[] packet, int offset) {
        if (packet.length - offset < 8) {
            return null;
        }
        return new Echo(packet[offset] & 0xff, packet[offset + 1] & 0xff, NativeBytes.be16(packet, offset + 4),
                NativeBytes.be16(packet, offset + 6), packet.length - offset);
    }

    /**
     * The probe quoted in an ICMP error read from a raw socket at {@code offset} (after the outer IPv4
     * header on IPv4): the error's type, code and info, and the quoted echo's identifier and sequence;
     * null when the message is not an error about an echo request.
     */
    public static QuotedError quoted(byte[] p, int offset, boolean v6) {
        int n = p.length - offset;
        if (n < 8) {
            return null;
        }
        int type = p[offset] & 0xff;
        int code = p[offset + 1] & 0xff;
        long word = ((long) NativeBytes.be16(p, offset + 4) << 16) | NativeBytes.be16(p, offset + 6);
        int inner = offset + 8;
        if (!v6) {
            if (!IcmpTexts.isError(false, type) || p.length - inner < 20) {
                return null;
            }
            int ihl = (p[inner] & 0x0f) * 4;
            if ((p[inner] & 0xf0) != 0x40 || ihl < 20 || (p[inner + 9] & 0xff) != 1 || p.length - inner < ihl + 8) {
                return null;
            }
            byte[] dst = java.util.Arrays.copyOfRange(p, inner + 16, inner + 20);
            Echo e = echo(p, inner + ihl);
            if (e == null || e.type() != ICMP_ECHO) {
                return null;
            }
            // "frag needed" carries the next-hop MTU in the low half; "parameter problem" the pointer in the top byte
            long info = type == 3 && code == 4 ? word & 0xffff : type == 12 ? (word >>> 24) & 0xff : 0;
            return new QuotedError(type, code, info, e.identifier(), e.sequence(), dst);
        }
        if (!IcmpTexts.isError(true, type) || p.length - inner < 40 + 8) {
            return null;
        }
        if ((p[inner] & 0xf0) != 0x60) {
            return null;
        }
        int next = p[inner + 6] & 0xff;
        int at = inner + 40;
        if (next == 44 && p.length - at >= 8 + 8) { // a fragment header before the echo
            next = p[at] & 0xff;
            at += 8;
        }
        if (next != 58) {
            return null;
        }
        byte[] dst = java.util.Arrays.copyOfRange(p, inner + 24, inner + 40);
        Echo e = echo(p, at);
        if (e == null || e.type() != ICMP6_ECHO) {
            return null;
        }
        long info = type == 2 || type == 4 ? word : 0;
        return new QuotedError(type, code, info, e.identifier(), e.sequence(), dst);
    }
}
