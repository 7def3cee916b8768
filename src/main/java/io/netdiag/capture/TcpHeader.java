package io.netdiag.capture;

/**
 * The fixed TCP header, read in wire order. tshark prints what it read before the bytes ran out, so a
 * header of 16 to 19 bytes still counts (without the urgent pointer); fewer is no header.
 *
 * @param headerLength the data offset in bytes (may be bogus, below 20)
 * @param flags the nine flag bits plus the three reserved ones
 * @param cut true when the checksum and urgent pointer were not captured
 */
record TcpHeader(int sourcePort, int destinationPort, int seq, int ack, int headerLength, int flags, int window,
                 int urgent, boolean cut) {

    static TcpHeader read(byte[] b, int off, int end) {
        if (end - off < 16) {
            return null;
        }
        boolean cut = end - off < 20;
        return new TcpHeader(WireBytes.u16(b, off), WireBytes.u16(b, off + 2), (int) WireBytes.u32(b, off + 4),
                (int) WireBytes.u32(b, off + 8), ((b[off + 12] & 0xf0) >> 4) * 4,
                ((b[off + 12] & 0x0f) << 8) | (b[off + 13] & 0xff), WireBytes.u16(b, off + 14),
                cut ? 0 : WireBytes.u16(b, off + 18), cut);
    }
}
