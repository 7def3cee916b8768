package io.netdiag.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Case-specific advice: the same errno means different things for different calls. EACCES on an ICMP datagram
 * socket is {@code net.ipv4.ping_group_range}, not a file mode; EPERM on a raw socket is a missing CAP_NET_RAW.
 * The operation text comes from {@link io.netdiag.os.ErrnoException#operation()}.
 */
final class Advice {
    private static final LazyPattern PORT = new LazyPattern(":(\\d{1,5})\\b");

    private Advice() {
    }

    static Explanation forOperation(Explanation e, String operation) {
        if (operation == null || operation.isEmpty()) {
            return e;
        }
        String symbol = e.symbol();
        boolean denied = symbol.equals("EACCES") || symbol.equals("EPERM");
        boolean icmp = operation.contains("IPPROTO_ICMP");
        if (denied && icmp && operation.contains("SOCK_DGRAM")) {
            return first(e, "The kernel refused an unprivileged ICMP (ping) socket: the process's group is outside "
                            + "net.ipv4.ping_group_range (\"1 0\", the default on many systems, allows no group at all). "
                            + "Root does not bypass this check; iputils ping then falls back to a raw socket.",
                    List.of("net.ipv4.ping_group_range excludes this group (cat /proc/sys/net/ipv4/ping_group_range)"),
                    List.of("sysctl -w net.ipv4.ping_group_range=\"0 2147483647\" (allows ping sockets for every group; "
                                    + "persist it in /etc/sysctl.d/)",
                            "run as root or with CAP_NET_RAW: netdiag ping then uses a raw socket",
                            "netdiag ping --tcp PORT HOST needs no privilege",
                            "netdiag doctor (which ICMP socket kinds open here)"));
        }
        // iputils ping says "ping: socket: Operation not permitted" when it may open neither socket kind.
        if (denied && (operation.contains("SOCK_RAW") || operation.contains("ping: socket:"))) {
            return first(e, "Raw sockets need root or CAP_NET_RAW; this process has neither.",
                    List.of("running as an unprivileged user, or in a container without CAP_NET_RAW"),
                    List.of("run as root, or grant CAP_NET_RAW to a dedicated runtime: setcap cap_net_raw+ep /path/to/runtime/bin/java",
                            "netdiag ping --tcp PORT HOST needs no privilege",
                            "netdiag doctor (what this user may open)"));
        }
        if (symbol.equals("EACCES") && operation.startsWith("bind")) {
            Matcher m = PORT.matcher(operation);
            if (m.find() && Integer.parseInt(m.group(1)) < 1024) {
                return Classifier.withAddress(first(e, "Ports below 1024 are privileged: binding one needs root or "
                                + "CAP_NET_BIND_SERVICE (net.ipv4.ip_unprivileged_port_start sets the limit).",
                        List.of(Concat.of("an unprivileged process binding port ", m.group(1))),
                        List.of("use a port above 1023, or setcap cap_net_bind_service+ep on the runtime")), operation);
            }
        }
        if (symbol.equals("EADDRINUSE")) {
            Matcher m = PORT.matcher(operation);
            if (m.find()) {
                List<String> steps = new ArrayList<>();
                steps.add(Concat.of("netdiag sockets -l --port ", m.group(1), " (who holds the port, with the owning process)"));
                for (String step : e.nextSteps()) {
                    if (!step.startsWith("netdiag sockets -l")) {
                        steps.add(step);
                    }
                }
                return Classifier.withAddress(e.withAdvice(e.explanation(), e.causes(), steps), operation);
            }
        }
        return Classifier.withAddress(e, operation);
    }

    /** Puts the case-specific text first and keeps the general advice after it. */
    private static Explanation first(Explanation e, String text, List<String> causes, List<String> steps) {
        List<String> allCauses = new ArrayList<>(causes);
        allCauses.addAll(e.causes());
        List<String> allSteps = new ArrayList<>(steps);
        for (String step : e.nextSteps()) {
            if (!allSteps.contains(step)) {
                allSteps.add(step);
            }
        }
        return e.withAdvice(Concat.of(text, " ", e.explanation()), allCauses, allSteps);
    }
}
