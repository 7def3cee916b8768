package io.netdiag.trace;

import io.netdiag.ping.EchoCodec;

/**
 * UDP and TCP SYN probe headers with their checksums over the pseudo-header (RFC 768, RFC 793, RFC 8200
 * section 8.1), for raw sockets where the kernel adds only the IP header.
 */
final class TransportHeaders {
    private TransportHeaders() {
    }

    /**
     * A UDP probe of {@code length} bytes (header and payload, at least 10) whose checksum field is
     * {@code id}: the first two payload bytes are chosen so that the checksum is right, as mtr does, so
     * the id survives in the 8 bytes every router quotes while the flow (ports) stays the same.
     */
    static void udp(byte[] p, int length, int sourcePort, int destinationPort, int id, byte[] source, byte[] destination) {
        put16(p, 0, sourcePort);
        put16(p, 2, destinationPort);
        put16(p, 4, length);
        put16(p, 6, id);
        put16(p, 8, 0);
        long sum = pseudo(source, destination, 17, length) + words(p, 0, length);
        int folded = fold(sum);
        put16(p, 8, ~folded & 0xffff); // now the whole sums to 0xffff: a valid checksum equal to id
    }

    /** A TCP SYN of {@code length} bytes (a 20-byte header, then zero data when longer) with sequence number {@code sequence}. */
    static void tcpSyn(byte[] p, int length, int sourcePort, int destinationPort, int sequence, byte[] source,
                       byte[] destination) {
        put16(p, 0, sourcePort);
        put16(p, 2, destinationPort);
        put16(p, 4, sequence >>> 16);
        put16(p, 6, sequence);
        put16(p, 8, 0);
        put16(p, 10, 0);
        p[12] = 5 << 4;
        p[13] = 0x02;
        put16(p, 14, 64240);
        put16(p, 16, 0);
        put16(p, 18, 0);
        int sum = fold(pseudo(source, destination, 6, length) + words(p, 0, length));
        put16(p, 16, ~sum & 0xffff);
    }

    private static long pseudo(byte[] source, byte[] destination, int protocol, int length) {
        long sum = words(source, 0, source.length) + words(destination, 0, destination.length);
        return sum + protocol + (length & 0xffff) + (length >>> 16);
    }

    private static long words(byte[] b, int offset, int length) {
        // EchoCodec.checksum folds and inverts: undo the inversion to get the folded sum
        return ~EchoCodec.checksum(b, offset, length) & 0xffff;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    private static void put16(byte[] p, int at, int v) {
        p[at] = (byte) (v >>> 8);
        p[at + 1] = (byte) v;
    }

    static long be32(byte[] p, int at) {
        return ((p[at] & 0xffL) << 24) | ((p[at + 1] & 0xff) << 16) | ((p[at + 2] & 0xff) << 8) | (p[at + 3] & 0xff);
    }
}
