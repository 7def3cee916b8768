package io.netdiag.trace;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.IcmpSocket;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;
import io.netdiag.os.SourceBinding;
import io.netdiag.ping.PingRequest;
import io.netdiag.ping.ProbeSource;
import io.netdiag.ping.Targets;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The entry point of {@code netdiag trace} and of every engine that needs a path: probes a destination
 * hop by hop (ICMP echo, UDP or TCP SYN; every TTL of a round in flight together), and returns the
 * per-hop statistics with a verdict that names the hop where the probes stop, are rejected or start to
 * be lost. When a TCP or UDP trace stops early it probes the same path by ICMP on its own (ICMP traces
 * by UDP) to tell "blocked" from "unreachable".
 *
 * <pre>{@code
 * TraceResult r = Tracer.run(TraceRequest.to("db.example").tcp(5432).withRounds(3, 200), TraceListener.NONE);
 * if (r.verdict().kind() == Verdict.Kind.BLOCKED) { ... r.verdict().ttl(), r.verdict().address() ... }
 * }</pre>
 */
public final class Tracer {
    /** mtr's default packet size: 64 bytes, headers included. */
    static final int DEFAULT_SIZE = 64;
    /** How long the report waits, after the last probe, for reverse lookups still under way. */
    static final int NAME_WAIT_MILLIS = 500;

    private Tracer() {
    }

    /** Runs a trace to the end (all rounds). */
    public static TraceResult run(TraceRequest request, TraceListener listener) {
        return run(request, listener, () -> false);
    }

    /**
     * Runs a trace until its rounds are done or {@code stop} says so (Ctrl-C, q in the live view). Throws
     * {@link NetdiagException}: BAD_INPUT for requests that cannot be probed (exit 2), UNSUPPORTED when no
     * socket of the kind needed may be opened (exit 3).
     */
    public static TraceResult run(TraceRequest request, TraceListener listener, BooleanSupplier stop) {
        validate(request);
        Platform.requireLinux("trace");
        InetAddress address = Targets.resolve(request.target(), request.family());
        PingRequest.Source source = request.source() == null ? null : ProbeSource.parse(request.source());
        if (source == null || source.device() == null) {
            try {
                IcmpSocket.checkRoute(address);
            } catch (ErrnoException e) {
                return noRoute(request, address, e);
            }
        }
        TraceRun.Measured measured;
        List<HopStats> rows;
        TraceResult.Comparison comparison = null;
        try (ReverseNames names = new ReverseNames(request.numeric())) {
            measured = measure(request, address, source, listener, stop, names);
            // lookups started as hops answered; the report waits a little longer for the slow ones, never more
            names.settle(NAME_WAIT_MILLIS);
            rows = Rows.of(request, address, measured.hops(), measured.finalTtl(), measured.highestAnswered(), names);
        }
        boolean reached = measured.finalTtl() > 0 && !rows.isEmpty() && address.equals(rows.getLast().address())
                && (rows.getLast().answer() == Answer.REPLY || rows.getLast().answer() == Answer.CLOSED);
        if (!reached && request.compare() && !stop.getAsBoolean()
                && (rows.isEmpty() || rows.getLast().answer() != Answer.REJECTED)) {
            comparison = compare(request, address, stop);
        }
        int pathMtu = -1;
        int dropTtl = -1;
        if (request.mtu()) {
            int previous = -1;
            for (HopStats h : rows) {
                if (h.mtu() > 0) {
                    if (previous > 0 && h.mtu() < previous && dropTtl < 0) {
                        dropTtl = h.ttl();
                    }
                    previous = h.mtu();
                    pathMtu = h.mtu();
                }
            }
            if (pathMtu < 0) {
                pathMtu = measured.lastSize();
            }
        }
        Verdict verdict = Verdicts.decide(request, address, rows, comparison, dropTtl, pathMtu);
        rows = Verdicts.markLossStart(rows, verdict);
        return new TraceResult(request.target(), address, request.protocol(), request.port(), measured.socketKind(),
                measured.rounds(), reached, measured.finalTtl(), pathMtu, rows, verdict, comparison, measured.elapsedMillis());
    }

