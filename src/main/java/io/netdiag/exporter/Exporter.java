package io.netdiag.exporter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netdiag.explain.NetdiagException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;

/**
 * {@code netdiag exporter}: an HTTP server for Prometheus (the JDK's built-in one) with {@code /metrics} (probe,
 * listener, queue and stuck-queue metrics, text format 0.0.4 or OpenMetrics 1.0.0 as the Accept header asks),
 * {@code /probe?module=&target=} (one probe on demand, blackbox style, only for targets the allow list names:
 * 403 otherwise) and {@code /-/healthy}.
 */
public final class Exporter implements AutoCloseable {
    /** The address served without --listen: loopback only, so that nothing is exposed by default. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:9917";
    /** /probe's time budget when Prometheus does not send its scrape timeout. */
    static final double DEFAULT_PROBE_SECONDS = 5;
    /** The shortest time between two reads of every process's descriptors (for pid and comm). */
    static final long OWNER_REFRESH_MILLIS = 5_000;
    /** /probe requests that may run at once; the HTTP pool keeps threads for /metrics beside them. */
    static final int PROBES_IN_FLIGHT = 4;
    /** The most probes one /probe request may send. */
    static final int MAX_PROBE_COUNT = 20;

    /**
     * @param listen        where to serve
     * @param config        scheduled probes and the allow list
     * @param maxSockets    the most series per socket family (--max-sockets)
     * @param sampleMillis  the stuck-queue sampling interval
     * @param version       netdiag's version, for build info
     */
    public record Settings(InetSocketAddress listen, ExporterConfig config, int maxSockets, long sampleMillis, String version) {
    }

    private final Settings settings;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ProbeMetrics probes;
    private final ProbeScheduler scheduler;
    private final SocketMetrics sockets;
    private final StuckQueues stuck;
    private final Object scrapeLock = new Object();
    private final java.util.concurrent.Semaphore probeSlots = new java.util.concurrent.Semaphore(PROBES_IN_FLIGHT);
    private final double started = System.currentTimeMillis() / 1000.0;

    private Exporter(Settings settings, HttpServer server) {
        this.settings = settings;
        this.server = server;
        OwnerCache owners = new OwnerCache(OWNER_REFRESH_MILLIS);
        this.probes = new ProbeMetrics(settings.config().probes());
        this.scheduler = new ProbeScheduler(settings.config().probes(), probes);
        this.sockets = new SocketMetrics(settings.maxSockets(), owners);
        this.stuck = new StuckQueues(settings.sampleMillis(), owners, settings.maxSockets());
        this.executor = Executors.newFixedThreadPool(8, Thread.ofPlatform().daemon().name("netdiag-http-", 0).factory());
        server.setExecutor(executor);
        server.createContext("/metrics", this::metrics);
        server.createContext("/probe", this::probe);
        server.createContext("/-/healthy", e -> reply(e, 200, "text/plain; charset=utf-8", "netdiag exporter is Healthy.\n"));
        server.createContext("/", this::landing);
    }

    /** Binds, starts the probes and the sampler, and serves; a taken or impossible address is bad input. */
    public static Exporter start(Settings settings) {
        io.netdiag.os.Platform.requireLinux("netdiag exporter");
        HttpServer server;
        try {
            server = HttpServer.create(settings.listen(), 64);
        } catch (BindException e) {
            throw new NetdiagException(NetdiagException.Kind.BAD_INPUT, "cannot listen on " + text(settings.listen()),
                    "choose another --listen ADDRESS:PORT", e);
        } catch (IOException e) {
            throw new NetdiagException(NetdiagException.Kind.BAD_INPUT, "cannot listen on " + text(settings.listen()), e);
        }
        Exporter exporter = new Exporter(settings, server);
        server.start();
        exporter.scheduler.start();
        exporter.stuck.start();
        return exporter;
    }

    /**
     * What a started exporter serves, for the command's start line.
     *
     * @param listen  the address bound, ADDRESS:PORT
     * @param metrics the URL of /metrics
     * @param probes  how many scheduled probes run
     * @param allow   the allow list of /probe as written
     */
    public record Started(String listen, String metrics, int probes, List<String> allow) {
    }

