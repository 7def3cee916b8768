package io.netdiag.exporter;

import java.util.ArrayList;
import java.util.List;

/**
 * One metric family as both text formats describe it: its name without the sample suffixes ({@code _total}
 * of a counter, {@code _info} of an info metric, {@code _bucket}/{@code _count}/{@code _sum} of a histogram),
 * type, help, unit and data points. {@link Exposition} writes it.
 *
 * @param unit the unit the name ends with (seconds, bytes), or null
 */
public record MetricFamily(String name, Type type, String help, String unit, List<Point> points) {
    public MetricFamily {
        points = List.copyOf(points);
        if (type == Type.COUNTER && name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter family is named without _total: " + name);
        }
        if (unit != null && !name.endsWith("_" + unit)) {
            throw new IllegalArgumentException(name + " does not end with its unit " + unit);
        }
    }

    /** The metric types netdiag exposes. */
    public enum Type { COUNTER, GAUGE, HISTOGRAM, INFO }

    /** One label pair. */
    public record Label(String name, String value) {
    }

    /** One data point: its labels and values. */
    public sealed interface Point {
        List<Label> labels();
    }

    /**
     * A counter, gauge or info value.
     *
     * @param createdSeconds when a counter started counting (Unix seconds), NaN when not known or not a counter
     */
    public record Value(List<Label> labels, double value, double createdSeconds) implements Point {
        public Value {
            labels = List.copyOf(labels);
        }

        public Value(List<Label> labels, double value) {
            this(labels, value, Double.NaN);
        }
    }

    /**
     * A histogram: {@code counts[i]} observations fell in bucket i (not cumulative), the last bucket being +Inf.
     *
     * @param bounds upper bounds of the finite buckets, ascending; {@code counts} has one more entry
     */
    public record Histogram(List<Label> labels, double[] bounds, long[] counts, double sum, double createdSeconds)
            implements Point {
        public Histogram {
            labels = List.copyOf(labels);
            bounds = bounds.clone();
            counts = counts.clone();
            if (counts.length != bounds.length + 1) {
                throw new IllegalArgumentException("counts need one entry per bound and one for +Inf");
            }
        }

        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }
    }

    /** Labels from name, value pairs. */
    public static List<Label> labels(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("label names and values come in pairs");
        }
        List<Label> out = new ArrayList<>(pairs.length / 2);
        for (int i = 0; i < pairs.length; i += 2) {
            out.add(new Label(pairs[i], pairs[i + 1] == null ? "" : pairs[i + 1]));
        }
        return out;
    }
}
