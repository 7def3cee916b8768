package io.netdiag.exporter;

import java.util.List;
import java.util.Map;

/**
 * What one run of a probe found.
 *
 * @param success         at least one probe was answered as a working service answers (an echo reply, a completed
 *                        handshake, a UDP reply), as ping's exit status
 * @param durationSeconds the run's wall time, resolution included
 * @param sent            probes sent
 * @param received        answers that count as success
 * @param rttSeconds      the round-trip time of each answer
 * @param failures        the classifier's category id of each failure, with how many probes it hit
 * @param detail          the first failure in words, for /probe's debug output; null when none
 */
public record ProbeOutcome(boolean success, double durationSeconds, long sent, long received, List<Double> rttSeconds,
                           Map<String, Long> failures, String detail) {
    public ProbeOutcome {
        rttSeconds = List.copyOf(rttSeconds);
        failures = Map.copyOf(failures);
    }
}
