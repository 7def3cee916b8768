package io.netdiag.diagnose;

import java.util.List;

/**
 * The answer of a diagnosis.
 *
 * @param cause    a stable id: ok, slow, dns-nxdomain, dns-failure, no-route, host-unreachable, refused,
 *                 listening-elsewhere, wrong-family, filtered, firewall-reject, accept-queue-full,
 *                 reset-after-connect, closed-after-connect, undetermined
 * @param category the classifier's category of the error the client got (null when it works)
 * @param text     one plain sentence that names the host, hop, process or rule to blame
 * @param next     commands to run next
 */
public record Verdict(String cause, String category, String text, List<String> next) {
    public Verdict {
        next = List.copyOf(next);
    }

    /** True for the causes under which the connection works (ok, slow). */
    public boolean works() {
        return cause.equals("ok") || cause.equals("slow");
    }
}
