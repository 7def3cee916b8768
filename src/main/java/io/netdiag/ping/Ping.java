package io.netdiag.ping;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.Libc;

import java.net.InetAddress;
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
        if (!root && request.intervalMillis() < PingRequest.MIN_USER_INTERVAL_MILLIS) {
            throw NetdiagException.badInput("cannot flood; minimal interval allowed for user is "
                    + PingRequest.MIN_USER_INTERVAL_MILLIS + "ms");
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

    /** One target, iputils style: events to the listener as they happen, the statistics at the end. */
    public static PingSummary icmp(PingRequest request, PingListener listener, BooleanSupplier stop) {
        validate(request);
        String target = request.targets().getLast();
        InetAddress address = Targets.resolve(target, request.family());
        return new IcmpPinger(request, listener, stop).run(target, address);
    }
}
