package io.netdiag.exporter;

import io.netdiag.testing.Host;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exporter in-process, against real loopback sockets: what /metrics and /probe answer, checked by promtool. */
class ExporterServerTest {
    /** Java's sockets are IPv6 ones unless java.net.preferIPv4Stack: loopback shows as ss shows it, v4-mapped. */
    static final String LOOPBACK = "(?:127\\.0\\.0\\.1|\\[::ffff:127\\.0\\.0\\.1\\])";

    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private Exporter start(String yaml, int maxSockets) {
        ExporterConfig config = ExporterConfig.parse(yaml, "test.yaml");
        return keep(Exporter.start(new Exporter.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config,
                maxSockets, 1000, "test")));
    }

    private HttpResponse<String> get(Exporter e, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + Exporter.text(e.address()) + path))
                .timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A listener that accepts and holds connections (reads nothing). */
    private ServerSocket acceptingListener() throws IOException {
        ServerSocket s = keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    keep(s.accept());
                }
            } catch (IOException ignored) {
                // closed
            }
        });
        return s;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no " + series + " in\n" + text);
    }

    @Test
    void aRealScrapePassesPromtool() throws Exception {
        ServerSocket open = acceptingListener();
        int closed = closedPort();
        Exporter e = start("probes:\n"
                + "  - {module: tcp, target: \"127.0.0.1:" + open.getLocalPort() + "\", interval: 100ms}\n"
                + "  - {module: tcp, target: \"127.0.0.1:" + closed + "\", interval: 100ms}\n"
                + "  - {module: icmp, target: \"127.0.0.1\", interval: 100ms}\n"
                + "allow: [\"127.0.0.1\"]\n", 500);
        Thread.sleep(1500);
        HttpResponse<String> r = get(e, "/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        String text = r.body();
        assertEquals(1, value(text, "netdiag_probe_success{module=\"tcp\",target=\"127.0.0.1:" + open.getLocalPort() + "\"}"));
        assertEquals(0, value(text, "netdiag_probe_success{module=\"tcp\",target=\"127.0.0.1:" + closed + "\"}"));
        assertTrue(value(text, "netdiag_probe_failures_total{module=\"tcp\",target=\"127.0.0.1:" + closed
                + "\",category=\"refused\"}") >= 1, text);
        assertTrue(value(text, "netdiag_probe_rtt_seconds_count{module=\"icmp\",target=\"127.0.0.1\"}") >= 1, text);
        assertTrue(Pattern.compile("netdiag_listen_backlog\\{local=\"" + LOOPBACK + ":" + open.getLocalPort() + "\",pid=\""
                + ProcessHandle.current().pid() + "\",comm=\"java\"} 50\n").matcher(text).find(), text);
        assertTrue(text.contains("\nnetdiag_build_info{version=\"test\",java=\""), text);

        Path scrape = Files.createTempFile("netdiag-scrape", ".txt");
        try {
            Files.writeString(scrape, text);
            Host.Run lint = Host.run(List.of("sh", "-c", "promtool check metrics < " + scrape), 60);
            assertEquals(0, lint.exitCode(), lint.out() + lint.err());
            assertEquals("", (lint.out() + lint.err()).strip());
        } finally {
            Files.deleteIfExists(scrape);
        }

        HttpResponse<String> om = get(e, "/metrics", "Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", om.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(om.body().endsWith("# EOF\n"));
        assertTrue(om.body().contains("# TYPE netdiag_probe_sent counter\n"), om.body());
    }

    @Test
    void probeAnswersOnlyForAllowedTargets() throws Exception {
        ServerSocket open = acceptingListener();
        Exporter e = start("allow: [\"127.0.0.1\", \"10.73.0.0/16\"]\n", 500);
        HttpResponse<String> ok = get(e, "/probe?module=tcp&target=127.0.0.1:" + open.getLocalPort() + "&count=3");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(1, value(ok.body(), "netdiag_probe_success{module=\"tcp\",target=\"127.0.0.1:" + open.getLocalPort() + "\"}"));
        assertEquals(3, value(ok.body(), "netdiag_probe_sent_total{module=\"tcp\",target=\"127.0.0.1:" + open.getLocalPort() + "\"}"));

        HttpResponse<String> outside = get(e, "/probe?module=icmp&target=127.0.0.2");
        assertEquals(403, outside.statusCode());
        assertEquals("target 127.0.0.2 is not in the allow list\n", outside.body());
        assertEquals(403, get(e, "/probe?module=tcp&target=%5Bfd73::1%5D:80").statusCode());
        HttpResponse<String> trace = get(e, "/probe?module=trace&target=127.0.0.1", "X-Prometheus-Scrape-Timeout-Seconds", "3");
        assertEquals(200, trace.statusCode(), trace.body());
        assertEquals(1, value(trace.body(), "netdiag_probe_success{module=\"trace\",target=\"127.0.0.1\"}"), trace.body());
        assertEquals(1, value(trace.body(), "netdiag_trace_hops{module=\"trace\",target=\"127.0.0.1\"}"), trace.body());
        assertEquals(1, value(trace.body(), "netdiag_trace_verdict{module=\"trace\",target=\"127.0.0.1\",kind=\"reached\","
                + "category=\"\",ttl=\"1\",address=\"127.0.0.1\"}"), trace.body());
        assertEquals(403, get(e, "/probe?module=trace&target=127.0.0.2").statusCode());
        assertEquals(400, get(e, "/probe?module=trace&target=127.0.0.1&protocol=udp").statusCode());
        assertEquals(400, get(e, "/probe?module=tcp&target=127.0.0.1").statusCode());
        assertEquals(400, get(e, "/probe?target=127.0.0.1").statusCode());
        assertEquals(200, get(e, "/-/healthy").statusCode());
        assertEquals(404, get(e, "/nothing").statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://" + Exporter.text(e.address()) + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void aTargetThatHangsEndsAtItsTimeoutAsTimeout() throws Exception {
        // a listener whose accept queue is full drops SYNs: connect() to it hangs, as to a filtered port
        ServerSocket full = keep(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        for (int i = 0; i < 2; i++) {
            Socket c = keep(new Socket());
            c.connect(full.getLocalSocketAddress(), 2000);
        }
        String target = "127.0.0.1:" + full.getLocalPort();
        Exporter e = start("probes:\n  - {module: tcp, target: \"" + target + "\", interval: 200ms, timeout: 300ms}\n"
                + "allow: [\"127.0.0.1\"]\n", 500);
        Thread.sleep(1500);
        String text = get(e, "/metrics").body();
        String labels = "{module=\"tcp\",target=\"" + target + "\"}";
        assertEquals(0, value(text, "netdiag_probe_success" + labels));
        assertTrue(value(text, "netdiag_probe_failures_total{module=\"tcp\",target=\"" + target + "\",category=\"timeout\"}") >= 1,
                text);
        // /probe keeps to the scrape timeout Prometheus sends
        HttpResponse<String> r = get(e, "/probe?module=tcp&target=" + target, "X-Prometheus-Scrape-Timeout-Seconds", "1");
        assertEquals(200, r.statusCode());
        assertEquals(0, value(r.body(), "netdiag_probe_success" + labels));
        assertTrue(value(r.body(), "netdiag_probe_duration_seconds" + labels) < 1, r.body());

        // more hanging probes than may run at once: the rest are turned away, and /metrics still answers
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> many = new ArrayList<>();
        for (int i = 0; i < Exporter.PROBES_IN_FLIGHT + 2; i++) {
            many.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://" + Exporter.text(e.address()) + "/probe?module=tcp&target="
                    + target)).header("X-Prometheus-Scrape-Timeout-Seconds", "2.5").build(), HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(300);
        assertEquals(200, get(e, "/metrics").statusCode());
        List<Integer> codes = many.stream().map(f -> f.join().statusCode()).sorted().toList();
        assertTrue(codes.contains(503) && codes.contains(200) && codes.stream().allMatch(c -> c == 200 || c == 503), codes::toString);
    }

    @Test
    void socketSeriesAreCappedAndTheCutIsCounted() throws Exception {
        ServerSocket server = keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        byte[] data = new byte[20_000];
        for (int i = 0; i < 6; i++) {
            Socket c = keep(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            keep(server.accept());
            OutputStream out = c.getOutputStream();
            out.write(data, 0, 10_000 + i); // never read: Recv-Q on the accepted end
            out.flush();
        }
        Exporter e = start("", 3);
        String text = get(e, "/metrics").body();
        long series = text.lines().filter(l -> l.startsWith("netdiag_socket_queue_bytes{")).count();
        assertEquals(3, series, text);
        double cut = value(text, "netdiag_socket_series_dropped_total{metric=\"netdiag_socket_queue_bytes\"}");
        assertTrue(cut >= 3, text);
        double again = value(get(e, "/metrics").body(), "netdiag_socket_series_dropped_total{metric=\"netdiag_socket_queue_bytes\"}");
        assertTrue(again >= cut + 3, "counts again at each scrape: " + cut + " then " + again);
    }

    @Test
    void stuckReaderIsFlaggedWithItsOwner() throws Exception {
        ServerSocket server = keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Socket c = keep(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        Socket s = keep(server.accept());
        c.getOutputStream().write(new byte[4096]);
        c.getOutputStream().flush();
        Exporter e = start("", 500);
        Pattern local = Pattern.compile("local=\"" + LOOPBACK + ":" + server.getLocalPort() + "\",peer=");
        String text = "";
        for (int i = 0; i < 20 && !local.matcher(text).find(); i++) {
            Thread.sleep(500);
            text = get(e, "/metrics").body().lines().filter(l -> l.startsWith("netdiag_stuck_queue{"))
                    .reduce("", (a, b) -> a + b + "\n");
        }
        Matcher m = Pattern.compile("netdiag_stuck_queue\\{proto=\"tcp\",local=\"" + LOOPBACK + ":" + server.getLocalPort()
                + "\",peer=\"" + LOOPBACK + ":" + c.getLocalPort() + "\",direction=\"recv\",pid=\"(\\d+)\",comm=\"java\","
                + "category=\"would-block\",kind=\"not-reading\"} 1").matcher(text);
        assertTrue(m.find(), text);
        assertEquals(ProcessHandle.current().pid(), Long.parseLong(m.group(1)));
        assertTrue(s.isConnected());
    }

    @Test
    void endpointsAreWrittenAlikeInEverySocketMetric() {
        assertEquals("[::]:9917", SocketMetrics.endpoint(new io.netdiag.sockets.Endpoint("::", 9917)));
        assertEquals("[::ffff:127.0.0.1]:80", SocketMetrics.endpoint(new io.netdiag.sockets.Endpoint("::ffff:127.0.0.1", 80)));
        assertEquals("0.0.0.0:*", SocketMetrics.endpoint(new io.netdiag.sockets.Endpoint("0.0.0.0", 0)));
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
