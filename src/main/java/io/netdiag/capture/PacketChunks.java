package io.netdiag.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The user-space buffer between a live capture's reading thread and whatever handles the packets: chunks of
 * memory outside the Java heap into which the capture thread copies each packet from libpcap's ring (its time,
 * its lengths, its bytes), handed over whole and in order, and given back empty to be filled again. Chunks are
 * made when first needed, up to a limit, so that only what a run really held back counts in its RSS; when all are
 * in use the capture thread waits for one and the kernel's ring takes the overflow (its drops are counted in
 * the statistics, as tcpdump's are).
 *
 * <p>A record is the packet's time in nanoseconds (8 bytes), its captured and original lengths (4 each), its
 * bytes, padded to 8.
 */
final class PacketChunks implements AutoCloseable {
    static final int RECORD_HEADER = 16;

    /** One chunk: records from offset 0 to {@link #used}. */
    static final class Chunk {
        final MemorySegment memory;
        long used;
        int packets;
        long filledSince;

        Chunk(MemorySegment memory) {
            this.memory = memory;
        }

        long nanos(long at) {
            return memory.get(JAVA_LONG, at);
        }

        int capturedLength(long at) {
            return memory.get(JAVA_INT, at + 8);
        }

        int originalLength(long at) {
            return memory.get(JAVA_INT, at + 12);
        }

        /** The offset of the record after the one at {@code at}. */
        long next(long at) {
            return at + size(capturedLength(at));
        }

        byte[] copy(long at) {
            byte[] data = new byte[capturedLength(at)];
            MemorySegment.copy(memory, java.lang.foreign.ValueLayout.JAVA_BYTE, at + RECORD_HEADER, data, 0, data.length);
            return data;
        }
    }

    /** Handed after the last chunk. */
    static final Chunk END = new Chunk(MemorySegment.NULL);

    private final Arena arena = Arena.ofShared();
    private final long chunkSize;
    private final int maxChunks;
    private final BlockingQueue<Chunk> full;
    private final BlockingQueue<Chunk> free;
    private int made;

    /**
     * @param totalBytes what the chunks may hold in all; at least two chunks are made
     * @param snaplen    the largest packet, which one chunk must hold
     */
    PacketChunks(long totalBytes, int snaplen) {
        long largest = size(snaplen);
        this.chunkSize = Math.max(256 << 10, (largest + 4095) & ~4095L);
        this.maxChunks = (int) Math.max(2, totalBytes / chunkSize);
        this.full = new ArrayBlockingQueue<>(maxChunks + 1);
        this.free = new ArrayBlockingQueue<>(maxChunks);
    }

    /** The room a record of {@code caplen} captured bytes takes. */
    static long size(int caplen) {
        return (RECORD_HEADER + (long) caplen + 7) & ~7L;
    }

    long chunkSize() {
        return chunkSize;
    }

    /**
     * Capture thread: an empty chunk, made if the limit allows, else the next one given back; null when
     * {@code stopped} says so while waiting.
     */
    Chunk empty(BooleanSupplier stopped) throws InterruptedException {
        Chunk chunk = free.poll();
        if (chunk != null) {
            return chunk;
        }
        if (made < maxChunks) {
            made++;
            return new Chunk(arena.allocate(chunkSize, 8));
        }
        while (!stopped.getAsBoolean()) {
            chunk = free.poll(50, TimeUnit.MILLISECONDS);
            if (chunk != null) {
                return chunk;
            }
        }
        return null;
    }

    /** Capture thread: appends the {@code caplen} bytes at native {@code address}; false when the chunk lacks room. */
    static boolean append(Chunk chunk, long epochNanos, long address, int caplen, int originalLength, long chunkSize) {
        long at = chunk.used;
        long need = size(caplen);
        if (at + need > chunkSize) {
            return false;
        }
        MemorySegment m = chunk.memory;
        m.set(JAVA_LONG, at, epochNanos);
        m.set(JAVA_INT, at + 8, caplen);
        m.set(JAVA_INT, at + 12, originalLength);
        MemorySegment.copy(Libpcap.ALL, address, m, at + RECORD_HEADER, caplen);
        chunk.used = at + need;
        chunk.packets++;
        return true;
    }

    /** Capture thread: hands a filled chunk (or {@link #END}) on; never blocks, every chunk has its place. */
    void hand(Chunk chunk) {
        full.add(chunk);
    }

    /** Whether the consumer has nothing left to take: then a chunk is worth handing before it is full. */
    boolean drained() {
        return full.isEmpty();
    }

    /** Consumer: the next filled chunk, or {@link #END}. */
    Chunk take() throws InterruptedException {
        return full.take();
    }

    /** Consumer: gives a chunk back to be filled again. */
    void recycle(Chunk chunk) {
        chunk.used = 0;
        chunk.packets = 0;
        free.add(chunk);
    }

    /** Chunks made so far (each is {@link #chunkSize()} bytes): the most this run held back at once, roughly. */
    int made() {
        return made;
    }

    /**
     * Runs the capture thread's per-packet path (and the consumer's reading of it) on a made-up packet some
     * thousand times, before a capture starts. The first real packets otherwise meet it unlinked and interpreted:
     * under load the first chunk's hand-over stalled the capture thread for up to a quarter of a second (the
     * JVM linking the queue and lambda code paths), long enough for the kernel's ring to overflow at 200 Mbit/s.
     */
    static void warmUp() {
        try (Arena scratch = Arena.ofConfined(); PacketChunks chunks = new PacketChunks(0, 64)) {
            MemorySegment packet = scratch.allocate(128, 8);
            for (int round = 0; round < 4; round++) {
                Chunk chunk = chunks.empty(() -> false);
                chunk.filledSince = System.nanoTime();
                for (int i = 0; append(chunk, i, packet.address(), 100, 100, chunks.chunkSize); i++) {
                    // fill it
                }
                chunks.hand(chunk);
                chunks.drained();
                Chunk taken = chunks.take();
                for (long at = 0; at < taken.used; at = taken.next(at)) {
                    taken.nanos(at);
                    taken.originalLength(at);
                }
                chunks.recycle(taken);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
