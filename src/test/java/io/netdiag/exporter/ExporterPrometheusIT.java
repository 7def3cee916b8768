package io.netdiag.exporter;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged exporter scraped by a real Prometheus server (Debian's prometheus package) started here on a
 * loopback port with temporary storage and a 1 s scrape interval; the assertions read its HTTP API, so they
 * see what an operator's queries would see, after Prometheus parsed the OpenMetrics it negotiated.
 */
class ExporterPrometheusIT {
    private static final String LOOPBACK = "(127\\\\.0\\\\.0\\\\.1|\\\\[::ffff:127\\\\.0\\\\.0\\\\.1\\\\])";
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final long pid = ProcessHandle.current().pid();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        for (Path d : dirs) {
            try (Stream<Path> all = Files.walk(d)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private Path tempDir() throws IOException {
        Path d = Files.createTempDirectory("netdiag-expo");
        dirs.add(d);
        return d;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Starts the packaged exporter and returns the address it reports on its --json start line. */
    private String startExporter(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(Jar.command(false, "--json", "exporter"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("exporter.err").toFile()).start();
        processes.add(p);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(line != null, () -> "exporter did not start: " + read(dir.resolve("exporter.err")));
        return (String) ((Map<?, ?>) Json.parse(line)).get("listen");
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The instant vector a PromQL query returns: each series' labels and value. */
    private List<Map<?, ?>> query(String prometheus, String promql) throws Exception {
        HttpResponse<String> r = get("http://" + prometheus + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) Json.parse(r.body())).get("data");
        List<Map<?, ?>> out = new ArrayList<>();
        for (Object o : (List<?>) data.get("result")) {
            out.add((Map<?, ?>) o);
        }
        return out;
    }

    private static Map<?, ?> labels(Map<?, ?> series) {
        return (Map<?, ?>) series.get("metric");
    }

    private static double value(Map<?, ?> series) {
        return Double.parseDouble((String) ((List<?>) series.get("value")).get(1));
    }

    /** Queries until the answer satisfies {@code ok} (scrapes arrive every second) or 40 s pass. */
    private List<Map<?, ?>> await(String prometheus, String promql, Predicate<List<Map<?, ?>>> ok) throws Exception {
        List<Map<?, ?>> last = List.of();
        for (int i = 0; i < 80; i++) {
            last = query(prometheus, promql);
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(promql + " never matched; last answer: " + last);
    }

    @Test
    void prometheusSeesQueuesStuckReadersFullAcceptQueuesAndProbes() throws Exception {
        // a listener that accepts (the open port), and a closed port
        ServerSocket openPort = keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    keep(openPort.accept());
                }
            } catch (IOException ignored) {
                // closed at the end
            }
        });
        int closed = freePort();
        // a never-reading pair: 32 KiB sent, never read by the accepted end
        ServerSocket reader = keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Socket writer = keep(new Socket(InetAddress.getLoopbackAddress(), reader.getLocalPort()));
        keep(reader.accept());
        writer.getOutputStream().write(new byte[32 * 1024]);
        writer.getOutputStream().flush();
        // a full accept queue: backlog 1, two connections completed, none accepted
        ServerSocket full = keep(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        for (int i = 0; i < 2; i++) {
            keep(new Socket()).connect(full.getLocalSocketAddress(), 2000);
        }

        Path dir = tempDir();
        Path config = dir.resolve("exporter.yaml");
        Files.writeString(config, "probes:\n"
                + "  - {module: tcp, target: \"127.0.0.1:" + openPort.getLocalPort() + "\", interval: 1s}\n"
                + "  - {module: tcp, target: \"127.0.0.1:" + closed + "\", interval: 1s}\n"
                + "  - {module: icmp, target: \"127.0.0.1\", interval: 1s}\n"
                + "allow: [\"127.0.0.1\"]\n");
        String exporter = startExporter(dir, "--listen", "127.0.0.1:0", "-c", config.toString(), "--sample-interval", "1s");

        String prometheus = "127.0.0.1:" + freePort();
        Path prom = dir.resolve("prometheus.yml");
        Files.writeString(prom, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: netdiag
                    static_configs:
                      - targets: ["%s"]
                """.formatted(exporter));
        Process server = new ProcessBuilder("prometheus", "--config.file=" + prom, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=" + prometheus, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        processes.add(server);

        for (int i = 0; ; i++) { // Prometheus takes a moment to open its TSDB and listen
            try {
                if (get("http://" + prometheus + "/-/ready").statusCode() == 200) {
                    break;
                }
            } catch (java.net.ConnectException e) {
                assertTrue(server.isAlive(), () -> "prometheus exited: " + read(dir.resolve("prometheus.log")));
            }
            assertTrue(i < 60, () -> "prometheus not ready: " + read(dir.resolve("prometheus.log")));
            Thread.sleep(500);
        }
        await(prometheus, "up{job=\"netdiag\"} == 1", r -> r.size() == 1);

        String me = ",pid=\"" + pid + "\",comm=\"java\"";
        List<Map<?, ?>> recv = await(prometheus, "netdiag_socket_queue_bytes{direction=\"recv\",local=~\"" + LOOPBACK + ":"
                + reader.getLocalPort() + "\"" + me + "}", r -> r.size() == 1 && value(r.getFirst()) >= 32 * 1024);
        assertEquals("ESTAB", labels(recv.getFirst()).get("state"));
        assertEquals("tcp", labels(recv.getFirst()).get("proto"));

        List<Map<?, ?>> stuck = await(prometheus, "netdiag_stuck_queue{kind=\"not-reading\",direction=\"recv\",local=~\""
                + LOOPBACK + ":" + reader.getLocalPort() + "\"" + me + "} == 1", r -> r.size() == 1);
        assertEquals("would-block", labels(stuck.getFirst()).get("category"));

        String fullLocal = "local=~\"" + LOOPBACK + ":" + full.getLocalPort() + "\"" + me;
        await(prometheus, "netdiag_listen_queue_length{" + fullLocal + "}", r -> r.size() == 1 && value(r.getFirst()) == 2);
        await(prometheus, "netdiag_listen_backlog{" + fullLocal + "}", r -> r.size() == 1 && value(r.getFirst()) == 1);
        await(prometheus, "netdiag_stuck_queue{kind=\"accept-queue-full\"," + fullLocal + "} == 1", r -> r.size() == 1);
        await(prometheus, "netdiag_listen_queue_length{" + fullLocal + "} > netdiag_listen_backlog", r -> r.size() == 1);

        String openTarget = "target=\"127.0.0.1:" + openPort.getLocalPort() + "\"";
        String closedTarget = "target=\"127.0.0.1:" + closed + "\"";
        await(prometheus, "netdiag_probe_success{module=\"tcp\"," + openTarget + "}", r -> r.size() == 1 && value(r.getFirst()) == 1);
        await(prometheus, "netdiag_probe_success{module=\"tcp\"," + closedTarget + "}", r -> r.size() == 1 && value(r.getFirst()) == 0);
        await(prometheus, "netdiag_probe_failures_total{module=\"tcp\"," + closedTarget + ",category=\"refused\"}",
                r -> r.size() == 1 && value(r.getFirst()) >= 2);
        await(prometheus, "netdiag_probe_failures_total{module=\"tcp\"," + openTarget + "}", r -> r.size() == 3
                && r.stream().allMatch(s -> value(s) == 0));
        await(prometheus, "increase(netdiag_probe_sent_total{module=\"tcp\"," + closedTarget + "}[10s])", r -> r.size() == 1
                && value(r.getFirst()) > 0);

        await(prometheus, "netdiag_probe_rtt_seconds_count{module=\"icmp\",target=\"127.0.0.1\"}",
                r -> r.size() == 1 && value(r.getFirst()) >= 3);
        List<Map<?, ?>> buckets = query(prometheus, "netdiag_probe_rtt_seconds_bucket{module=\"icmp\",target=\"127.0.0.1\"}");
        assertEquals(21, buckets.size(), buckets::toString);
        assertTrue(buckets.stream().anyMatch(b -> "0.00005".equals(labels(b).get("le"))), buckets::toString);
        List<Map<?, ?>> p50 = query(prometheus,
                "histogram_quantile(0.5, rate(netdiag_probe_rtt_seconds_bucket{module=\"icmp\"}[30s]))");
        assertEquals(1, p50.size(), p50::toString);
        assertTrue(value(p50.getFirst()) > 0 && value(p50.getFirst()) < 0.01, p50::toString); // loopback: well below 10 ms

        await(prometheus, "netdiag_build_info", r -> r.size() == 1);
        await(prometheus, "netdiag_scrape_duration_seconds", r -> r.size() == 1);

        // /probe outside the allow list is refused; inside, it probes
        assertEquals(403, get("http://" + exporter + "/probe?module=icmp&target=127.0.0.2").statusCode());
        assertEquals(403, get("http://" + exporter + "/probe?module=tcp&target=10.73.0.9:80").statusCode());
        HttpResponse<String> ok = get("http://" + exporter + "/probe?module=tcp&target=127.0.0.1:" + openPort.getLocalPort());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("netdiag_probe_success{module=\"tcp\",target=\"127.0.0.1:" + openPort.getLocalPort() + "\"} 1\n"),
                ok.body());
    }

    @Test
    void theDefaultAddressIsLoopbackOnly() throws Exception {
        Path dir = tempDir();
        String listen = startExporter(dir);
        assertEquals("127.0.0.1:9917", listen);
        Host.Run ss = Host.run("ss", "-Htln", "sport = :9917");
        assertEquals(0, ss.exitCode(), ss.err());
        List<String> rows = ss.out().lines().toList();
        assertEquals(1, rows.size(), ss.out());
        assertTrue(rows.getFirst().contains(" 127.0.0.1:9917 ") || rows.getFirst().contains(" [::ffff:127.0.0.1]:9917 "),
                ss.out());
        assertEquals(200, get("http://127.0.0.1:9917/-/healthy").statusCode());
        // nothing to probe without a config: the allow list is empty
        assertEquals(403, get("http://127.0.0.1:9917/probe?module=icmp&target=127.0.0.1").statusCode());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
