package io.netdiag.diagnose;

/**
 * What the trace step found.
 *
 * @param status        the step's status
 * @param detail        the hops, in one line
 * @param lastAnswering the last hop that answered the port's probes ("10.72.1.1 (hop 2)"), or null
 */
record Hops(String status, String detail, String lastAnswering) {
}
