package io.netdiag.ping;

import io.netdiag.os.IcmpSocket;

/**
 * One received ICMP message with the IP layer taken off: where its ICMP header starts in the bytes
 * (after the IPv4 header on raw IPv4 sockets, at 0 otherwise), its echo fields, and the TTL or hop
 * limit from the header or the control message.
 */
public record IcmpMessage(byte[] data, int offset, EchoCodec.Echo echo, int ttl) {

    /** The message, or null when it is too short or its IPv4 header is not sane. */
    public static IcmpMessage of(IcmpSocket.Received rx) {
        byte[] data = rx.data();
        int offset = 0;
        int ttl = rx.ttl();
        if (rx.withIpHeader()) {
            offset = EchoCodec.ipv4HeaderLength(data);
            if (offset < 0) {
                return null;
            }
            ttl = EchoCodec.ipv4Ttl(data);
        }
        EchoCodec.Echo echo = EchoCodec.echo(data, offset);
        return echo == null ? null : new IcmpMessage(data, offset, echo, ttl);
    }

    /** Whether this is an echo reply that belongs to us: on raw sockets, with our identifier. */
    public boolean isOurReply(IcmpSocket socket, int identifier) {
        int replyType = socket.ipv6() ? EchoCodec.ICMP6_ECHO_REPLY : EchoCodec.ICMP_ECHO_REPLY;
        // raw sockets see every echo reply on the host; datagram sockets only their own
        return echo.type() == replyType && (socket.kind() != IcmpSocket.Kind.RAW || echo.identifier() == identifier);
    }

    /** Whether this is an echo reply at all (ours or not). */
    public boolean isReply(IcmpSocket socket) {
        return echo.type() == (socket.ipv6() ? EchoCodec.ICMP6_ECHO_REPLY : EchoCodec.ICMP_ECHO_REPLY);
    }
}
