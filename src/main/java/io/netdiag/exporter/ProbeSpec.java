package io.netdiag.exporter;

import io.netdiag.explain.NetdiagException;

import java.util.Locale;

/**
 * One probe: a module (tcp, udp, icmp, trace) and its target ({@code HOST} for icmp and trace, {@code HOST:PORT}
 * for tcp and udp; IPv6 as {@code [ADDR]:PORT}).
 *
 * @param host          the host part as written
 * @param port          the port, 0 for icmp and trace
 * @param intervalMillis scheduled probes: time between starts
 * @param timeoutMillis how long one probe waits for its answer
 */
public record ProbeSpec(Module module, String target, String host, int port, long intervalMillis, long timeoutMillis) {

    /** The probe kinds; the label value is the lower-case name. */
    public enum Module {
        TCP, UDP, ICMP, TRACE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Module parse(String text) {
            for (Module m : values()) {
                if (m.label().equals(text)) {
                    return m;
                }
            }
            throw NetdiagException.badInput("unknown module '" + text + "' (tcp, udp, icmp or trace)");
        }

        boolean needsPort() {
            return this == TCP || this == UDP;
        }
    }

    /** A probe of {@code target} by {@code module}; throws a bad-input error naming what is wrong. */
    public static ProbeSpec of(Module module, String target, long intervalMillis, long timeoutMillis) {
        if (target == null || target.isBlank()) {
            throw NetdiagException.badInput("a " + module.label() + " probe needs a target");
        }
        String host = target;
        int port = 0;
        // a trace takes HOST (ICMP) or HOST:PORT (TCP or UDP)
        boolean hasPort = module.needsPort() || (module == Module.TRACE
                && (target.startsWith("[") ? target.contains("]:") : target.indexOf(':') > 0 && target.indexOf(':') == target.lastIndexOf(':')));
        if (hasPort) {
            int colon = target.lastIndexOf(':');
            if (colon <= 0 || (target.indexOf(':') != colon && !target.startsWith("["))) {
                throw NetdiagException.badInput("target '" + target + "' of a " + module.label()
                        + " probe needs HOST:PORT ([ADDRESS]:PORT for IPv6)");
            }
            host = target.substring(0, colon);
            try {
                port = Integer.parseInt(target.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw NetdiagException.badInput("target '" + target + "': the port must be 1-65535");
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw NetdiagException.badInput("target '" + target + "' has no host");
        }
        return new ProbeSpec(module, target, host, port, intervalMillis, timeoutMillis);
    }
}
