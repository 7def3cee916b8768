package io.netdiag.exporter;

import java.util.List;

/**
 * A round-trip-time histogram with smokeping_prober's buckets: 20 of them from 50 µs, each twice the one
 * before (the last finite bound is about 26 s), so that loopback's tens of microseconds and a distant
 * host's hundreds of milliseconds both land in buckets of their own.
 */
public final class RttHistogram {
    /** The finite upper bounds, in seconds. */
    public static final double[] BOUNDS = bounds(50e-6, 2, 20);

    private final long[] counts = new long[BOUNDS.length + 1];
    private double sum;

    static double[] bounds(double start, double factor, int n) {
        double[] b = new double[n];
        double v = start;
        for (int i = 0; i < n; i++) {
            b[i] = v;
            v *= factor;
        }
        return b;
    }

    public synchronized void observe(double seconds) {
        int i = 0;
        while (i < BOUNDS.length && seconds > BOUNDS[i]) {
            i++;
        }
        counts[i]++;
        sum += seconds;
    }

    public synchronized MetricFamily.Histogram point(List<MetricFamily.Label> labels, double createdSeconds) {
        return new MetricFamily.Histogram(labels, BOUNDS, counts, sum, createdSeconds);
    }
}
