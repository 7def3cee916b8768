package io.netdiag.trace;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.IcmpSocket;
import io.netdiag.ping.EchoCodec;
import io.netdiag.ping.IcmpMessage;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ICMP echo probes on ping's {@link IcmpSocket}: the echo sequence number is the probe id. On a raw
 * socket replies and errors arrive on the socket (errors quote our echo header); on an unprivileged
 * datagram socket the kernel sends errors to the error queue (IP_RECVERR) with the offender's address.
 */
final class IcmpChannel implements ProbeChannel {
    private final IcmpSocket socket;
    private final InetAddress target;
    private final byte[] rawTarget;
    private final boolean v6;
    private final int identifier;
    private final int flows;
    private final InetAddress source;
    private byte[] packet = new byte[2048];
    private int ttl = -1;

    IcmpChannel(InetAddress target, IcmpSocket socket, InetAddress source, int flows) {
        this.socket = socket;
        this.target = target;
        this.rawTarget = target.getAddress();
        this.v6 = target instanceof Inet6Address;
        this.source = source;
        // the kernel owns a datagram socket's identifier; raw sockets choose, one per flow
        this.flows = socket.kind() == IcmpSocket.Kind.RAW ? Math.max(1, flows) : 1;
        this.identifier = socket.kind() == IcmpSocket.Kind.RAW ? ThreadLocalRandom.current().nextInt(1, 0x10000 - this.flows) : 0;
        // link the send path before the first probe, whose RTT would include it
        int length = EchoCodec.request(packet, v6, identifier, 0, 36, 0);
        socket.warmUp(packet, length, target);
    }

    @Override
    public String kind() {
        return socket.kind() == IcmpSocket.Kind.RAW ? "raw" : "datagram";
    }

    @Override
    public InetAddress source() {
        return source;
    }

    @Override
    public void dontFragment() throws ErrnoException {
        socket.setPmtuDiscovery(IcmpSocket.PMTUDISC_PROBE);
    }

    @Override
    public long send(int id, int ttl, int flow, int size) throws ErrnoException {
        if (ttl != this.ttl) {
            socket.setTtl(ttl);
            this.ttl = ttl;
        }
        int data = Math.max(0, size - (v6 ? 40 : 20) - 8);
        if (packet.length < 8 + data) {
            packet = new byte[8 + data];
        }
        Instant now = Instant.now();
        long epoch = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        int length = EchoCodec.request(packet, v6, identifier + (flow % flows), id, data, epoch);
        try {
            return socket.send(packet, length, target);
        } catch (ErrnoException e) {
            // the socket reports the error of an earlier probe (its ICMP error, kept in sk_err) on the next send,
            // which is then not sent; the error itself was read (raw) or waits on the error queue: send again
            return socket.send(packet, length, target);
        }
    }

    @Override
    public void await(int millis) throws ErrnoException {
        socket.poll(millis);
    }

    @Override
    public void drain(Sink sink) throws ErrnoException {
        boolean raw = socket.kind() == IcmpSocket.Kind.RAW;
        while (true) {
            IcmpSocket.Received rx;
            try {
                rx = socket.receive();
            } catch (ErrnoException pendingError) {
                break; // an error is queued: read it below
            }
            if (rx == null) {
                break;
            }
            IcmpMessage m = IcmpMessage.of(rx);
            if (m == null) {
                continue;
            }
            if (m.isReply(socket)) {
                if (ours(m.echo().identifier()) || !raw) {
                    sink.answer(m.echo().sequence(), rx.from(), Answer.REPLY, m.echo().type(), 0, 0, rx.kernelTimeNanos());
                }
            } else if (raw) {
                EchoCodec.QuotedError q = EchoCodec.quoted(m.data(), m.offset(), v6);
                if (q != null && ours(q.identifier()) && Arrays.equals(q.quotedDestination(), rawTarget)) {
                    sink.answer(q.sequence(), rx.from(), Classify.icmp(v6, q.type(), q.code(), rx.from(), target, false),
                            q.type(), q.code(), q.info(), rx.kernelTimeNanos());
                }
            }
        }
        IcmpSocket.QueuedError q;
        while ((q = socket.receiveError()) != null) {
            if (raw || (q.origin() != IcmpSocket.SO_EE_ORIGIN_ICMP && q.origin() != IcmpSocket.SO_EE_ORIGIN_ICMP6)) {
                continue; // raw sockets saw the error itself above; local errors name no hop
            }
            EchoCodec.Echo probe = EchoCodec.echo(q.probe(), 0);
            if (probe == null) {
                continue;
            }
            sink.answer(probe.sequence(), q.offender(), Classify.icmp(v6, q.type(), q.code(), q.offender(), target, false),
                    q.type(), q.code(), q.info(), q.kernelTimeNanos());
        }
    }

    private boolean ours(int id) {
        return id >= identifier && id < identifier + flows;
    }

    @Override
    public void close() {
        socket.close();
    }
}
