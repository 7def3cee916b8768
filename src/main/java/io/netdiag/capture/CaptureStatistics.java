package io.netdiag.capture;

/**
 * tcpdump's exit statistics: packets netdiag handled, and what the kernel reports (null when reading a file).
 * On Linux {@code lo} the kernel counts each packet twice (the outgoing and the looped-back copy), so
 * {@code receivedByFilter} is about twice {@code captured} there.
 */
public record CaptureStatistics(long captured, Long receivedByFilter, Long droppedByKernel, Long droppedByInterface,
                                String linkType, String warning) {
}
