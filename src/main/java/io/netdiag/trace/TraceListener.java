package io.netdiag.trace;

import java.util.List;

/** Hears a trace as it runs: each probe's fate, and the per-hop table after each round (for live views). */
public interface TraceListener {
    /** Nothing to hear: for callers that only want the result. */
    TraceListener NONE = new TraceListener() {
    };

    default void probe(ProbeEvent event) {
    }

    /** The hops so far, after round {@code round} (1-based) was sent and the previous one settled. */
    default void round(int round, List<HopStats> hops) {
    }
}
