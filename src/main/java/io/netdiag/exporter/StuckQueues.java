package io.netdiag.exporter;

import io.netdiag.sockets.KernelCounters;
import io.netdiag.sockets.Netid;
import io.netdiag.sockets.Owner;
import io.netdiag.sockets.QueueDiagnosis;
import io.netdiag.sockets.SocketEntry;
import io.netdiag.sockets.SocketQuery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sockets engine's stuck-queue diagnosis, run in the background between scrapes: a sample of every queued
 * TCP, UDP and UNIX socket every {@code intervalMillis}, judged over the last {@link #WINDOW} samples, so that
 * a queue is flagged once it has been non-zero and not draining for {@code (WINDOW - 1) * interval}. A scrape
 * reads the last verdict and never waits for sampling.
 */
final class StuckQueues implements AutoCloseable {
    static final int WINDOW = 3;

    private record Sample(Map<String, SocketEntry> queued, KernelCounters counters) {
    }

    private final long intervalMillis;
    private final OwnerCache owners;
    private final int maxSeries;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final Thread thread;
    private volatile List<QueueDiagnosis.Finding> findings = List.of();
    private volatile boolean stopped;
    private volatile String lastError;

    StuckQueues(long intervalMillis, OwnerCache owners, int maxSeries) {
        this.intervalMillis = intervalMillis;
        this.owners = owners;
        this.maxSeries = maxSeries;
        this.thread = Thread.ofPlatform().daemon().name("netdiag-stuck-queues").unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        SocketQuery query = SocketQuery.of(Netid.TCP, Netid.UDP, Netid.UNIX_STREAM, Netid.UNIX_DGRAM, Netid.UNIX_SEQPACKET);
        while (!stopped) {
            long started = System.nanoTime();
            try {
                samples.addLast(new Sample(QueueDiagnosis.sample(query), KernelCounters.read()));
                while (samples.size() > WINDOW) {
                    samples.removeFirst();
                }
                if (samples.size() == WINDOW) {
                    List<Map<String, SocketEntry>> maps = samples.stream().map(Sample::queued).toList();
                    List<QueueDiagnosis.Finding> found = QueueDiagnosis.judge(maps, samples.getFirst().counters(),
                            samples.getLast().counters());
                    owners.cover(found.stream().map(QueueDiagnosis.Finding::inode).toList());
                    findings = found;
                }
                lastError = null;
            } catch (RuntimeException e) {
                lastError = e.getMessage(); // shown by the collector-success gauge; sampling goes on
            }
            long sleep = intervalMillis - (System.nanoTime() - started) / 1_000_000;
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    boolean healthy() {
        return lastError == null;
    }

    /** {@code netdiag_stuck_queue}: 1 for every queue the last verdict flags. */
    MetricFamily family() {
        Map<List<MetricFamily.Label>, Boolean> series = new LinkedHashMap<>();
        for (QueueDiagnosis.Finding f : findings) {
            if (series.size() >= maxSeries) {
                break;
            }
            SocketEntry.Family family = f.netid().startsWith("u_") ? SocketEntry.Family.UNIX : null;
            String local = family == SocketEntry.Family.UNIX ? f.local().address() : SocketMetrics.endpoint(f.local());
            String peer = family == SocketEntry.Family.UNIX ? Long.toString(f.peer().port()) : SocketMetrics.endpoint(f.peer());
            String direction = switch (f.kind()) {
                case "peer-not-reading", "send-stalled", "connect-stalled" -> "send";
                default -> "recv";
            };
            Owner owner = owners.owner(f.inode());
            List<MetricFamily.Label> labels = SocketMetrics.withOwner(MetricFamily.labels("proto", f.netid(), "local", local,
                    "peer", peer, "direction", direction), owner);
            labels.add(new MetricFamily.Label("category", f.category()));
            labels.add(new MetricFamily.Label("kind", f.kind()));
            series.put(labels, true);
        }
        List<MetricFamily.Point> points = new ArrayList<>();
        series.keySet().forEach(l -> points.add(new MetricFamily.Value(l, 1)));
        return new MetricFamily("netdiag_stuck_queue", MetricFamily.Type.GAUGE,
                "1 for every socket queue the sockets diagnosis flags as not draining (sampled in the background): "
                        + "kind says who stopped (not-reading, peer-not-reading, accept-queue-full, ...).", null, points);
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
