package io.netdiag.diagnose;

import java.util.List;

/**
 * A whole diagnosis of HOST:PORT: the target, the addresses in the order a client tries them, the checks run
 * and the verdict.
 *
 * @param target            what was diagnosed
 * @param addresses         resolved addresses, as text, in getaddrinfo's order
 * @param steps             the checks, in the order they ran
 * @param verdict           the answer
 * @param missingPrivilege  a check could not run for lack of a privilege (raw ICMP, firewall rules), and no cause
 *                          was found without it
 */
public record Diagnosis(Target target, List<String> addresses, List<Step> steps, Verdict verdict, boolean missingPrivilege) {
    public Diagnosis {
        addresses = List.copyOf(addresses);
        steps = List.copyOf(steps);
    }

    /** 0 when it works, 1 when a cause was found, 3 when a privilege was missing and no cause was found. */
    public int exitCode() {
        if (verdict.works()) {
            return 0;
        }
        return verdict.cause().equals("undetermined") && missingPrivilege ? 3 : 1;
    }
}
