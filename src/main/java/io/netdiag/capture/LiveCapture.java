package io.netdiag.capture;

import io.netdiag.explain.NetdiagException;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A running or ready live capture, stopped by count, duration or {@link #stop()} (Ctrl-C).
 *
 * <p>Three stages, so that the one that must keep up with the kernel does nothing else: the capture thread takes
 * each packet from libpcap's ring ({@code pcap_next_ex} in non-blocking mode, one downcall per packet, no upcall)
 * and copies it into {@link PacketChunks}; the caller's thread writes the chunks to the -w file, or a decoder
 * thread dissects them into batches of summaries that the caller's thread formats. Per-connection state lives in
 * the decoder thread alone and every stage keeps the packets' order.
 */
public final class LiveCapture {
    /**
     * The kernel ring when -B is not given. tcpdump and dumpcap (under tshark) keep libpcap's default of 2 MiB;
     * netdiag's capture thread is as quick per packet, but it is a JVM thread: it waits out the collector's pauses
     * and safepoints, and shares two cores with the compiler threads at the start of a run. Twice as much ring
     * rides those out: netdiag -w with 4 MiB, with -B 2048 and tcpdump -w on the same iperf3 -u -l 64 -b 200M
     * runs (5 runs, load 4.4-6.6) dropped 0 / 0-13,037 / 0-32,789 packets. The ring is mapped into the process,
     * so it counts in RSS (4 MiB of the 64 MiB bench/memory.sh allows).
     */
    static final int DEFAULT_RING = 4 << 20;
    /**
     * Immediate mode gives up TPACKET_V3's blocks: every packet takes a frame of the snapshot length (up to the
     * MTU), so a 2 MiB ring holds a few dozen; 32 MiB rides out a burst.
     */
    static final int IMMEDIATE_RING = 32 << 20;
    /** What netdiag may hold back while writing a file: the writer stalls only when the disk does. */
    static final long WRITE_BUFFER = 8L << 20;
    /**
     * What netdiag may hold back while decoding and printing: tshark's capture child writes every packet to a
     * temporary file that tshark reads at its own pace, so a slow decoder never loses packets there; netdiag
     * holds them in memory instead, up to this much (about 1,000,000 small packets).
     */
    static final long SUMMARY_BUFFER = 128L << 20;
    /** A chunk that waited this long is handed on even when the consumer is still busy with the previous one. */
    private static final long HAND_AFTER_NANOS = 50_000_000L;
    private static final int BATCHES_IN_FLIGHT = 32;

    private final CaptureRequest request;
    private final String device;
    private final LiveHandle handle;
    private final int dlt;
    private volatile boolean stopping;
    private final java.util.function.BooleanSupplier stopped = () -> stopping;
    private PcapFileWriter writer;

    LiveCapture(CaptureRequest request, String device, LiveHandle handle) {
        this.request = request;
        this.device = device;
        this.handle = handle;
        this.dlt = handle.dlt();
        PacketChunks.warmUp();
    }

    public String device() {
        return device;
    }

    /** tcpdump's banner words: {@code EN10MB (Ethernet)}. */
    public String linkType() {
        return LinkNames.describe(dlt);
    }

    public int snaplen() {
        return request.snaplen();
    }

    /**
     * Captures until done, then stops in the order that loses nothing: the capture thread ends, every packet it
     * copied is written or printed, the statistics are read, the file is flushed and closed, and only then the
     * handle closes.
     */
    public CaptureStatistics run(Consumer<PacketSummary> sink) {
        return run(sink, () -> { });
    }

    /**
     * As {@link #run(Consumer)}; {@code idle} runs on the caller's thread whenever it has handed every summary
     * so far to the sink and is about to wait for more (a buffered sink flushes there, so that a trickle of
     * packets is seen at once and a flood is written in large blocks).
     */
    public CaptureStatistics run(Consumer<PacketSummary> sink, Runnable idle) {
        if (request.writeFile() != null && writer == null) {
            openOutput();
        }
        long held = writer != null ? WRITE_BUFFER : SUMMARY_BUFFER;
        try (PacketChunks chunks = new PacketChunks(held, request.snaplen())) {
            Reading reading = new Reading(chunks);
            Thread reader = Thread.ofPlatform().name("netdiag-capture").daemon(true).unstarted(reading);
            reader.start();
            long captured;
            Throwable failure = null;
            try {
                if (writer != null) {
                    failure = write(chunks);
                    captured = -1;
                } else {
                    captured = decodeAndPrint(chunks, sink, idle);
                }
            } catch (RuntimeException | Error e) {
                failure = e;
                captured = 0;
            } finally {
                stopping = true;
                join(reader);
            }
            return finish(reading, captured, failure);
        } finally {
            handle.close();
        }
    }

    private CaptureStatistics finish(Reading reading, long captured, Throwable failure) {
        LiveHandle.Stats stats = handle.stats();
        // tcpdump: "pcap_loop: The interface disappeared", then the statistics, exit 1
        String warning = reading.error == null ? null : "capture on " + device + " ended: " + reading.error;
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            String failed = writeFailure(failure);
            warning = failed != null ? failed : warning;
            // what the files hold: a full disk cuts the last file back to its last whole record
            captured = writer.packets();
            failure = failure instanceof IOException ? null : failure;
        }
        switch (failure) {
            case null -> {
            }
            case RuntimeException r -> throw r;
            case Error e -> throw e;
            default -> throw new IllegalStateException(failure);
        }
        return new CaptureStatistics(captured, stats == null ? null : stats.received(), stats == null ? null : stats.dropped(),
                stats == null ? null : stats.droppedByInterface(), linkType(), warning);
    }

    /** What stopped the writing, as the line that says so, or null (the reader of a pipe leaving is no failure). */
    private static String writeFailure(Throwable failure) {
        return switch (failure) {
            case PcapFileWriter.OutputGoneException gone -> null;
            case java.nio.file.FileSystemException refused -> "cannot write " + refused.getMessage();
            case IOException io -> "cannot write packets: " + io.getMessage();
            case null, default -> null;
        };
    }

    /** The caller's thread with -w: writes every chunk until the end; returns what stopped the writing, if anything. */
    private Throwable write(PacketChunks chunks) {
        Throwable failure = null;
        boolean writing = true;
        try {
            while (true) {
                PacketChunks.Chunk chunk = chunks.take();
                if (chunk == PacketChunks.END) {
                    break;
                }
                long end = chunk.used;
                for (long at = 0; writing && at < end; at = chunk.next(at)) {
                    try {
                        if (!writer.write(chunk.nanos(at), chunk.memory, at + PacketChunks.RECORD_HEADER, chunk.capturedLength(at),
                                chunk.originalLength(at))) {
                            // -G with -W: the last file is complete, end the capture as tcpdump does
                            writing = false;
                            stopping = true;
                        }
                    } catch (IOException | RuntimeException e) {
                        failure = e;
                        writing = false;
                        stopping = true;
                    }
                }
                chunks.recycle(chunk);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }

    /**
     * With summaries: a decoder thread dissects the chunks into batches, and the caller's thread hands each summary
     * to the sink (formatting and writing). Returns the number the sink took.
     */
    private long decodeAndPrint(PacketChunks chunks, Consumer<PacketSummary> sink, Runnable idle) {
        SummaryBatches batches = new SummaryBatches(BATCHES_IN_FLIGHT);
        Thread decoder = Thread.ofPlatform().name("netdiag-decode").daemon(true).unstarted(new Decoding(chunks, batches));
        decoder.start();
        try {
            return batches.deliver(sink, idle);
        } finally {
            // the end, or the sink failed or the reader of our output went away (deliver stopped the decoder): stop
            // everything, and let the threads go
            stopping = true;
            join(decoder);
        }
    }

    /** The decoder thread: chunks in, batches of summaries out, in order, until the end or a stop. */
    private final class Decoding implements Runnable {
        private final PacketChunks chunks;
        private final SummaryBatches batches;

        Decoding(PacketChunks chunks, SummaryBatches batches) {
            this.chunks = chunks;
            this.batches = batches;
        }

        @Override
        public void run() {
            Dissector dissector = new Dissector(LinkType.of(dlt), request.dataSources());
            LinkType link = dissector.link();
            long number = 0;
            try {
                while (true) {
                    PacketChunks.Chunk chunk = chunks.take();
                    if (chunk == PacketChunks.END) {
                        break;
                    }
                    try {
                        long end = chunk.used;
                        for (long at = 0; !batches.stopped() && at < end; at = chunk.next(at)) {
                            Frame frame = new Frame(++number, chunk.nanos(at), chunk.capturedLength(at), chunk.originalLength(at),
                                    chunk.copy(at));
                            batches.add(dissector.dissect(frame, link));
                        }
                    } finally {
                        chunks.recycle(chunk);
                    }
                    batches.handIfCaughtUp(); // the newest packets: shown now if the printer is waiting for them
                }
            } catch (InterruptedException e) {
                // nobody interrupts this thread; should anyone, the printer still gets what was decoded, and the end
            } catch (RuntimeException e) {
                batches.fail(e);
                stopping = true;
                drain();
            } finally {
                batches.finish();
            }
        }

        /** After a failure: keeps giving the chunks back so that the capture thread can finish. */
        private void drain() {
            try {
                PacketChunks.Chunk chunk;
                while ((chunk = chunks.take()) != PacketChunks.END) {
                    chunks.recycle(chunk);
                }
            } catch (InterruptedException ignored) {
                // ending anyway
            }
        }
    }

    /**
     * The capture thread: packets from libpcap's ring into chunks, until the count, the duration, a stop or an
     * error. A chunk is handed on when full, or when the ring is empty and the consumer has caught up (or the
     * chunk has waited {@link #HAND_AFTER_NANOS}): under load the consumer gets large chunks, at a trickle each
     * packet as soon as the kernel delivers it.
     */
    private final class Reading implements Runnable {
        private final PacketChunks chunks;
        volatile String error;

        Reading(PacketChunks chunks) {
            this.chunks = chunks;
        }

        @Override
        public void run() {
            long limit = request.count() > 0 ? request.count() : Long.MAX_VALUE;
            long deadline = request.durationSeconds() > 0 ? System.nanoTime() + request.durationSeconds() * 1_000_000_000L : 0;
            boolean immediate = request.immediate();
            long chunkSize = chunks.chunkSize();
            long count = 0;
            PacketChunks.Chunk chunk = null;
            try {
                while (!stopping && count < limit) {
                    int status = handle.next();
                    if (status == 1) {
                        int caplen = handle.capturedLength();
                        if (chunk == null || !PacketChunks.append(chunk, handle.epochNanos(), handle.data(), caplen,
                                handle.originalLength(), chunkSize)) {
                            if (chunk != null) {
                                chunks.hand(chunk);
                            }
                            chunk = chunks.empty(stopped);
                            if (chunk == null) {
                                break;
                            }
                            chunk.filledSince = System.nanoTime();
                            PacketChunks.append(chunk, handle.epochNanos(), handle.data(), caplen, handle.originalLength(), chunkSize);
                        }
                        count++;
                        if (deadline != 0 && (count & 1023) == 0 && System.nanoTime() - deadline >= 0) {
                            break;
                        }
                    } else if (status == 0) {
                        if (chunk != null && (immediate || chunks.drained() || System.nanoTime() - chunk.filledSince > HAND_AFTER_NANOS)) {
                            chunks.hand(chunk);
                            chunk = null;
                        }
                        int wait = 100;
                        if (deadline != 0) {
                            long left = (deadline - System.nanoTime()) / 1_000_000L;
                            if (left <= 0) {
                                break;
                            }
                            wait = (int) Math.min(wait, left);
                        }
                        if (!stopping) {
                            handle.await(wait);
                        }
                    } else {
                        error = handle.error();
                        break;
                    }
                }
            } catch (InterruptedException e) {
                // stopping
            } finally {
                if (chunk != null) {
                    chunks.hand(chunk);
                }
                chunks.hand(PacketChunks.END);
            }
        }
    }

    /**
     * Opens the -w output before the capture starts, as tcpdump does before it prints "listening on": a path
     * that cannot be written is refused (exit 2) with nothing captured, and a FIFO waits here for its reader
     * until {@link #stop()}. Closes the handle when it fails.
     */
    public void openOutput() {
        try {
            writer = new PcapFileWriter(request.writeFile(), request.snaplen(), dlt, request.fileSizeMb() * 1_000_000L,
                    request.fileCount(), request.rotateSeconds(), () -> stopping);
        } catch (PcapFileWriter.InterruptedOpenException e) {
            handle.close();
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "cannot write " + e.getMessage());
        } catch (IOException e) {
            handle.close();
            throw NetdiagException.badInput("cannot write " + (e instanceof java.nio.file.FileSystemException ? e.getMessage()
                    : request.writeFile() + ": " + e.getMessage()));
        }
    }

    /** Asks the capture to end (safe from a signal handler's thread); {@link #run} then finishes up. */
    public void stop() {
        stopping = true;
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
