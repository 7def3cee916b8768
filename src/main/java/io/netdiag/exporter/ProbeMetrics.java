package io.netdiag.exporter;

import io.netdiag.explain.Category;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The probe metrics of a set of probes, each labelled {@code module} and {@code target}: the last result
 * (success, duration), counters of probes sent, answered and failed per classifier category since the
 * exporter started, and an RTT histogram. Thread-safe: probe threads record, scrapes read.
 */
public final class ProbeMetrics {
    /** Failure categories every probe starts with at 0, so that rate() sees the first failure. */
    private static final List<String> INITIAL_CATEGORIES =
            List.of(Category.REFUSED.id(), Category.TIMEOUT.id(), Category.UNREACHABLE.id());

    private final Map<String, State> states = new LinkedHashMap<>();

    private static final class State {
        final ProbeSpec spec;
        final double created = System.currentTimeMillis() / 1000.0;
        final RttHistogram rtt = new RttHistogram();
        final Map<String, Long> failures = new TreeMap<>();
        boolean ran;
        boolean success;
        double duration;
        long sent;
        long received;

        State(ProbeSpec spec) {
            this.spec = spec;
            INITIAL_CATEGORIES.forEach(c -> failures.put(c, 0L));
        }

        List<MetricFamily.Label> labels() {
            return MetricFamily.labels("module", spec.module().label(), "target", spec.target());
        }
    }

    public ProbeMetrics(List<ProbeSpec> probes) {
        for (ProbeSpec p : probes) {
            states.put(key(p), new State(p));
        }
    }

    private static String key(ProbeSpec p) {
        return p.module().label() + " " + p.target();
    }

    public void record(ProbeSpec spec, ProbeOutcome outcome) {
        State s = states.get(key(spec));
        synchronized (s) {
            s.ran = true;
            s.success = outcome.success();
            s.duration = outcome.durationSeconds();
            s.sent += outcome.sent();
            s.received += outcome.received();
            outcome.failures().forEach((category, n) -> s.failures.merge(category, n, Long::sum));
        }
        outcome.rttSeconds().forEach(s.rtt::observe);
    }

    /** The probe families, in the order the man page lists them; probes that have not run yet show no last result. */
    public List<MetricFamily> families() {
        List<MetricFamily.Point> success = new ArrayList<>();
        List<MetricFamily.Point> duration = new ArrayList<>();
        List<MetricFamily.Point> rtt = new ArrayList<>();
        List<MetricFamily.Point> sent = new ArrayList<>();
        List<MetricFamily.Point> received = new ArrayList<>();
        List<MetricFamily.Point> failures = new ArrayList<>();
        for (State s : states.values()) {
            List<MetricFamily.Label> labels = s.labels();
            synchronized (s) {
                if (s.ran) {
                    success.add(new MetricFamily.Value(labels, s.success ? 1 : 0));
                    duration.add(new MetricFamily.Value(labels, s.duration));
                }
                sent.add(new MetricFamily.Value(labels, s.sent, s.created));
                received.add(new MetricFamily.Value(labels, s.received, s.created));
                s.failures.forEach((category, n) -> {
                    List<MetricFamily.Label> withCategory = new ArrayList<>(labels);
                    withCategory.add(new MetricFamily.Label("category", category));
                    failures.add(new MetricFamily.Value(withCategory, n, s.created));
                });
            }
            rtt.add(s.rtt.point(labels, s.created));
        }
        return List.of(
                new MetricFamily("netdiag_probe_success", MetricFamily.Type.GAUGE,
                        "Whether the last run of the probe was answered (1) or not (0).", null, success),
                new MetricFamily("netdiag_probe_duration_seconds", MetricFamily.Type.GAUGE,
                        "Wall time of the last run of the probe, name resolution included.", "seconds", duration),
                new MetricFamily("netdiag_probe_rtt_seconds", MetricFamily.Type.HISTOGRAM,
                        "Round-trip time of answered probes (echo reply, TCP handshake, UDP reply).", "seconds", rtt),
                new MetricFamily("netdiag_probe_sent", MetricFamily.Type.COUNTER,
                        "Probes sent (ICMP echo requests, TCP connects, UDP datagrams).", null, sent),
                new MetricFamily("netdiag_probe_received", MetricFamily.Type.COUNTER,
                        "Probes answered; loss is 1 - received/sent.", null, received),
                new MetricFamily("netdiag_probe_failures", MetricFamily.Type.COUNTER,
                        "Probes that failed, by the classifier's category (refused, timeout, unreachable, ...).", null,
                        failures));
    }
}
