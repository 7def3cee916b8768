package io.netdiag.os;

/**
 * Keeps a long-running command's heap near what it holds. Its launcher gives it the serial collector and a small young
 * generation; whatever outlives a few young collections (state kept from one refresh to the next, such as the kernel
 * counters a watch compares) is promoted, and the serial collector makes room for promotions by growing the old
 * generation, up to the default maximum heap (a quarter of RAM), before it ever collects it: a watch's RSS grew that
 * way by megabytes a minute. At a quiet moment (between two refreshes) {@link #settle} collects the whole heap once
 * it has grown by more than {@link #SLACK} bytes since the last time; the collector then gives the space back (as
 * far as -XX:MaxHeapFreeRatio lets it). A fixed slack, not a share of the heap: with 72,000 sockets "half" let RSS
 * climb 20 MB between collections; a full collection of that heap takes 10-30 ms, every 20 s or so.
 */
public final class HeapSettling {
    /** Growth of the committed heap that is let go before a full collection (a few ms for a heap of 10 MB). */
    static final long SLACK = 4L << 20;

    private long settled = -1;

    /** Collects the whole heap when it has grown enough since the last call that did; cheap otherwise. */
    public void settle() {
        Runtime runtime = Runtime.getRuntime();
        long committed = runtime.totalMemory();
        if (settled < 0) {
            settled = committed;
            return;
        }
        if (committed - settled > SLACK) {
            System.gc();
            settled = runtime.totalMemory();
        }
    }
}
