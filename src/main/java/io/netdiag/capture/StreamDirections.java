package io.netdiag.capture;

import java.util.function.Supplier;

/**
 * The directions of TCP connections that one stream decoder (HTTP, DNS over TCP, TLS) follows, each with
 * its {@link StreamPosition} and the message it has in progress, kept in the {@link TcpConnection}.
 */
final class StreamDirections<D extends StreamDirections.Direction> {
    /** One direction's state: where its stream has got to, and a message in progress that can be given up. */
    abstract static class Direction {
        final StreamPosition position = new StreamPosition();

        /** Drops the message in progress. */
        abstract void dropMessage();
    }

    static final int HTTP = 0;
    static final int DNS = 2;
    static final int TLS = 4;

    private final int slot;
    private final Supplier<D> create;

    /** {@code slot}: {@link #HTTP}, {@link #DNS} or {@link #TLS}. */
    StreamDirections(int slot, Supplier<D> create) {
        this.slot = slot;
        this.create = create;
    }

    /** The direction of {@code connection} that a segment sent by its endpoint A ({@code forward}) or B takes, made on first use. */
    @SuppressWarnings("unchecked")
    D of(TcpConnection connection, boolean forward) {
        int i = forward ? slot : slot + 1;
        D d = (D) connection.streams[i];
        if (d == null) {
            d = create.get();
            connection.streams[i] = d;
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    private D get(TcpConnection connection, boolean forward) {
        return (D) connection.streams[forward ? slot : slot + 1];
    }

    /** Whether the direction has already followed these bytes (a retransmission of them). */
    boolean followed(TcpConnection connection, boolean forward, long seq, long length) {
        D d = get(connection, forward);
        return d != null && d.position.covers(seq, length);
    }

    /** Gives up the direction's message in progress: bytes of it were not captured or were resent. */
    void forget(TcpConnection connection, boolean forward) {
        D d = get(connection, forward);
        if (d != null) {
            d.dropMessage();
            d.position.reset();
        }
    }
}
