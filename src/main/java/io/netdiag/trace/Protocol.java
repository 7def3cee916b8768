package io.netdiag.trace;

/** What a trace probes with: ICMP echo (the default), UDP to a port, or TCP SYN to a port. */
public enum Protocol {
    ICMP, UDP, TCP;

    /** How text names it: {@code ICMP}, {@code UDP}, {@code TCP}. */
    public String label() {
        return name();
    }
}
