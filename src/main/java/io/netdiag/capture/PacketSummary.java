package io.netdiag.capture;

import java.util.List;

/**
 * One packet as netdiag summarises it: tshark's columns (number, time, source, destination, protocol,
 * length, info) plus the decoded fields that conversations and {@code --json} use.
 *
 * @param epochNanos capture time since the epoch, in nanoseconds
 * @param relativeNanos time since the first packet of the run
 * @param transport "tcp", "udp", "icmp", "icmpv6", "arp" or null
 * @param analysis TCP analysis flags as tshark prints them between brackets
 * @param problem null, "malformed" or "truncated"
 * @param bytes the bytes captured of the frame (for -x)
 * @param sources reassembled or de-chunked data completed in this packet (kept only when asked for)
 */
public record PacketSummary(long number, long epochNanos, long relativeNanos, String source, String destination,
                            String protocol, int length, int capturedLength, String info, String transport,
                            String sourceAddress, String destinationAddress, int sourcePort, int destinationPort,
                            Tcp tcp, Icmp icmp, List<String> analysis, String problem, byte[] bytes,
                            List<Source> sources) {

    /** Data a packet's dissection produced besides the frame, as tshark -x prints it ("Reassembled TCP"). */
    public record Source(String name, byte[] bytes) {
    }

    /** The TCP fields of a segment, with Wireshark's relative sequence numbers and scaled window. */
    public record Tcp(String flags, long seq, Long ack, long window, int payloadLength, boolean syn, boolean fin,
                      boolean rst, long stream) {
    }

    /** An ICMP or ICMPv6 message; for errors, the datagram it quotes. */
    public record Icmp(int type, int code, String quotedProtocol, String quotedSource, String quotedDestination,
                       int quotedSourcePort, int quotedDestinationPort) {
    }
}