    private static TraceRun.Measured measure(TraceRequest request, InetAddress address, PingRequest.Source source,
                                             TraceListener listener, BooleanSupplier stop, ReverseNames names) {
        try (ProbeChannel channel = open(request, address, source)) {
            int size = size(request, address, channel.source(), source);
            if (request.mtu()) {
                channel.dontFragment();
            }
            return new TraceRun(request, address, channel, listener, stop, names, size).run();
        } catch (ErrnoException e) {
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "trace to " + request.target() + " failed", e);
        }
    }

    /** The same path by ICMP (for TCP/UDP traces) or UDP (for ICMP traces), a few quick rounds; null when not allowed. */
    private static TraceResult.Comparison compare(TraceRequest request, InetAddress address, BooleanSupplier stop) {
        TraceRequest other = (request.protocol() == Protocol.ICMP
                ? request.udp(TraceRequest.TRACEROUTE_UDP_PORT) : request.icmp())
                .withRounds(Math.min(3, Math.max(1, request.rounds())), Math.min(request.intervalMillis(), 200))
                .withTimeout(Math.min(request.timeoutMillis(), 1000))
                .withCompare(false).withPacketSize(0, false).withFlows(1);
        TraceRun.Measured m;
        try {
            PingRequest.Source source = other.source() == null ? null : ProbeSource.parse(other.source());
            try (ReverseNames none = new ReverseNames(true)) {
                m = measure(other, address, source, TraceListener.NONE, stop, none);
            }
        } catch (NetdiagException e) {
            return null; // no privilege for the other kind: the verdict says "unreachable" without it
        }
        Hop last = null;
        for (int ttl = other.firstTtl(); ttl <= other.maxTtl(); ttl++) {
            Hop h = m.hops().get(ttl);
            if (h != null && h.received > 0 && (m.finalTtl() == 0 || ttl <= m.finalTtl())) {
                last = h;
            }
        }
        boolean reached = last != null && m.finalTtl() == last.ttl && address.equals(last.address())
                && (last.answer() == Answer.REPLY || last.answer() == Answer.CLOSED);
        return new TraceResult.Comparison(other.protocol(), other.port(), reached, last == null ? 0 : last.ttl,
                last == null ? null : last.address());
    }

    static ProbeChannel open(TraceRequest request, InetAddress address, PingRequest.Source source) {
        boolean v6 = address instanceof Inet6Address;
        if (request.protocol() == Protocol.ICMP) {
            IcmpSocket socket;
            try {
                socket = IcmpSocket.open(v6);
            } catch (NetdiagException e) {
                if (e.kind() != NetdiagException.Kind.UNSUPPORTED) {
                    throw e;
                }
                // ping's hint suggests TCP; a trace has a way that needs no privilege at all
                throw new NetdiagException(e.kind(), e.getMessage(), "sysctl -w net.ipv4.ping_group_range=\"0 2147483647\" "
                        + "(unprivileged ICMP sockets), or run as root (CAP_NET_RAW), or trace by UDP, which needs neither: "
                        + "netdiag trace --udp " + TraceRequest.TRACEROUTE_UDP_PORT + " " + request.target(), e.getCause());
            }
            try {
                InetAddress from = bindSource(socket.fd(), source, request.target(), address);
                return new IcmpChannel(address, socket, from, request.flows());
            } catch (RuntimeException e) {
                socket.close();
                throw e;
            }
        }
        RawPortChannel raw = RawPortChannel.open(request, address, source);
        return raw != null ? raw : new UdpErrorQueueChannel(request, address, source);
    }

    /** Ties the probe socket to -I's device or address; returns the source address probes leave from. */
    static InetAddress bindSource(int fd, PingRequest.Source source, String written, InetAddress address) {
        if (source != null) {
            return ProbeSource.apply(source, written, address, fd).address();
        }
        try {
            return SourceBinding.sourceFor(address, null);
        } catch (ErrnoException e) {
            return null;
        }
    }

    /** The IP packet size of the first probes: -s, or mtr's 64 bytes; with --mtu, the MTU of the way out. */
    private static int size(TraceRequest request, InetAddress address, InetAddress from, PingRequest.Source source) {
        int headers = (address instanceof Inet6Address ? 40 : 20) + (request.protocol() == Protocol.TCP ? 20 : 8);
        int size = request.packetSize() > 0 ? request.packetSize()
                : request.protocol() == Protocol.TCP ? headers : DEFAULT_SIZE;
        if (request.mtu() && request.packetSize() == 0) {
            int mtu = interfaceMtu(from, source);
            if (mtu > 0) {
                size = mtu;
            }
        }
        return Math.max(size, headers + (request.protocol() == Protocol.UDP ? 2 : 0));
    }

    private static int interfaceMtu(InetAddress from, PingRequest.Source source) {
        try {
            NetworkInterface nif = source != null && source.device() != null ? NetworkInterface.getByName(source.device())
                    : from == null ? null : NetworkInterface.getByInetAddress(from);
            return nif == null ? -1 : nif.getMTU();
        } catch (SocketException e) {
            return -1;
        }
    }

    static void validate(TraceRequest r) {
        if ((r.protocol() == Protocol.TCP || r.protocol() == Protocol.UDP) && (r.port() < 1 || r.port() > 65535)) {
            throw NetdiagException.badInput("invalid port: " + r.port() + " (1-65535)");
        }
        if (r.maxTtl() < 1 || r.maxTtl() > 255) {
            throw NetdiagException.badInput("invalid max TTL: " + r.maxTtl() + " (1-255)");
        }
        if (r.firstTtl() < 1 || r.firstTtl() > r.maxTtl()) {
            throw NetdiagException.badInput("invalid first TTL: " + r.firstTtl() + " (1-" + r.maxTtl() + ")");
        }
        if (r.rounds() < 0) {
            throw NetdiagException.badInput("invalid count: " + r.rounds());
        }
        if (r.intervalMillis() < 10 || (r.intervalMillis() < 1000 && Libc.getuid() != 0)) {
            throw NetdiagException.badInput("invalid interval: " + r.intervalMillis() / 1000.0
                    + " s (at least 1 s for users other than root, 0.01 s for root, as mtr)");
        }
        if (r.timeoutMillis() < 1) {
            throw NetdiagException.badInput("invalid time-out: " + r.timeoutMillis() / 1000.0 + " s");
        }
        if (r.flows() < 1 || r.flows() > 256) {
            throw NetdiagException.badInput("invalid number of flows: " + r.flows() + " (1-256)");
        }
        if (r.packetSize() < 0 || r.packetSize() > 65000) {
            throw NetdiagException.badInput("invalid packet size: " + r.packetSize() + " (up to 65000)");
        }
    }

    private static TraceResult noRoute(TraceRequest request, InetAddress address, ErrnoException e) {
        var why = Classifier.standard().classify(e);
        Category category = why.category() == Category.OTHER ? Category.UNREACHABLE : why.category();
        Verdict v = new Verdict(Verdict.Kind.NO_ROUTE, null, null, category,
                "this host has no route to " + AddressText.of(address) + " (" + Libc.strerror(e.errno()) + ")",
                "check the routes: ip route get " + AddressText.of(address));
        return new TraceResult(request.target(), address, request.protocol(), request.port(), "none", 0, false, 0, -1,
                List.of(), v, null, 0);
    }
}
