package io.netdiag.exporter;

import io.netdiag.sockets.Endpoint;
import io.netdiag.sockets.Netid;
import io.netdiag.sockets.Owner;
import io.netdiag.sockets.SocketEntry;
import io.netdiag.sockets.SocketInventory;
import io.netdiag.sockets.SocketQuery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The socket families of a scrape, read from the sockets engine at scrape time: every TCP listener's accept
 * queue and backlog, and the Recv-Q and Send-Q of every TCP and UDP socket whose queue is not empty. Each
 * family keeps at most {@code maxSeries} series (the largest values first); what is cut is counted in
 * {@code netdiag_socket_series_dropped_total{metric}}.
 */
final class SocketMetrics {
    private final int maxSeries;
    private final OwnerCache owners;
    private final Map<String, Long> dropped = new LinkedHashMap<>();
    private final double created = System.currentTimeMillis() / 1000.0;

    SocketMetrics(int maxSeries, OwnerCache owners) {
        this.maxSeries = maxSeries;
        this.owners = owners;
        dropped.put("netdiag_listen_queue_length", 0L);
        dropped.put("netdiag_socket_queue_bytes", 0L);
    }

    /** One series before the cap: its labels (without pid and comm yet), the socket's inode and its value. */
    private record Series(List<MetricFamily.Label> labels, long inode, long value, long second) {
    }

    synchronized List<MetricFamily> collect() {
        List<SocketEntry> listeners = new ArrayList<>();
        List<SocketEntry> queued = new ArrayList<>();
        SocketInventory.stream(SocketQuery.of(Netid.TCP, Netid.UDP), e -> {
            if (e.listening()) {
                if (e.netid() == Netid.TCP) {
                    listeners.add(e);
                }
            } else if (e.recvQ() > 0 || e.sendQ() > 0) {
                queued.add(e);
            }
        });
        List<Series> listen = new ArrayList<>();
        for (SocketEntry e : listeners) {
            listen.add(new Series(MetricFamily.labels("local", endpoint(e.local())), e.inode(), e.recvQ(), e.sendQ()));
        }
        List<Series> queues = new ArrayList<>();
        for (SocketEntry e : queued) {
            for (String direction : List.of("recv", "send")) {
                long bytes = direction.equals("recv") ? e.recvQ() : e.sendQ();
                if (bytes > 0) {
                    queues.add(new Series(MetricFamily.labels("proto", e.netid().ssName(), "local", endpoint(e.local()),
                            "peer", endpoint(e.peer()), "state", e.state().ssName(), "direction", direction),
                            e.inode(), bytes, 0));
                }
            }
        }
        listen = cap(listen, "netdiag_listen_queue_length");
        queues = cap(queues, "netdiag_socket_queue_bytes");
        List<Long> inodes = new ArrayList<>();
        listen.forEach(s -> inodes.add(s.inode()));
        queues.forEach(s -> inodes.add(s.inode()));
        owners.cover(inodes);

        Map<List<MetricFamily.Label>, long[]> listenSums = sum(listen);
        Map<List<MetricFamily.Label>, long[]> queueSums = sum(queues);
        List<MetricFamily.Point> length = new ArrayList<>();
        List<MetricFamily.Point> backlog = new ArrayList<>();
        listenSums.forEach((labels, v) -> {
            length.add(new MetricFamily.Value(labels, v[0]));
            backlog.add(new MetricFamily.Value(labels, v[1]));
        });
        List<MetricFamily.Point> bytes = new ArrayList<>();
        queueSums.forEach((labels, v) -> bytes.add(new MetricFamily.Value(labels, v[0])));
        List<MetricFamily.Point> cut = new ArrayList<>();
        dropped.forEach((metric, n) -> cut.add(new MetricFamily.Value(MetricFamily.labels("metric", metric), n, created)));
        return List.of(
                new MetricFamily("netdiag_listen_queue_length", MetricFamily.Type.GAUGE,
                        "TCP listener's accept queue: connections completed and not yet accept()ed.", null, length),
                new MetricFamily("netdiag_listen_backlog", MetricFamily.Type.GAUGE,
                        "TCP listener's backlog limit (listen(2) argument capped by net.core.somaxconn).", null, backlog),
                new MetricFamily("netdiag_socket_queue_bytes", MetricFamily.Type.GAUGE,
                        "Bytes queued on a TCP or UDP socket whose queue is not empty: recv = received and not read "
                                + "by the application, send = sent and not acknowledged (UDP: socket memory).", "bytes", bytes),
                new MetricFamily("netdiag_socket_series_dropped", MetricFamily.Type.COUNTER,
                        "Socket series left out of scrapes because of --max-sockets, by metric.", null, cut));
    }

    /** The largest {@code maxSeries}; the rest are counted as dropped. */
    private List<Series> cap(List<Series> all, String metric) {
        if (all.size() <= maxSeries) {
            return all;
        }
        all.sort(Comparator.comparingLong(Series::value).reversed());
        dropped.merge(metric, (long) (all.size() - maxSeries), Long::sum);
        return new ArrayList<>(all.subList(0, maxSeries));
    }

    /**
     * Adds pid and comm, and sums series whose labels come out the same (SO_REUSEPORT listeners of one process,
     * UDP sockets bound alike): a scrape must not repeat a series.
     */
    private Map<List<MetricFamily.Label>, long[]> sum(List<Series> series) {
        Map<List<MetricFamily.Label>, long[]> out = new LinkedHashMap<>();
        for (Series s : series) {
            List<MetricFamily.Label> labels = withOwner(s.labels(), owners.owner(s.inode()));
            long[] v = out.computeIfAbsent(labels, k -> new long[2]);
            v[0] += s.value();
            v[1] += s.second();
        }
        return out;
    }

    static List<MetricFamily.Label> withOwner(List<MetricFamily.Label> labels, Owner owner) {
        List<MetricFamily.Label> out = new ArrayList<>(labels);
        out.add(new MetricFamily.Label("pid", owner == null ? "" : Integer.toString(owner.pid())));
        out.add(new MetricFamily.Label("comm", owner == null ? "" : owner.name()));
        return out;
    }

    /**
     * ADDRESS:PORT, [ADDRESS]:PORT for IPv6, * for no port: as ss prints it numerically, except that a dual-stack
     * {@code ::} stays {@code [::]} (ss prints {@code *}), so that the labels match those of
     * {@code netdiag_stuck_queue}, whose findings do not say whether a socket is dual-stack.
     */
    static String endpoint(Endpoint end) {
        String a = end.address();
        return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + (end.port() == 0 ? "*" : Long.toString(end.port()));
    }
}
