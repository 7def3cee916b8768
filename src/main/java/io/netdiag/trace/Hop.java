package io.netdiag.trace;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one TTL has collected so far: counters, RTTs, who answered and how. Mutable; the run's thread only. */
final class Hop {
    final int ttl;
    int sent;
    int received;
    final List<Double> rtts = new ArrayList<>();
    final Map<InetAddress, Integer> addresses = new LinkedHashMap<>();
    final Map<Answer, Integer> answers = new EnumMap<>(Answer.class);
    int lastType = -1;
    int lastCode = -1;
    long lastInfo;
    InetAddress rejectedBy;
    int mtu = -1;

    Hop(int ttl) {
        this.ttl = ttl;
    }

    void lost() {
        sent++;
    }

    void answered(InetAddress from, Answer answer, double rttMs, int type, int code, long info, int size) {
        sent++;
        received++;
        rtts.add(rttMs);
        if (from != null) {
            addresses.merge(from, 1, Integer::sum);
        }
        answers.merge(answer, 1, Integer::sum);
        if (answer == Answer.REJECTED || answer == Answer.CLOSED) {
            lastType = type;
            lastCode = code;
            lastInfo = info;
            rejectedBy = from;
        }
        mtu = Math.max(mtu, size);
    }

    /** The address that answered most, or null. */
    InetAddress address() {
        InetAddress best = null;
        int most = 0;
        for (Map.Entry<InetAddress, Integer> e : addresses.entrySet()) {
            if (e.getValue() > most) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }

    /** The answer given most, a final one (reply, closed, rejected) winning over time exceeded; LOST when none. */
    Answer answer() {
        for (Answer a : List.of(Answer.REJECTED, Answer.CLOSED, Answer.REPLY)) {
            if (answers.getOrDefault(a, 0) > 0) {
                return a;
            }
        }
        return answers.getOrDefault(Answer.TIME_EXCEEDED, 0) > 0 ? Answer.TIME_EXCEEDED : Answer.LOST;
    }

    double lossPercent() {
        return sent == 0 ? 0 : 100.0 * (sent - received) / sent;
    }

    HopStats.Rtt rtt() {
        if (rtts.isEmpty()) {
            return null;
        }
        double min = Double.MAX_VALUE;
        double max = 0;
        double sum = 0;
        for (double r : rtts) {
            min = Math.min(min, r);
            max = Math.max(max, r);
            sum += r;
        }
        double avg = sum / rtts.size();
        double var = 0;
        for (double r : rtts) {
            var += (r - avg) * (r - avg);
        }
        return new HopStats.Rtt(rtts.getLast(), min, avg, max, Math.sqrt(var / rtts.size()));
    }
}
