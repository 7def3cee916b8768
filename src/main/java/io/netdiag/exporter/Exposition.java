package io.netdiag.exporter;

import java.math.BigDecimal;
import java.util.List;

/**
 * Writes metric families in the Prometheus text format 0.0.4 or in OpenMetrics 1.0.0, and picks one from an
 * HTTP Accept header as the Prometheus client libraries do: OpenMetrics when the header names
 * {@code application/openmetrics-text} anywhere (Prometheus asks for it first), else the text format (what a
 * browser or curl gets).
 *
 * <p>The differences that matter: a counter's {@code # TYPE} line names {@code name_total} in the text format
 * and the bare family name in OpenMetrics, where a {@code _created} sample follows each counter and histogram
 * and {@code # UNIT} lines appear; an info metric is a gauge {@code name_info} in the text format and type
 * {@code info} in OpenMetrics; OpenMetrics ends with {@code # EOF}.
 */
public final class Exposition {
    private Exposition() {
    }

    /** The two text formats, with the Content-Type each is served under. */
    public enum Format {
        PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),
        OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

        private final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }
    }

    /** The format for an Accept header (null: no header). */
    public static Format negotiate(String accept) {
        return accept != null && accept.contains("application/openmetrics-text") ? Format.OPENMETRICS : Format.PROMETHEUS_TEXT;
    }

    public static String write(List<MetricFamily> families, Format format) {
        StringBuilder out = new StringBuilder(4096);
        write(families, format, out);
        return out.toString();
    }

    public static void write(List<MetricFamily> families, Format format, StringBuilder out) {
        boolean om = format == Format.OPENMETRICS;
        for (MetricFamily f : families) {
            if (f.points().isEmpty()) {
                continue; // as the client libraries: a family with nothing to say is left out
            }
            if (om) {
                openMetricsHeader(f, out);
            } else {
                textHeader(f, out);
            }
            for (MetricFamily.Point p : f.points()) {
                switch (p) {
                    case MetricFamily.Value v -> value(f, v, om, out);
                    case MetricFamily.Histogram h -> histogram(f, h, om, out);
                }
            }
        }
        if (om) {
            out.append("# EOF\n");
        }
    }

    private static void textHeader(MetricFamily f, StringBuilder out) {
        String name = switch (f.type()) {
            case COUNTER -> f.name() + "_total";
            case INFO -> f.name() + "_info";
            default -> f.name();
        };
        String type = switch (f.type()) {
            case COUNTER -> "counter";
            case GAUGE, INFO -> "gauge";
            case HISTOGRAM -> "histogram";
        };
        if (f.help() != null && !f.help().isEmpty()) {
            out.append("# HELP ").append(name).append(' ');
            escape(f.help(), false, out);
            out.append('\n');
        }
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void openMetricsHeader(MetricFamily f, StringBuilder out) {
        out.append("# TYPE ").append(f.name()).append(' ').append(f.type().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        if (f.unit() != null) {
            out.append("# UNIT ").append(f.name()).append(' ').append(f.unit()).append('\n');
        }
        if (f.help() != null && !f.help().isEmpty()) {
            out.append("# HELP ").append(f.name()).append(' ');
            escape(f.help(), true, out);
            out.append('\n');
        }
    }

    private static void value(MetricFamily f, MetricFamily.Value v, boolean om, StringBuilder out) {
        switch (f.type()) {
            case COUNTER -> {
                sample(f.name() + "_total", v.labels(), null, null, out).append(number(v.value())).append('\n');
                if (om && !Double.isNaN(v.createdSeconds())) {
                    sample(f.name() + "_created", v.labels(), null, null, out).append(number(v.createdSeconds())).append('\n');
                }
            }
            case INFO -> sample(f.name() + "_info", v.labels(), null, null, out).append("1\n");
            default -> sample(f.name(), v.labels(), null, null, out).append(number(v.value())).append('\n');
        }
    }

    private static void histogram(MetricFamily f, MetricFamily.Histogram h, boolean om, StringBuilder out) {
        long cumulative = 0;
        double[] bounds = h.bounds();
        long[] counts = h.counts();
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i];
            String le = i < bounds.length ? bound(bounds[i]) : "+Inf";
            sample(f.name() + "_bucket", h.labels(), "le", le, out).append(cumulative).append('\n');
        }
        sample(f.name() + "_count", h.labels(), null, null, out).append(cumulative).append('\n');
        sample(f.name() + "_sum", h.labels(), null, null, out).append(number(h.sum())).append('\n');
        if (om && !Double.isNaN(h.createdSeconds())) {
            sample(f.name() + "_created", h.labels(), null, null, out).append(number(h.createdSeconds())).append('\n');
        }
    }

    private static StringBuilder sample(String name, List<MetricFamily.Label> labels, String extraName, String extraValue,
                                        StringBuilder out) {
        out.append(name);
        if (!labels.isEmpty() || extraName != null) {
            out.append('{');
            boolean first = true;
            for (MetricFamily.Label l : labels) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(l.name()).append("=\"");
                escape(l.value(), true, out);
                out.append('"');
            }
            if (extraName != null) {
                if (!first) {
                    out.append(',');
                }
                out.append(extraName).append("=\"").append(extraValue).append('"');
            }
            out.append('}');
        }
        return out.append(' ');
    }

    /** Backslash and newline always; the double quote in label values (and in OpenMetrics help text too). */
    static void escape(String s, boolean quote, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quote ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }

    /**
     * A sample value: integers without a fraction, others in plain decimal with the digits of Java's shortest
     * form (a Unix time as {@code 1796303998.698}, not {@code 1.796303998698E9}), and the three specials.
     */
    static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        double magnitude = Math.abs(d);
        return magnitude >= 1e-9 && magnitude < 1e15 ? BigDecimal.valueOf(d).toPlainString() : Double.toString(d);
    }

    /** A bucket bound in plain decimal ({@code 0.00005}, not {@code 5.0E-5}), the same text at every scrape. */
    static String bound(double d) {
        String plain = BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }
}
