package io.netdiag.fill;

import io.netdiag.explain.NetdiagException;

import java.time.Duration;
import java.util.Locale;

/** How the receiving side of a fill reads: never, at a fixed rate, or as fast as it can after a delay. */
public sealed interface ReaderPolicy {
    /** The server accepts and never calls recv(): its Recv-Q fills and its window closes. */
    record Never() implements ReaderPolicy {
        @Override
        public String toString() {
            return "never";
        }
    }

    /** The server reads at most {@code bytesPerSecond}: the steady state where the Send-Q stays full. */
    record Rate(long bytesPerSecond) implements ReaderPolicy {
        @Override
        public String toString() {
            return "rate:" + bytesPerSecond;
        }
    }

    /** The server starts reading (as fast as it can) {@code delay} after the first send. */
    record After(Duration delay) implements ReaderPolicy {
        @Override
        public String toString() {
            return "after:" + delay.toMillis() + "ms";
        }
    }

    /** Parses {@code never}, {@code rate:64k} or {@code after:5s}. */
    static ReaderPolicy parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("never")) {
            return new Never();
        }
        if (t.startsWith("rate:")) {
            long rate = Quantities.bytes(t.substring(5));
            if (rate <= 0) {
                throw NetdiagException.badInput("--reader rate must be positive: " + text);
            }
            return new Rate(rate);
        }
        if (t.startsWith("after:")) {
            return new After(Quantities.duration(t.substring(6)));
        }
        throw NetdiagException.badInput("--reader must be never, rate:BYTES_PER_SECOND or after:DURATION, not '" + text + "'");
    }
}
