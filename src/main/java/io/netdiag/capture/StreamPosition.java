package io.netdiag.capture;

/**
 * Where one direction of a TCP connection is in its byte stream, for the decoders that follow messages
 * across segments (HTTP, DNS, TLS): a segment that does not start where the previous one ended (bytes the
 * capture lost, or a gap) means the message in progress cannot be finished.
 */
final class StreamPosition {
    private long next = -1;

    /**
     * Records a segment with raw sequence number {@code seq} and {@code length} payload bytes; returns false
     * when it carries data that does not continue the stream (the caller then drops what it was collecting).
     */
    boolean advance(long seq, long length, boolean syn, boolean fin) {
        if (syn) {
            next = (seq + 1) & 0xffffffffL;
            return true;
        }
        boolean follows = length == 0 || next < 0 || seq == next;
        next = (seq + length + (fin ? 1 : 0)) & 0xffffffffL;
        return follows;
    }

    /**
     * Whether the {@code length} bytes from raw sequence number {@code seq} all lie before where the stream has got
     * to (sequence space wraps at 2^32): a retransmission of bytes already followed.
     */
    boolean covers(long seq, long length) {
        return next >= 0 && length > 0 && (int) (next - ((seq + length) & 0xffffffffL)) >= 0 && (int) (next - seq) > 0;
    }

    /** Forgets the position: the next segment starts the stream afresh. */
    void reset() {
        next = -1;
    }
}
