package io.netdiag.exporter;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.NetdiagException;
import io.netdiag.os.Platform;
import io.netdiag.ping.Ping;
import io.netdiag.ping.PingEvent;
import io.netdiag.ping.PingListener;
import io.netdiag.ping.PingRequest;
import io.netdiag.ping.PingSummary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs one probe through the ping engine (ICMP echo, TCP connect, UDP) and turns its events into a
 * {@link ProbeOutcome}: every failure gets the classifier's category (an ICMP error by type and code, a
 * socket error by errno, silence as timeout).
 */
public final class ProbeRunner {
    /** Gap between the probes of one run when it sends several. */
    static final int GAP_MILLIS = 200;

    private ProbeRunner() {
    }

    /** Sends {@code count} probes and waits up to {@code timeoutMillis} for each answer. */
    public static ProbeOutcome run(ProbeSpec spec, int count, long timeoutMillis, BooleanSupplier stop) {
        long start = System.nanoTime();
        List<Double> rtts = new ArrayList<>();
        Map<String, Long> failures = new LinkedHashMap<>();
        String[] detail = {null};
        Classifier classifier = Classifier.standard();
        PingListener listener = event -> {
            switch (event) {
                case PingEvent.Reply r when !r.duplicate() && r.rttMicros() >= 0 -> rtts.add(r.rttMicros() / 1e6);
                case PingEvent.PortProbe p when p.errno() == 0 && p.state().equals("open") -> {
                    if (p.rttMicros() >= 0) {
                        rtts.add(p.rttMicros() / 1e6);
                    }
                }
                case PingEvent.PortProbe p -> {
                    String category = p.errno() != 0 ? classifier.classify(p.errno(), Platform.current()).category().id()
                            : Category.TIMEOUT.id(); // silence: a UDP port that did not answer
                    failures.merge(category, 1L, Long::sum);
                    if (detail[0] == null) {
                        detail[0] = p.state() + (p.reason() == null ? "" : " (" + p.reason() + ")");
                    }
                }
                case PingEvent.IcmpError e -> {
                    String category = classifier.classifyIcmp(e.ipv6() ? 6 : 4, e.type(), e.code())
                            .map(x -> x.category().id()).orElse(Category.UNREACHABLE.id());
                    failures.merge(category, 1L, Long::sum);
                    if (detail[0] == null) {
                        detail[0] = e.text() + (e.from() == null ? "" : " from " + e.from().getHostAddress());
                    }
                }
                case PingEvent.LocalError e -> {
                    failures.merge(classifier.classify(e.errno(), Platform.current()).category().id(), 1L, Long::sum);
                    if (detail[0] == null) {
                        detail[0] = e.text();
                    }
                }
                default -> {
                }
            }
        };
        PingRequest request = new PingRequest(List.of(spec.host()), 0, count, GAP_MILLIS, 0,
                (int) Math.max(1, timeoutMillis), 56, -1, -1, true, false, false, false, true);
        long sent;
        long received;
        try {
            PingSummary summary = switch (spec.module()) {
                case ICMP -> Ping.icmp(request, listener, stop);
                case TCP -> Ping.port(request, false, spec.port(), listener, stop);
                case UDP -> Ping.port(request, true, spec.port(), listener, stop);
                case TRACE -> throw new IllegalArgumentException("trace probes are not run here");
            };
            sent = summary.transmitted();
            received = summary.received();
            long accounted = received;
            for (long n : failures.values()) {
                accounted += n;
            }
            if (sent > accounted) { // echo requests that got neither a reply nor an error
                failures.merge(Category.TIMEOUT.id(), sent - accounted, Long::sum);
                if (detail[0] == null) {
                    detail[0] = "no reply within " + timeoutMillis + " ms";
                }
            }
        } catch (RuntimeException e) {
            // the probe could not be sent at all: an unknown name, no socket; counted as one failed probe
            sent = 1;
            received = 0;
            failures.merge(category(e, classifier), 1L, Long::sum);
            detail[0] = e.getMessage();
        }
        double duration = (System.nanoTime() - start) / 1e9;
        // success as ping's exit status: at least one answer (loss shows in sent against received)
        return new ProbeOutcome(received > 0, duration, sent, received, rtts, failures, detail[0]);
    }

    private static String category(Exception e, Classifier classifier) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.contains("Name or service not known") || message.contains("Address family for hostname")) {
            return Category.NAME_PERMANENT.id();
        }
        if (e instanceof NetdiagException n && n.kind() == NetdiagException.Kind.UNSUPPORTED) {
            return Category.PERMISSION.id();
        }
        return classifier.classify(e).category().id();
    }
}
