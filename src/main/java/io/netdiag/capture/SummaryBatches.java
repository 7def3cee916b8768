package io.netdiag.capture;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The hand-over of packet summaries from a capture's decoding thread to the thread that prints them (capture -r and
 * live capture alike): in order, in batches that keep the hand-over cheap, through a bounded queue that holds the
 * decoder back when the printer is slower. The decoder ends with {@link #finish()}; the printer's
 * {@link #deliver} returns at that end, and when it stops early (its sink failed, the reader of the output went
 * away) a decoder waiting for room is let go instead of waiting forever.
 */
final class SummaryBatches {
    static final int BATCH = 256;
    /** Handed after the last batch. */
    private static final PacketSummary[] END = new PacketSummary[0];

    private final BlockingQueue<PacketSummary[]> queue;
    private volatile boolean stopped;
    private volatile RuntimeException failure;
    // the decoding thread's alone
    private PacketSummary[] batch = new PacketSummary[BATCH];
    private int filled;

    /** @param inFlight the batches that may wait for the printer before the decoder is held back */
    SummaryBatches(int inFlight) {
        this.queue = new ArrayBlockingQueue<>(inFlight);
    }

    /** Decoding thread: adds the next summary; a full batch is handed on, waiting while the queue is full. */
    void add(PacketSummary summary) {
        batch[filled++] = summary;
        if (filled == BATCH) {
            handBatch();
        }
    }

    /**
     * Decoding thread: hands the batch being filled on now if the printer has taken every one before it, so that a
     * trickle of packets is printed at once rather than when a batch fills.
     */
    void handIfCaughtUp() {
        if (filled > 0 && queue.isEmpty()) {
            handBatch();
        }
    }

    /** Decoding thread: the decoder failed; {@link #deliver} throws this after the summaries before it. */
    void fail(RuntimeException e) {
        failure = e;
    }

    /** Decoding thread: hands on the summaries not yet handed, then the end. */
    void finish() {
        if (filled > 0) {
            handBatch();
        }
        hand(END);
    }

    /** Whether the printer has stopped taking: the decoder's work is then wasted, and it may end. */
    boolean stopped() {
        return stopped;
    }

    private void handBatch() {
        hand(batch);
        batch = new PacketSummary[BATCH];
        filled = 0;
    }

    private void hand(PacketSummary[] batch) {
        try {
            while (!stopped && !queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                // the printer is busy; wait unless it has stopped taking
            }
        } catch (InterruptedException e) {
            stopped = true;
        }
    }

    /**
     * Printing thread: hands every summary to the sink, in order, until the decoder's end, and returns how many.
     * {@code idle} runs whenever every summary so far has been handed and the printer is about to wait for more (a
     * buffered sink flushes there). Stops the hand-over however it returns; throws the decoder's failure, if any.
     */
    long deliver(Consumer<PacketSummary> sink, Runnable idle) {
        long count = 0;
        try {
            while (true) {
                PacketSummary[] batch = queue.poll();
                if (batch == null) {
                    idle.run();
                    batch = queue.take();
                }
                if (batch == END) {
                    break;
                }
                for (PacketSummary p : batch) {
                    if (p == null) {
                        break;
                    }
                    sink.accept(p);
                    count++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // at the end nothing is waiting; after a failed sink this lets a decoder blocked on a full queue go
            stopped = true;
            queue.clear();
        }
        if (failure != null) {
            throw failure;
        }
        return count;
    }
}
