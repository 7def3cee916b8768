package io.netdiag.ping;

/**
 * The counters and round-trip sums of one ping run, kept the way iputils keeps them (microsecond
 * integers, the same rounding, the same "pipe" and smoothed RTT) so that the summary prints the same
 * numbers from the same replies. Not thread-safe.
 */
public final class EchoStatistics {
    private static final int SEQUENCES = 0x10000;

    long transmitted;
    long received;
    long duplicates;
    long errors;
    private long tsum;
    private double tsum2;
    private long tmin = Long.MAX_VALUE;
    private long tmax;
    private long ewma8; // iputils' rts->rtt: 8 times the smoothed RTT
    private int pipe = -1;
    private int acked;
    private final java.util.BitSet answered = new java.util.BitSet(SEQUENCES);

    /** Counts a sent probe; returns its 16-bit sequence number. */
    int sent() {
        transmitted++;
        int seq = (int) (transmitted & 0xffff);
        answered.clear(seq);
        if (((int) transmitted - acked & 0xffff) > 0x7fff) {
            acked = (int) (transmitted + 1) & 0xffff;
        }
        return seq;
    }

    /** Marks a probe as answered (reply or error), tracking the largest number in flight. */
    void acknowledge(int seq) {
        int diff = ((int) transmitted - seq) & 0xffff;
        if (diff <= 0x7fff) {
            pipe = Math.max(pipe, diff + 1);
            if ((short) (seq - acked) > 0 || (((int) transmitted - acked) & 0xffff) > 0x7fff) {
                acked = seq;
            }
        }
    }

    /** Probes sent and neither answered nor failed. */
    int inFlight() {
        int diff = ((int) transmitted - acked) & 0xffff;
        return diff <= 0x7fff ? diff : (int) (transmitted - received - errors);
    }

    boolean answered(int seq) {
        return answered.get(seq & 0xffff);
    }

    /** Records a reply; returns true when it is a duplicate. {@code rttMicros} is -1 without timing. */
    boolean reply(int seq, long rttMicros) {
        acknowledge(seq);
        if (rttMicros >= 0) {
            tsum += rttMicros;
            tsum2 += (double) (rttMicros * rttMicros);
            tmin = Math.min(tmin, rttMicros);
            tmax = Math.max(tmax, rttMicros);
            ewma8 = ewma8 == 0 ? rttMicros * 8 : ewma8 + rttMicros - ewma8 / 8;
        }
        if (answered.get(seq)) {
            duplicates++;
            return true;
        }
        answered.set(seq);
        received++;
        return false;
    }

    void error(int seq) {
        acknowledge(seq);
        errors++;
    }

    void localError() {
        errors++;
    }

    long maxRttMicros() {
        return tmax;
    }

    /** min/avg/max/mdev as iputils computes them (integer microseconds, population deviation), or null. */
    PingSummary.Rtt rtt() {
        if (received == 0 || tmin == Long.MAX_VALUE) {
            return null;
        }
        long total = received + duplicates;
        long avg = tsum / total;
        long variance;
        if (tsum < Integer.MAX_VALUE) {
            // iputils' order of operations, which avoids rounding errors for small times
            variance = (long) ((tsum2 - (double) ((tsum * tsum) / total)) / total);
        } else {
            variance = (long) (tsum2 / total) - avg * avg;
        }
        return new PingSummary.Rtt(tmin, avg, tmax, integerSqrt(variance), ewma8 / 8);
    }

    int pipe() {
        return pipe;
    }

    /** Newton's integer square root, as iputils' llsqrt. */
    static long integerSqrt(long a) {
        long prev = Long.MAX_VALUE;
        long x = a;
        if (x > 0) {
            while (x < prev) {
                prev = x;
                x = (x + a / x) / 2;
            }
        }
        return x;
    }

    /** The packet loss as iputils computes it: a float percentage. */
    float lossPercent() {
        return transmitted == 0 ? 0f : (float) ((transmitted - received) * 100.0 / transmitted);
    }
}
