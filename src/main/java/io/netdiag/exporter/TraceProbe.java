package io.netdiag.exporter;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.NetdiagException;
import io.netdiag.ping.Ping;
import io.netdiag.trace.HopStats;
import io.netdiag.trace.TraceListener;
import io.netdiag.trace.TraceRequest;
import io.netdiag.trace.TraceResult;
import io.netdiag.trace.Tracer;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /probe?module=trace}: one trace through the trace engine (ICMP to HOST, TCP SYN to HOST:PORT, UDP with
 * {@code protocol=udp}), a few rounds within Prometheus's scrape timeout, answered as the probe metrics plus the
 * path: per hop loss and RTT, and the engine's verdict with its classifier category.
 */
final class TraceProbe {
    static final int ROUNDS = 3;

    private TraceProbe() {
    }

    static List<MetricFamily> run(ProbeSpec spec, String protocol, double budgetSeconds) {
        long start = System.nanoTime();
        List<MetricFamily.Label> labels = MetricFamily.labels("module", "trace", "target", spec.target());
        // rounds below 1 s apart are for root only (as mtr); the last round's probes wait the time-out
        int interval = Ping.privileged() ? 200 : 1000;
        int timeout = (int) Math.max(200, Math.min(2000, budgetSeconds * 1000 - (ROUNDS - 1) * interval));
        int rounds = budgetSeconds * 1000 >= (ROUNDS - 1) * interval + timeout ? ROUNDS : 1;
        TraceRequest request = TraceRequest.to(spec.host()).withRounds(rounds, interval).withTimeout(timeout)
                .withNumeric(true).withCompare(false);
        if (spec.port() > 0) {
            request = "udp".equals(protocol) ? request.udp(spec.port()) : request.tcp(spec.port());
        }
        List<MetricFamily.Point> success = new ArrayList<>();
        List<MetricFamily.Point> failures = new ArrayList<>();
        List<MetricFamily.Point> hops = new ArrayList<>();
        List<MetricFamily.Point> loss = new ArrayList<>();
        List<MetricFamily.Point> rtt = new ArrayList<>();
        List<MetricFamily.Point> verdict = new ArrayList<>();
        try {
            TraceResult r = Tracer.run(request, TraceListener.NONE);
            success.add(new MetricFamily.Value(labels, r.exitCode(true) == 0 ? 1 : 0));
            hops.add(new MetricFamily.Value(labels, r.reached() ? r.destinationTtl() : r.hops().size()));
            for (HopStats h : r.hops()) {
                List<MetricFamily.Label> hop = new ArrayList<>(labels);
                hop.add(new MetricFamily.Label("ttl", Integer.toString(h.ttl())));
                hop.add(new MetricFamily.Label("address", h.address() == null ? "" : h.address().getHostAddress()));
                loss.add(new MetricFamily.Value(hop, h.lossPercent() / 100));
                if (h.rtt() != null) {
                    rtt.add(new MetricFamily.Value(hop, h.rtt().avg() / 1000));
                }
            }
            var v = r.verdict();
            List<MetricFamily.Label> vl = new ArrayList<>(labels);
            vl.addAll(MetricFamily.labels("kind", v.kind().id(), "category", v.category() == null ? "" : v.category().id(),
                    "ttl", v.ttl() == null ? "" : v.ttl().toString(), "address", v.address() == null ? "" : v.address().getHostAddress()));
            verdict.add(new MetricFamily.Value(vl, 1));
            if (v.category() != null) {
                failures.add(failure(labels, v.category().id()));
            }
        } catch (NetdiagException e) {
            success.add(new MetricFamily.Value(labels, 0));
            String category = e.kind() == NetdiagException.Kind.UNSUPPORTED ? Category.PERMISSION.id()
                    : e.getMessage() != null && e.getMessage().contains("Name or service not known") ? Category.NAME_PERMANENT.id()
                    : Classifier.standard().classify(e).category().id();
            failures.add(failure(labels, category));
        }
        return List.of(
                new MetricFamily("netdiag_probe_success", MetricFamily.Type.GAUGE,
                        "Whether the trace reached the destination (an open port for TCP and UDP).", null, success),
                new MetricFamily("netdiag_probe_duration_seconds", MetricFamily.Type.GAUGE, "Wall time of the trace.", "seconds",
                        List.of(new MetricFamily.Value(labels, (System.nanoTime() - start) / 1e9))),
                new MetricFamily("netdiag_probe_failures", MetricFamily.Type.COUNTER,
                        "The verdict's classifier category when the trace did not reach an open destination.", null, failures),
                new MetricFamily("netdiag_trace_hops", MetricFamily.Type.GAUGE,
                        "Hops to the destination, or hops shown when it was not reached.", null, hops),
                new MetricFamily("netdiag_trace_hop_loss_ratio", MetricFamily.Type.GAUGE,
                        "Share of the probes to a hop (TTL) that got no answer.", "ratio", loss),
                new MetricFamily("netdiag_trace_hop_rtt_seconds", MetricFamily.Type.GAUGE,
                        "Mean round-trip time of a hop's answers.", "seconds", rtt),
                new MetricFamily("netdiag_trace_verdict", MetricFamily.Type.GAUGE,
                        "The trace engine's verdict (reached, port-closed, blocked, rejected, forwarding-loss, "
                                + "unreachable, no-route) with the hop it names.", null, verdict));
    }

    private static MetricFamily.Value failure(List<MetricFamily.Label> labels, String category) {
        List<MetricFamily.Label> l = new ArrayList<>(labels);
        l.add(new MetricFamily.Label("category", category));
        return new MetricFamily.Value(l, 1);
    }
}
