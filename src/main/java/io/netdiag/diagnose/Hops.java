package io.netdiag.diagnose;

/**
 * What the trace step found.
 *
 * @param status           the step's status
 * @param detail           the hops and the trace engine's verdict, in one line
 * @param lastAnswering    the last hop that answered the port's probes, or whose ICMP error ended them
 *                         ("hop 2 (10.72.1.1)"), or null
 * @param missingPrivilege the trace could not run for lack of raw sockets
 * @param comparison       how far the engine's ICMP comparison got ("by icmp the destination answers"), or null
 */
record Hops(String status, String detail, String lastAnswering, boolean missingPrivilege, String comparison) {
    Hops(String status, String detail, String lastAnswering, boolean missingPrivilege) {
        this(status, detail, lastAnswering, missingPrivilege, null);
    }
}
