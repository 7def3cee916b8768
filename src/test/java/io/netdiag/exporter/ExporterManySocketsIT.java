package io.netdiag.exporter;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 40,000 sockets open (20,000 loopback connections, each with one unread byte): scrapes still answer, the
 * queue series stop at --max-sockets, and what was cut is counted.
 */
class ExporterManySocketsIT {
    private static final int CONNECTIONS = 20_000;
    private static final int PER_HELPER = 4_000; // 8,000 descriptors each, under common limits

    /** The sockets benchmark's helper: N connections, each with one byte its accepted end never reads. */
    private static final Path HELPER = Path.of(System.getProperty("netdiag.project.dir", "."), "bench", "sockets-connections.py");

    @Test
    void scrapesStayBoundedWith40000SocketsOpen() throws Exception {
        List<Process> helpers = new ArrayList<>();
        try {
            for (int left = CONNECTIONS; left > 0; left -= PER_HELPER) {
                helpers.add(new ProcessBuilder("python3", HELPER.toString(), Integer.toString(Math.min(left, PER_HELPER)), "1")
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start());
            }
            List<Integer> ports = new ArrayList<>();
            for (Process p : helpers) {
                String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertTrue(line != null && line.startsWith("ready "), "helper failed: " + line);
                ports.add(Integer.parseInt(line.substring(6).strip()));
            }
            try (Exporter e = Exporter.start(new Exporter.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    ExporterConfig.empty(), 500, 1000, "test"))) {
                HttpClient http = HttpClient.newHttpClient();
                double cutBefore = 0;
                for (int scrape = 0; scrape < 3; scrape++) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + Exporter.text(e.address())
                            + "/metrics")).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode());
                    String text = r.body();
                    assertEquals(500, text.lines().filter(l -> l.startsWith("netdiag_socket_queue_bytes{")).count());
                    double cut = value(text, "netdiag_socket_series_dropped_total{metric=\"netdiag_socket_queue_bytes\"}");
                    assertTrue(cut - cutBefore >= CONNECTIONS - 500, cutBefore + " -> " + cut);
                    cutBefore = cut;
                    for (int i = 0; i < ports.size(); i++) {
                        String listener = "netdiag_listen_backlog{local=\"127.0.0.1:" + ports.get(i) + "\",pid=\""
                                + helpers.get(i).pid() + "\",comm=\"python3\"} 4096\n";
                        assertTrue(text.contains(listener), "no " + listener);
                    }
                    assertEquals(1, value(text, "netdiag_scrape_collector_success{collector=\"sockets\"}"));
                    assertTrue(value(text, "netdiag_scrape_duration_seconds") > 0);
                }
            }
        } finally {
            for (Process p : helpers) {
                p.destroy(); // SIGTERM: the helper exits and its sockets close
            }
            for (Process p : helpers) {
                p.waitFor();
            }
        }
    }

    private static double value(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .orElseThrow(() -> new AssertionError("no " + series));
    }
}
