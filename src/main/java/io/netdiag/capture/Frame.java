package io.netdiag.capture;

/**
 * One captured frame as libpcap hands it over: its number in the run, when it was seen, how much of it
 * was kept and how long it was on the wire.
 */
public record Frame(long number, long epochNanos, int capturedLength, int originalLength, byte[] data) {
}
