package io.netdiag.os;

/**
 * Keeps a long-running command's heap near what it holds. Its launcher gives it the serial collector and a small young
 * generation; whatever outlives a few young collections (state kept from one refresh to the next, such as the kernel
 * counters a watch compares, and whatever a young collection finds still in use) is promoted, and the serial
 * collector makes room for promotions by growing the old generation, up to the default maximum heap (a quarter of
 * RAM), before it ever collects it: a watch's RSS grew that way by megabytes a minute. At a quiet moment (between two
 * refreshes) {@link #settle} collects the whole heap once the heap in use has grown by more than {@link #SLACK} bytes
 * since the last collection; the collector then gives the space back (as far as -XX:MaxHeapFreeRatio lets it).
 *
 * <p>In use, not committed: the old generation keeps a fifth of itself free after a full collection, and promotions
 * fill that first, so a trigger on committed growth fired only once they had filled it and then grown the heap by the
 * slack as well: with 52,000 sockets RSS rose from 62 to 66 MB over two minutes before each collection. A fixed slack,
 * not a share of the heap: with 72,000 sockets "half" let RSS climb 20 MB between collections. A full collection of a
 * 15 MB heap takes 6-10 ms, about once a minute.
 */
public final class HeapSettling {
    /** Growth of the heap in use that is let go before a full collection; above the launcher's 1 MB young generation. */
    static final long SLACK = 2L << 20;

    /** The heap in use after the last full collection; 0 before the first, which comes after the first refresh. */
    private long settled;

    /** Collects the whole heap when what it holds has grown enough since the last call that did; cheap otherwise. */
    public void settle() {
        if (used() - settled > SLACK) {
            System.gc();
            settled = used();
        }
    }

    private static long used() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
