package io.netdiag.ping;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.Explanation;
import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;
import io.netdiag.os.PortProbeSocket;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * TCP connect and UDP probes of one port, one per interval, each classified: open (handshake done or
 * a UDP reply), closed (RST, or ICMP port unreachable for UDP), timeout / open|filtered (silence), or
 * unreachable (an ICMP error or no route). Statistics follow iputils: "received" counts open answers,
 * "errors" counts refusals and unreachables.
 */
public final class PortPinger {
    private static final int EHOSTUNREACH = 113;
    private static final int ENETUNREACH = 101;

    private final PingRequest request;
    private final PingListener listener;
    private final BooleanSupplier stop;
    private final boolean udp;
    private final int port;

    public PortPinger(PingRequest request, boolean udp, int port, PingListener listener, BooleanSupplier stop) {
        this.request = request;
        this.udp = udp;
        this.port = port;
        this.listener = listener;
        this.stop = stop;
    }

    /** The time to wait for each answer: -W when given, else two seconds (iputils' 10 s suits a whole run, not a probe). */
    private int timeoutMillis() {
        return request.lingerMillis() != PingRequest.DEFAULT_LINGER_MILLIS ? Math.max(1, request.lingerMillis()) : 2000;
    }

    public PingSummary run(String target, InetAddress address) {
        Platform.requireLinux(udp ? "UDP probes" : "TCP probes");
        String protocol = udp ? "udp" : "tcp";
        PingRequest.Source source = request.source();
        ProbeSource.Chosen chosen = source == null ? null : ProbeSource.check(source, target, address);
        // the address is bound only when -I named one (or one of the other family), as for ICMP
        InetAddress bindTo = source == null || source.address() == null ? null : chosen.address();
        String device = chosen == null ? null : chosen.device();
        if (chosen != null && source.address() == null && chosen.warning() != null) {
            listener.on(new PingEvent.Warning(target, IcmpPinger.nowMicros(), chosen.warning()));
        }
        listener.on(new PingEvent.Start(target, IcmpPinger.nowMicros(), address, AddressText.of(address),
                address instanceof java.net.Inet6Address, request.dataLength(), protocol, udp ? "datagram" : "stream",
                chosen == null ? null : chosen.address(), device, null, false));
        PortProbeSocket.warmUp();
        EchoStatistics stats = new EchoStatistics();
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, Integer> errnos = new LinkedHashMap<>();
        long start = System.nanoTime();
        long lastSend = start;
        long count = request.count();
        long deadlineAt = request.deadlineSeconds() > 0 ? start + request.deadlineSeconds() * 1_000_000_000L : Long.MAX_VALUE;
        long next = start;
        try {
            while (!stop.getAsBoolean() && (count == 0 || stats.transmitted < count) && System.nanoTime() < deadlineAt) {
                long now = System.nanoTime();
                if (now < next) {
                    Thread.sleep(Math.min(100, (next - now + 999_999) / 1_000_000));
                    continue;
                }
                lastSend = now;
                int seq = stats.sent();
                int wait = (int) Math.max(1, Math.min(timeoutMillis(), (deadlineAt - now) / 1_000_000));
                PortProbeSocket.Outcome o = udp ? PortProbeSocket.udp(address, port, UdpPayloads.forPort(port), wait, device, bindTo)
                        : PortProbeSocket.tcp(address, port, wait, device, bindTo);
                long micros = o.elapsedNanos() / 1000;
                String state = state(o.errno());
                if (o.errno() == 0) {
                    stats.reply(seq, micros);
                } else if (!state.equals("timeout") && !state.equals("open|filtered")) {
                    stats.error(seq);
                }
                if (o.errno() != 0) {
                    String reason = o.errno() == PortProbeSocket.ETIMEDOUT ? "no answer" : Libc.strerror(o.errno());
                    counts.computeIfAbsent(state + "\0" + reason, k -> new long[1])[0]++;
                    errnos.putIfAbsent(state + "\0" + reason, o.errno());
                }
                listener.on(new PingEvent.PortProbe(target, IcmpPinger.nowMicros(), address, port, protocol, seq, state,
                        o.errno() == PortProbeSocket.ETIMEDOUT ? -1 : micros, o.errno(),
                        o.errno() == 0 ? null : Libc.strerror(o.errno())));
                next = Math.max(next + request.intervalMillis() * 1_000_000L, System.nanoTime());
            }
        } catch (ErrnoException e) {
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE, protocol + " probe of " + target + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long elapsed = stats.transmitted == 0 ? 0 : lastSend - start;
        List<PingSummary.Problem> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            String[] parts = e.getKey().split("\0");
            problems.add(problem(parts[0], parts[1], e.getValue()[0], errnos.get(e.getKey())));
        }
        return new PingSummary(target, address, protocol, udp ? "datagram" : "stream", stats.transmitted, stats.received,
                stats.duplicates, stats.errors, stats.lossPercent(), (elapsed / 1000 + 500) / 1000, stats.rtt(), -1, -1, problems,
                stats.received > 0 ? 0 : 1);
    }

    private String state(int errno) {
        return switch (errno) {
            case 0 -> "open";
            case PortProbeSocket.ECONNREFUSED -> "closed";
            case PortProbeSocket.ETIMEDOUT -> udp ? "open|filtered" : "timeout";
            default -> "unreachable";
        };
    }

    private PingSummary.Problem problem(String state, String reason, long n, int errno) {
        String text = reason + " (" + state + ")";
        Explanation why = Classifier.standard().classify(new ErrnoException(udp ? "UDP probe" : "TCP connect", errno));
        String meaning = switch (state) {
            case "closed" -> udp ? "the host answered with ICMP port unreachable: it is up, nothing listens on UDP port " + port
                    : "nothing listens on TCP port " + port + " (or a firewall rejects with tcp-reset)";
            case "timeout" -> "no answer within " + timeoutMillis() + " ms: a firewall drops the SYN, or the host is down";
            case "open|filtered" -> "no answer within " + timeoutMillis() + " ms: UDP services often stay silent to unknown "
                    + "datagrams, so the port is open, or a firewall drops the probe";
            default -> "an ICMP error or the routing table says the host cannot be reached";
        };
        String hint = switch (state) {
            case "closed" -> "netdiag sockets -l on the server to see what listens";
            case "timeout", "open|filtered" -> "check firewalls on the path (nft list ruleset); netdiag ping " + "HOST for ICMP reachability";
            default -> "check routes (ip route get ADDRESS) and the ICMP errors: netdiag ping HOST";
        };
        String summary = why.category() != Category.OTHER ? why.summary() + "; " + meaning : state + ": " + meaning;
        return new PingSummary.Problem(text, null, n, why.symbol(), why.category() != Category.OTHER ? why.category().id()
                : state.equals("closed") ? Category.REFUSED.id() : state.equals("unreachable") ? Category.UNREACHABLE.id()
                : Category.TIMEOUT.id(), summary, why.category() != Category.OTHER && why.hint() != null && !state.equals("closed")
                ? why.hint() : hint);
    }
}
