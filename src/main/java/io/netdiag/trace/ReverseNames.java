package io.netdiag.trace;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reverse DNS for hop addresses, in the background while probes run: at most {@link #PARALLEL} lookups at
 * once, and a caller never waits longer than it says. An address without a name (or not in time) has none.
 */
final class ReverseNames implements AutoCloseable {
    static final int PARALLEL = 8;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore slots = new Semaphore(PARALLEL);
    private final Map<InetAddress, Future<String>> lookups = new ConcurrentHashMap<>();
    private final boolean off;

    ReverseNames(boolean numeric) {
        this.off = numeric;
    }

    /** Starts a lookup of {@code address} unless one is under way or done. */
    void want(InetAddress address) {
        if (off || address == null) {
            return;
        }
        lookups.computeIfAbsent(address, a -> pool.submit(() -> {
            slots.acquire();
            try {
                String name = InetAddress.getByAddress(a.getAddress()).getCanonicalHostName();
                return name.equals(a.getHostAddress()) || name.contains(":") && !name.contains(".") ? null : name;
            } catch (UnknownHostException e) {
                return null;
            } finally {
                slots.release();
            }
        }));
    }

    /** The name if its lookup has finished, else null. */
    String name(InetAddress address) {
        Future<String> f = address == null ? null : lookups.get(address);
        if (f == null || !f.isDone()) {
            return null;
        }
        try {
            return f.get();
        } catch (Exception e) {
            return null;
        }
    }

    /** Waits until every lookup is done or {@code millis} have passed. */
    void settle(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        for (Future<String> f : lookups.values()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // not in time, or failed: the hop keeps its bare address
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
