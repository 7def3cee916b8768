package io.netdiag.capture;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The directions of TCP connections that a stream decoder (HTTP, DNS over TCP, TLS) follows, keyed
 * {@code src>dst}, each with its {@link StreamPosition} and the message it has in progress.
 */
final class StreamDirections<D extends StreamDirections.Direction> {
    /** One direction's state: where its stream has got to, and a message in progress that can be given up. */
    abstract static class Direction {
        final StreamPosition position = new StreamPosition();

        /** Drops the message in progress. */
        abstract void dropMessage();
    }

    private final Map<Key, D> directions = new HashMap<>();
    private final Supplier<D> create;

    /** Direction {@code src>dst}: the two endpoint texts, hashed as they are (no third String per lookup). */
    private record Key(String src, String dst) {
    }

    StreamDirections(Supplier<D> create) {
        this.create = create;
    }

    /** Direction {@code src>dst}, made on first use. */
    D of(String src, String dst) {
        return directions.computeIfAbsent(new Key(src, dst), k -> create.get());
    }

    /** Whether direction {@code src>dst} has already followed these bytes (a retransmission of them). */
    boolean followed(String src, String dst, long seq, long length) {
        D d = directions.get(new Key(src, dst));
        return d != null && d.position.covers(seq, length);
    }

    /** Gives up the message in progress from {@code src} to {@code dst}: bytes of it were not captured or were resent. */
    void forget(String src, String dst) {
        D d = directions.get(new Key(src, dst));
        if (d != null) {
            d.dropMessage();
            d.position.reset();
        }
    }
}
