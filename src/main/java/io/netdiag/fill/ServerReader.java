package io.netdiag.fill;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.StreamSocket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiving application of the experiment, on its own thread: it reads according to a
 * {@link ReaderPolicy} (never, at a rate, or after a delay) and counts what it read. Its reads are what
 * open the window again.
 */
final class ServerReader implements AutoCloseable {
    private static final long TICK_NANOS = 10_000_000;

    private final StreamSocket socket;
    private final ReaderPolicy policy;
    private final long startNanos;
    private final AtomicLong read = new AtomicLong();
    private volatile boolean stop;
    private volatile boolean peerClosed;
    private volatile ErrnoException failure;
    private final Thread thread;

    ServerReader(StreamSocket socket, ReaderPolicy policy, long startNanos) {
        this.socket = socket;
        this.policy = policy;
        this.startNanos = startNanos;
        this.thread = policy instanceof ReaderPolicy.Never ? null
                : Thread.ofPlatform().daemon().name("fill-reader").start(this::run);
    }

    long read() {
        return read.get();
    }

    boolean peerClosed() {
        return peerClosed;
    }

    ErrnoException failure() {
        return failure;
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(256 * 1024);
            if (policy instanceof ReaderPolicy.After(Duration delay)) {
                sleepUntil(startNanos + delay.toNanos());
            }
            long tick = System.nanoTime();
            while (!stop) {
                long budget = buffer.byteSize();
                if (policy instanceof ReaderPolicy.Rate(long perSecond)) {
                    // at most rate * elapsed, so that the reader keeps to its rate however late it wakes
                    long allowed = (long) (perSecond * ((System.nanoTime() - startNanos) / 1e9)) - read.get();
                    budget = Math.min(budget, allowed);
                    if (budget <= 0) {
                        tick += TICK_NANOS;
                        sleepUntil(tick);
                        continue;
                    }
                }
                if (!socket.poll(Libc.POLLIN, Duration.ofMillis(20))) {
                    continue;
                }
                long n;
                try {
                    n = socket.recv(buffer, budget, true);
                } catch (ErrnoException e) {
                    if (e.errno() == StreamSocket.EAGAIN) {
                        continue;
                    }
                    throw e;
                }
                if (n == 0) {
                    peerClosed = true;
                    return;
                }
                read.addAndGet(n);
            }
        } catch (ErrnoException e) {
            if (!stop) {
                failure = e;
            }
        }
    }

    private void sleepUntil(long nanos) {
        long left;
        while (!stop && (left = nanos - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Duration.ofNanos(Math.min(left, 20_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop = true;
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
