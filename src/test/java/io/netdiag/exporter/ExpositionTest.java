package io.netdiag.exporter;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two text formats, written exactly, and the Accept-header choice between them. */
class ExpositionTest {
    private static final List<MetricFamily> FAMILIES = List.of(
            new MetricFamily("demo_sent", MetricFamily.Type.COUNTER, "Probes sent.", null,
                    List.of(new MetricFamily.Value(MetricFamily.labels("target", "a"), 3, 1700000000.5))),
            new MetricFamily("demo_queue_bytes", MetricFamily.Type.GAUGE, "Bytes.", "bytes",
                    List.of(new MetricFamily.Value(MetricFamily.labels("local", "[::1]:80"), 1024))),
            new MetricFamily("demo_empty", MetricFamily.Type.GAUGE, "Left out.", null, List.of()),
            new MetricFamily("demo_build", MetricFamily.Type.INFO, "Build.", null,
                    List.of(new MetricFamily.Value(MetricFamily.labels("version", "1.0"), 1))),
            new MetricFamily("demo_rtt_seconds", MetricFamily.Type.HISTOGRAM, "RTT.", "seconds",
                    List.of(new MetricFamily.Histogram(List.of(), new double[] {0.00005, 0.0001}, new long[] {1, 2, 3},
                            0.25, 1700000000))));

    @Test
    void prometheusTextFormat() {
        assertEquals("""
                # HELP demo_sent_total Probes sent.
                # TYPE demo_sent_total counter
                demo_sent_total{target="a"} 3
                # HELP demo_queue_bytes Bytes.
                # TYPE demo_queue_bytes gauge
                demo_queue_bytes{local="[::1]:80"} 1024
                # HELP demo_build_info Build.
                # TYPE demo_build_info gauge
                demo_build_info{version="1.0"} 1
                # HELP demo_rtt_seconds RTT.
                # TYPE demo_rtt_seconds histogram
                demo_rtt_seconds_bucket{le="0.00005"} 1
                demo_rtt_seconds_bucket{le="0.0001"} 3
                demo_rtt_seconds_bucket{le="+Inf"} 6
                demo_rtt_seconds_count 6
                demo_rtt_seconds_sum 0.25
                """, Exposition.write(FAMILIES, Exposition.Format.PROMETHEUS_TEXT));
    }

    @Test
    void openMetricsNamesFamiliesWithoutSuffixesAddsCreatedAndUnitAndEndsWithEof() {
        assertEquals("""
                # TYPE demo_sent counter
                # HELP demo_sent Probes sent.
                demo_sent_total{target="a"} 3
                demo_sent_created{target="a"} 1700000000.5
                # TYPE demo_queue_bytes gauge
                # UNIT demo_queue_bytes bytes
                # HELP demo_queue_bytes Bytes.
                demo_queue_bytes{local="[::1]:80"} 1024
                # TYPE demo_build info
                # HELP demo_build Build.
                demo_build_info{version="1.0"} 1
                # TYPE demo_rtt_seconds histogram
                # UNIT demo_rtt_seconds seconds
                # HELP demo_rtt_seconds RTT.
                demo_rtt_seconds_bucket{le="0.00005"} 1
                demo_rtt_seconds_bucket{le="0.0001"} 3
                demo_rtt_seconds_bucket{le="+Inf"} 6
                demo_rtt_seconds_count 6
                demo_rtt_seconds_sum 0.25
                demo_rtt_seconds_created 1700000000
                # EOF
                """, Exposition.write(FAMILIES, Exposition.Format.OPENMETRICS));
    }

    @Test
    void negotiatesAsTheClientLibraries() {
        // what Prometheus 2.42 sends (scrape.go's acceptHeader)
        assertEquals(Exposition.Format.OPENMETRICS, Exposition.negotiate(
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
        assertEquals(Exposition.Format.OPENMETRICS, Exposition.negotiate("application/openmetrics-text"));
        assertEquals(Exposition.Format.PROMETHEUS_TEXT, Exposition.negotiate("text/plain;version=0.0.4"));
        assertEquals(Exposition.Format.PROMETHEUS_TEXT, Exposition.negotiate("*/*"));
        assertEquals(Exposition.Format.PROMETHEUS_TEXT, Exposition.negotiate(null));
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", Exposition.Format.OPENMETRICS.contentType());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", Exposition.Format.PROMETHEUS_TEXT.contentType());
    }

    @Test
    void escapesLabelValuesAndHelp() {
        MetricFamily f = new MetricFamily("demo", MetricFamily.Type.GAUGE, "a \\ b\nc \"q\"", null,
                List.of(new MetricFamily.Value(MetricFamily.labels("comm", "we\"ird\\na\nme"), 1)));
        assertEquals("""
                # HELP demo a \\\\ b\\nc "q"
                # TYPE demo gauge
                demo{comm="we\\"ird\\\\na\\nme"} 1
                """, Exposition.write(List.of(f), Exposition.Format.PROMETHEUS_TEXT));
        assertTrue(Exposition.write(List.of(f), Exposition.Format.OPENMETRICS).contains("# HELP demo a \\\\ b\\nc \\\"q\\\"\n"));
    }

    @Test
    void numbersArePlain() {
        assertEquals("1796303998.698", Exposition.number(1796303998.698));
        assertEquals("0.000167", Exposition.number(0.000167));
        assertEquals("-3", Exposition.number(-3));
        assertEquals("+Inf", Exposition.number(Double.POSITIVE_INFINITY));
        assertEquals("NaN", Exposition.number(Double.NaN));
    }

    @Test
    void rttBucketsStartAt50MicrosecondsAndDouble() {
        double[] b = RttHistogram.BOUNDS;
        assertEquals(20, b.length);
        assertEquals(50e-6, b[0], 1e-12);
        for (int i = 1; i < b.length; i++) {
            assertEquals(b[i - 1] * 2, b[i], 1e-12);
        }
        RttHistogram h = new RttHistogram();
        h.observe(50e-6);   // bounds are inclusive (le)
        h.observe(51e-6);
        h.observe(0.3);
        h.observe(100);     // beyond the last bound: +Inf only
        long[] counts = h.point(List.of(), Double.NaN).counts();
        assertEquals(1, counts[0]);
        assertEquals(1, counts[1]);
        assertEquals(1, counts[13]); // 0.2048 < 0.3 <= 0.4096
        assertEquals(1, counts[20]);
        String text = Exposition.write(List.of(new MetricFamily("x_seconds", MetricFamily.Type.HISTOGRAM, "h", "seconds",
                List.of(h.point(List.of(), Double.NaN)))), Exposition.Format.PROMETHEUS_TEXT);
        assertTrue(text.contains("x_seconds_bucket{le=\"0.00005\"} 1\n"), text);
        assertTrue(text.contains("x_seconds_bucket{le=\"26.2144\"} 3\n"), text);
        assertTrue(text.contains("x_seconds_bucket{le=\"+Inf\"} 4\n"), text);
    }

    @Test
    void familiesFollowTheNamingRules() {
        assertThrows(IllegalArgumentException.class,
                () -> new MetricFamily("x_total", MetricFamily.Type.COUNTER, "", null, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new MetricFamily("x_duration", MetricFamily.Type.GAUGE, "", "seconds", List.of()));
    }
}
