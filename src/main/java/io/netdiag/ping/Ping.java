package io.netdiag.ping;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.Libc;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/** The entry point of {@code netdiag ping}: checks the request as iputils does, resolves, and probes. */
public final class Ping {
    private Ping() {
    }

    /** Whether this process may use intervals below 2 ms and flood (iputils: the real uid is root). */
    public static boolean privileged() {
        return Libc.getuid() == 0;
    }

    /** Refuses what iputils refuses, with its words (exit 2). */
    public static void validate(PingRequest request) {
        if (request.targets().isEmpty()) {
            throw NetdiagException.badInput("usage error: Destination address required");
        }
        boolean root = privileged();
        if (!root && request.preload() > PingRequest.MAX_USER_PRELOAD) {
            throw NetdiagException.badInput("cannot set preload to value greater than " + PingRequest.MAX_USER_PRELOAD + ": "
                    + request.preload());
        }
        if (!root && request.intervalMillis() < PingRequest.MIN_USER_INTERVAL_MILLIS) {
            throw NetdiagException.badInput("cannot flood; minimal interval allowed for user is "
                    + PingRequest.MIN_USER_INTERVAL_MILLIS + "ms");
        }
        if (request.intervalMillis() >= Integer.MAX_VALUE / request.preload()) {
            throw NetdiagException.badInput("illegal preload and/or interval: " + request.intervalMillis());
        }
    }

    /** TCP connect ({@code udp} false) or UDP probes of one port on one target. */
    public static PingSummary port(PingRequest request, boolean udp, int port, PingListener listener, BooleanSupplier stop) {
        validate(request);
        if (port < 1 || port > 65535) {
            throw NetdiagException.badInput("invalid port: " + port + " (1-65535)");
        }
        String target = request.targets().getLast();
        InetAddress address = Targets.resolve(target, request.family());
        return new PortPinger(request, udp, port, listener, stop).run(target, address);
    }

    /** Whether the request names several targets or a range, which prints fping-style lines and a table. */
    public static boolean several(PingRequest request) {
        return request.targets().size() > 1 || TargetList.hasRange(request.targets());
    }

    /**
     * Several targets and ranges probed at once: ICMP from one thread and one socket per family, TCP and
     * UDP ({@code port} above 0) from a small pool of threads. One summary per address, in order.
     */
    public static List<PingSummary> many(PingRequest request, int port, boolean udp, PingListener listener, BooleanSupplier stop,
                                         boolean continuous) {
        validate(request);
        List<TargetList.Entry> entries = TargetList.expand(request.targets(), request.family());
        if (port <= 0) {
            return new MultiPinger(request, listener, stop, continuous).run(entries);
        }
        if (port > 65535) {
            throw NetdiagException.badInput("invalid port: " + port + " (1-65535)");
        }
        PingRequest perTarget = request.count() > 0 || continuous ? request : request.withCount(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(64, entries.size()))) {
            List<Future<PingSummary>> futures = new ArrayList<>();
            for (TargetList.Entry e : entries) {
                futures.add(pool.submit(() -> new PortPinger(perTarget, udp, port, listener, stop).run(e.label(), e.address())));
            }
            List<PingSummary> summaries = new ArrayList<>();
            for (Future<PingSummary> f : futures) {
                try {
                    summaries.add(f.get());
                } catch (ExecutionException x) {
                    if (x.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new NetdiagException(NetdiagException.Kind.INTERNAL, "probe failed", x.getCause());
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new NetdiagException(NetdiagException.Kind.INTERNAL, "interrupted", x);
                }
            }
            return summaries;
        }
    }

    /** Path-MTU discovery to one target. */
    public static PathMtu.Result mtu(PingRequest request, BooleanSupplier stop) {
        validate(request);
        String target = request.targets().getLast();
        InetAddress address = Targets.resolve(target, request.family());
        return new PathMtu(request, stop).run(target, address);
    }

    /** One target, iputils style: events to the listener as they happen, the statistics at the end. */
    public static PingSummary icmp(PingRequest request, PingListener listener, BooleanSupplier stop) {
        validate(request);
        String target = request.targets().getLast();
        InetAddress address = Targets.resolve(target, request.family());
        return new IcmpPinger(request, listener, stop).run(target, address);
    }
}
