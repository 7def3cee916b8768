package io.netdiag.ping;

import java.net.InetAddress;

/** One line-worthy thing that happened during a ping run, in the order it happened. */
public sealed interface PingEvent {
    /** The target as the user wrote it. */
    String target();

    /** Wall-clock time of the event, microseconds since the epoch (printed by -D). */
    long epochMicros();

    /**
     * The run starts: what iputils prints in its {@code PING ...} header (and the {@code PATTERN:} line before it).
     *
     * @param source  -I: the address probes leave from, or null without -I
     * @param device  -I: the device probes are tied to, or null
     * @param pattern -p: the pattern's bytes in hex as iputils prints them (without 0x), or null
     * @param broadcast -b made way to a broadcast address ("WARNING: pinging broadcast address")
     */
    record Start(String target, long epochMicros, InetAddress address, String addressLabel, boolean ipv6, int dataLength,
                 String probe, String socketKind, InetAddress source, String device, String pattern, boolean broadcast)
            implements PingEvent {

        /** A start without -I and -p, to an address of one host. */
        public Start(String target, long epochMicros, InetAddress address, String addressLabel, boolean ipv6, int dataLength,
                     String probe, String socketKind) {
            this(target, epochMicros, address, addressLabel, ipv6, dataLength, probe, socketKind, null, null, null, false);
        }

        /**
         * Whether several hosts may answer each probe: a broadcast address (-b) or a multicast one. iputils then marks no
         * reply (DUP!) (unless -v), though it counts the later ones as duplicates.
         */
        public boolean groupAddress() {
            return broadcast || address != null && address.isMulticastAddress();
        }
    }

    /**
     * A reply whose data differs from what we sent (after the timestamp), reported after its reply line as
     * iputils does ({@code wrong data byte #N should be 0xX but was 0xY}, then the data from byte 16).
     *
     * @param index    the first differing data byte
     * @param data     the reply's data bytes from byte 16 on
     */
    record WrongData(String target, long epochMicros, int sequence, int index, int expected, int actual, byte[] data)
            implements PingEvent {
    }

    /** A probe left. */
    record Sent(String target, long epochMicros, int sequence) implements PingEvent {
    }

    /**
     * A reply to one of our probes.
     *
     * @param bytes     ICMP bytes received (header and data), as iputils counts them
     * @param fromLabel the sender as printed: the address, or "name (address)"
     * @param ttl       TTL or hop limit, -1 when unknown
     * @param rttMicros -1 without timing (data shorter than a timestamp)
     * @param truncated fewer bytes than we sent
     */
    record Reply(String target, long epochMicros, int bytes, InetAddress from, String fromLabel, int sequence, int ttl,
                 long rttMicros, boolean duplicate, boolean truncated) implements PingEvent {
    }

    /** An ICMP error about one of our probes (unreachable, time exceeded, too big, parameter problem). */
    record IcmpError(String target, long epochMicros, InetAddress from, String fromLabel, int sequence, boolean ipv6, int type,
                     int code, long info, String text) implements PingEvent {
    }

    /** A local error: the kernel refused to send (for example EMSGSIZE with -M do). */
    record LocalError(String target, long epochMicros, int errno, String text) implements PingEvent {
    }

    /**
     * Something iputils warns about and goes on: with -I DEVICE, a source address that is not one of the
     * device's own ({@code Warning: source address might be selected on device other than: DEVICE}).
     */
    record Warning(String target, long epochMicros, String text) implements PingEvent {
    }

    /** -O: the previous probe is still unanswered when the next one leaves. */
    record NoAnswerYet(String target, long epochMicros, int sequence) implements PingEvent {
    }

    /**
     * One TCP connect or UDP probe of a port and what it found.
     *
     * @param protocol  tcp or udp
     * @param state     open, closed (RST or ICMP port unreachable), timeout (TCP: filtered or host down),
     *                  open|filtered (UDP silence), unreachable (an ICMP error or no route)
     * @param rttMicros handshake or reply time; for closed ports the time to the refusal; -1 on time-out
     * @param errno     0 when open, else the socket's errno (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ...)
     * @param reason    the system's words for the errno, or null when open
     */
    record PortProbe(String target, long epochMicros, InetAddress address, int port, String protocol, int sequence, String state,
                     long rttMicros, int errno, String reason) implements PingEvent {
    }
}