    public Started started() {
        String listen = text(address());
        String host = listen.startsWith("0.0.0.0:") ? "127.0.0.1" + listen.substring(7)
                : listen.startsWith("[::]:") ? "[::1]" + listen.substring(4) : listen;
        return new Started(listen, "http://" + host + "/metrics", settings.config().probes().size(),
                settings.config().allow().entries());
    }

    /** The address actually bound (the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    static String text(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Everything /metrics serves, in the man page's order. */
    List<MetricFamily> families() {
        long start = System.nanoTime();
        List<MetricFamily> out = new ArrayList<>();
        out.add(new MetricFamily("netdiag_build", MetricFamily.Type.INFO, "netdiag's version and the Java runtime it runs on.",
                null, List.of(new MetricFamily.Value(MetricFamily.labels("version", settings.version(),
                "java", Runtime.version().toString()), 1))));
        out.add(new MetricFamily("netdiag_exporter_start_time_seconds", MetricFamily.Type.GAUGE,
                "When the exporter started, in Unix seconds.", "seconds", List.of(new MetricFamily.Value(List.of(), started))));
        out.addAll(probes.families());
        boolean socketsOk = true;
        synchronized (scrapeLock) {
            try {
                out.addAll(sockets.collect());
            } catch (RuntimeException e) {
                socketsOk = false;
            }
        }
        out.add(stuck.family());
        out.add(new MetricFamily("netdiag_scrape_collector_success", MetricFamily.Type.GAUGE,
                "Whether a collector worked at this scrape (sockets) or at its last background sample (stuck).", null,
                List.of(new MetricFamily.Value(MetricFamily.labels("collector", "sockets"), socketsOk ? 1 : 0),
                        new MetricFamily.Value(MetricFamily.labels("collector", "stuck"), stuck.healthy() ? 1 : 0))));
        out.add(new MetricFamily("netdiag_scrape_duration_seconds", MetricFamily.Type.GAUGE,
                "Time this scrape took to collect its metrics (sockets read, owners found).", "seconds",
                List.of(new MetricFamily.Value(List.of(), (System.nanoTime() - start) / 1e9))));
        return out;
    }

    private void metrics(HttpExchange e) throws IOException {
        if (!allowedMethod(e)) {
            return;
        }
        Exposition.Format format = Exposition.negotiate(e.getRequestHeaders().getFirst("Accept"));
        reply(e, 200, format.contentType(), Exposition.write(families(), format));
    }

    private void probe(HttpExchange e) throws IOException {
        if (!allowedMethod(e)) {
            return;
        }
        Map<String, String> q = query(e.getRequestURI().getRawQuery());
        String module = q.get("module");
        String target = q.get("target");
        if (module == null || module.isEmpty()) {
            reply(e, 400, "text/plain; charset=utf-8", "module parameter is missing (tcp, udp, icmp or trace)\n");
            return;
        }
        if (target == null || target.isEmpty()) {
            reply(e, 400, "text/plain; charset=utf-8", "target parameter is missing\n");
            return;
        }
        ProbeSpec spec;
        int count;
        try {
            spec = ProbeSpec.of(ProbeSpec.Module.parse(module), target, 0, 0);
            count = q.containsKey("count") ? Integer.parseInt(q.get("count")) : 1;
            if (count < 1 || count > MAX_PROBE_COUNT) {
                throw NetdiagException.badInput("count must be 1-" + MAX_PROBE_COUNT);
            }
        } catch (NetdiagException | NumberFormatException x) {
            reply(e, 400, "text/plain; charset=utf-8", (x instanceof NumberFormatException ? "count must be a number"
                    : x.getMessage()) + "\n");
            return;
        }
        String protocol = q.getOrDefault("protocol", spec.port() > 0 ? "tcp" : "icmp");
        if (spec.module() == ProbeSpec.Module.TRACE && !List.of("tcp", "udp", "icmp").contains(protocol)
                || spec.module() == ProbeSpec.Module.TRACE && (spec.port() > 0) == protocol.equals("icmp")) {
            reply(e, 400, "text/plain; charset=utf-8",
                    "protocol must be icmp (target HOST) or tcp or udp (target HOST:PORT)\n");
            return;
        }
        if (!settings.config().allow().allows(spec.host())) {
            reply(e, 403, "text/plain; charset=utf-8", "target " + spec.host() + " is not in the allow list\n");
            return;
        }
        double budget = budget(e.getRequestHeaders().getFirst("X-Prometheus-Scrape-Timeout-Seconds"));
        // targets that hang hold their request for the whole budget: never let them take every HTTP thread
        if (!probeSlots.tryAcquire()) {
            reply(e, 503, "text/plain; charset=utf-8", PROBES_IN_FLIGHT + " probes are already running; try again\n");
            return;
        }
        try {
            runProbe(e, spec, protocol, count, budget);
        } finally {
            probeSlots.release();
        }
    }

