package io.netdiag.trace;

import io.netdiag.explain.Category;

import java.net.InetAddress;

/**
 * What the trace found, in one sentence and one next step.
 *
 * @param kind     what happened to the probes
 * @param ttl      the hop it concerns, or null when none
 * @param address  that hop's address, or null
 * @param category the classifier's category (timeout, refused, permission, unreachable, ...)
 * @param text     the finding, naming the hop
 * @param next     what to try next
 */
public record Verdict(Kind kind, Integer ttl, InetAddress address, Category category, String text, String next) {

    /** The verdict kinds; in JSON the lower-case names with dashes ({@code port-closed}). */
    public enum Kind {
        /** The destination answered as an open service. */
        REACHED,
        /** The destination itself answered that the port is closed (RST, port unreachable). */
        PORT_CLOSED,
        /** The probes stop after a hop while other traffic (ICMP, or UDP for ICMP traces) goes further. */
        BLOCKED,
        /** A router or the destination answered with an ICMP error: unreachable, administratively prohibited. */
        REJECTED,
        /** Loss that starts at one hop and persists to the destination. */
        FORWARDING_LOSS,
        /** The path ends after a hop for every kind of probe. */
        UNREACHABLE,
        /** This host has no route to the destination. */
        NO_ROUTE;

        /** The JSON and text id: {@code port-closed}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
