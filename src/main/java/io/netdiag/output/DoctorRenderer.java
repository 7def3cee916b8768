package io.netdiag.output;

import io.netdiag.doctor.Check;
import io.netdiag.doctor.DoctorReport;

/** Renders {@code netdiag doctor}'s report as a table, fixes underneath. */
public final class DoctorRenderer {
    private DoctorRenderer() {
    }

    public static String text(DoctorReport report) {
        Table table = new Table("CHECK", "STATUS", "DETAIL");
        for (Check c : report.checks()) {
            table.row(c.name(), c.status().name().toLowerCase(java.util.Locale.ROOT), c.detail());
        }
        StringBuilder out = new StringBuilder(table.render());
        boolean first = true;
        for (Check c : report.checks()) {
            if (c.fix() != null) {
                if (first) {
                    out.append("\nTo fix:\n");
                    first = false;
                }
                out.append("  ").append(c.name()).append(": ").append(c.fix()).append('\n');
            }
        }
        out.append(report.usable() ? "\nnetdiag can run everything it needs here.\n"
                : "\nSome features are unavailable until the items above are fixed.\n");
        return out.toString();
    }
}