    private void runProbe(HttpExchange e, ProbeSpec spec, String protocol, int count, double budget) throws IOException {
        Exposition.Format format = Exposition.negotiate(e.getRequestHeaders().getFirst("Accept"));
        if (spec.module() == ProbeSpec.Module.TRACE) {
            reply(e, 200, format.contentType(), Exposition.write(TraceProbe.run(spec, protocol, budget), format));
            return;
        }
        // every probe of the run waits at most its share of the budget, after the gaps between them
        long perProbe = (long) Math.max(100, (budget * 1000 - (count - 1) * ProbeRunner.GAP_MILLIS) / count);
        ProbeOutcome outcome = ProbeRunner.run(spec, count, perProbe, () -> false);
        ProbeMetrics one = new ProbeMetrics(List.of(spec));
        one.record(spec, outcome);
        reply(e, 200, format.contentType(), Exposition.write(one.families(), format));
    }

    /** Prometheus's scrape timeout less half a second for the reply (as blackbox_exporter), within 1-60 s. */
    static double budget(String header) {
        double seconds = DEFAULT_PROBE_SECONDS;
        if (header != null) {
            try {
                seconds = Double.parseDouble(header.strip()) - 0.5;
            } catch (NumberFormatException ignored) {
                // keep the default
            }
        }
        return Math.min(60, Math.max(0.2, seconds));
    }

    private void landing(HttpExchange e) throws IOException {
        if (!e.getRequestURI().getPath().equals("/")) {
            reply(e, 404, "text/plain; charset=utf-8", "404 page not found\n");
            return;
        }
        reply(e, 200, "text/html; charset=utf-8", """
                <html><head><title>netdiag exporter</title></head><body>
                <h1>netdiag exporter</h1>
                <p><a href="/metrics">Metrics</a></p>
                <p><a href="/-/healthy">Health</a></p>
                <p>/probe?module=tcp|udp|icmp&amp;target=HOST[:PORT] for targets in the allow list</p>
                </body></html>
                """);
    }

    private static boolean allowedMethod(HttpExchange e) throws IOException {
        String m = e.getRequestMethod();
        if (m.equals("GET") || m.equals("HEAD")) {
            return true;
        }
        e.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(e, 405, "text/plain; charset=utf-8", "method not allowed\n");
        return false;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /** Gzip when the client accepts it (Prometheus does), as the client libraries do. */
    private static void reply(HttpExchange e, int status, String contentType, String body) throws IOException {
        try (e) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            e.getResponseHeaders().set("Content-Type", contentType);
            String encoding = e.getRequestHeaders().getFirst("Accept-Encoding");
            boolean head = e.getRequestMethod().equals("HEAD");
            if (encoding != null && encoding.contains("gzip") && !head) {
                e.getResponseHeaders().set("Content-Encoding", "gzip");
                e.sendResponseHeaders(status, 0);
                try (OutputStream out = new GZIPOutputStream(e.getResponseBody())) {
                    out.write(bytes);
                }
            } else {
                e.sendResponseHeaders(status, head ? -1 : bytes.length);
                if (!head) {
                    e.getResponseBody().write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        scheduler.close();
        stuck.close();
        server.stop(0);
        executor.shutdownNow();
    }
}
