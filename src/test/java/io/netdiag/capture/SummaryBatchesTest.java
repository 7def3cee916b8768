package io.netdiag.capture;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-over between the decoding and the printing thread, with real threads on both sides. */
class SummaryBatchesTest {
    private static final int BATCH = SummaryBatches.BATCH;

    private static PacketSummary summary(long number) {
        return new PacketSummary(number, 0, 0, "a", "b", "UDP", 60, 60, "", "udp", "a", "b", 1, 2, null, null, List.of(),
                null, null, List.of());
    }

    private static List<Long> numbers(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** Starts a decoding thread that runs {@code work} and then finishes the hand-over, as the captures' do. */
    private static Thread decoder(SummaryBatches batches, Runnable work) {
        Thread t = Thread.ofPlatform().name("test-decode").daemon(true).unstarted(() -> {
            try {
                work.run();
            } finally {
                batches.finish();
            }
        });
        t.start();
        return t;
    }

    @Test
    void everySummaryArrivesInOrderThroughAFullQueueAndTheEndEndsTheDelivery() throws Exception {
        // many full batches and a partial one through a queue of two, so that the decoder waits for room again and again
        // (as at a signal or -c: the decoder finishes, and every summary it counted is still printed)
        long total = 10L * BATCH + 7;
        SummaryBatches batches = new SummaryBatches(2);
        Thread decoding = decoder(batches, () -> {
            for (long n = 1; n <= total; n++) {
                batches.add(summary(n));
            }
        });
        List<Long> seen = new ArrayList<>();
        long count = batches.deliver(p -> seen.add(p.number()), () -> { });
        decoding.join(5000);
        assertFalse(decoding.isAlive());
        assertEquals(total, count);
        assertEquals(numbers(1, total), seen);
    }

    @Test
    void theEndAloneAndAPartialBatchAreDelivered() {
        SummaryBatches none = new SummaryBatches(8);
        none.finish();
        assertEquals(0, none.deliver(p -> { throw new AssertionError("no summaries were added"); }, () -> { }));

        SummaryBatches three = new SummaryBatches(8);
        for (long n = 1; n <= 3; n++) {
            three.add(summary(n));
        }
        three.finish();
        List<Long> seen = new ArrayList<>();
        assertEquals(3, three.deliver(p -> seen.add(p.number()), () -> { }));
        assertEquals(numbers(1, 3), seen);
    }

    @Test
    void aSinkThatFailsLetsADecoderBlockedOnAFullQueueGo() throws Exception {
        // the reader of the output went away: the printer stops while the decoder waits for room in the queue
        SummaryBatches batches = new SummaryBatches(1);
        CountDownLatch queueFull = new CountDownLatch(1);
        AtomicBoolean decodedToTheEnd = new AtomicBoolean();
        Thread decoding = decoder(batches, () -> {
            for (long n = 1; n <= 100L * BATCH && !batches.stopped(); n++) {
                batches.add(summary(n));
                if (n == BATCH) {
                    queueFull.countDown(); // the first batch fills the queue
                }
            }
            decodedToTheEnd.set(!batches.stopped());
        });
        assertTrue(queueFull.await(5, TimeUnit.SECONDS));
        RuntimeException gone = new RuntimeException("output closed");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> batches.deliver(p -> {
            if (p.number() == BATCH + 1) {
                // the second batch is here; the decoder fills the third and then waits for room (offer's timed wait)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (decoding.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(Thread.State.TIMED_WAITING, decoding.getState(), "the decoder is not waiting for room");
                throw gone;
            }
        }, () -> { }));
        assertSame(gone, thrown);
        decoding.join(5000);
        assertFalse(decoding.isAlive(), "the decoder still waits for a printer that stopped");
        assertTrue(batches.stopped());
        assertFalse(decodedToTheEnd.get(), "the decoder went on after the printer stopped");
    }

    @Test
    void idleRunsWhenThePrinterHasCaughtUpAndNotWhileBatchesWait() throws Exception {
        // a trickle: three packets are handed before their batch fills, printed, and then the printer idles (flushes)
        SummaryBatches trickle = new SummaryBatches(8);
        List<Long> seen = new CopyOnWriteArrayList<>();
        List<Integer> seenAtIdle = new CopyOnWriteArrayList<>();
        CountDownLatch idledAfterThree = new CountDownLatch(1);
        AtomicBoolean waited = new AtomicBoolean();
        Thread decoding = decoder(trickle, () -> {
            for (long n = 1; n <= 3; n++) {
                trickle.add(summary(n));
            }
            trickle.handIfCaughtUp();
            try {
                waited.set(idledAfterThree.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            trickle.add(summary(4));
        });
        long count = trickle.deliver(p -> seen.add(p.number()), () -> {
            seenAtIdle.add(seen.size());
            if (seen.size() == 3) {
                idledAfterThree.countDown();
            }
        });
        decoding.join(5000);
        assertTrue(waited.get(), "no idle after the first three packets; idle calls saw " + seenAtIdle);
        assertEquals(4, count);
        assertEquals(numbers(1, 4), seen);

        // a flood: every batch and the end already wait, so the printer never runs out of work
        SummaryBatches flood = new SummaryBatches(4);
        for (long n = 1; n <= 3L * BATCH; n++) {
            flood.add(summary(n));
        }
        flood.finish();
        List<Integer> idles = new ArrayList<>();
        List<Long> flooded = new ArrayList<>();
        assertEquals(3L * BATCH, flood.deliver(p -> flooded.add(p.number()), () -> idles.add(flooded.size())));
        assertEquals(List.of(), idles);
        assertEquals(numbers(1, 3L * BATCH), flooded);
    }

    @Test
    void aPartialBatchWaitsWhileThePrinterIsBehind() throws Exception {
        // with a full batch still in the queue the partial one is not handed: nobody takes yet, so handing would block
        SummaryBatches batches = new SummaryBatches(1);
        CountDownLatch returned = new CountDownLatch(1);
        Thread decoding = decoder(batches, () -> {
            for (long n = 1; n <= BATCH + 3; n++) {
                batches.add(summary(n));
            }
            batches.handIfCaughtUp();
            returned.countDown();
        });
        assertTrue(returned.await(5, TimeUnit.SECONDS), "handIfCaughtUp waited for room although the printer was behind");
        List<Long> seen = new ArrayList<>();
        assertEquals(BATCH + 3, batches.deliver(p -> seen.add(p.number()), () -> { }));
        decoding.join(5000);
        assertEquals(numbers(1, BATCH + 3), seen);
    }

    @Test
    void aDecoderFailureIsThrownAfterTheSummariesBeforeIt() {
        SummaryBatches batches = new SummaryBatches(8);
        for (long n = 1; n <= BATCH + 5; n++) {
            batches.add(summary(n));
        }
        IllegalStateException broken = new IllegalStateException("dissector bug");
        batches.fail(broken);
        batches.finish();
        List<Long> seen = new ArrayList<>();
        assertSame(broken, assertThrows(IllegalStateException.class, () -> batches.deliver(p -> seen.add(p.number()), () -> { })));
        assertEquals(numbers(1, BATCH + 5), seen);
    }
}
