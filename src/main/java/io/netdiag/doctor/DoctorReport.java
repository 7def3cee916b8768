package io.netdiag.doctor;

import java.util.List;

/** Everything {@code netdiag doctor} found; usable when nothing is missing. */
public record DoctorReport(List<Check> checks) {
    public DoctorReport {
        checks = List.copyOf(checks);
    }

    public boolean usable() {
        return checks.stream().noneMatch(c -> c.status() == Check.Status.MISSING);
    }
}
