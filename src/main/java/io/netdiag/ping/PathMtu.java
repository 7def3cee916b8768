package io.netdiag.ping;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.IcmpSocket;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Path-MTU discovery by probing: echo requests with DF set (IP_PMTUDISC_PROBE, so the kernel's cached
 * path MTU does not refuse them first), sized by binary search between the largest size that got a
 * reply and the smallest that did not. "Fragmentation needed" / "packet too big" errors and the local
 * interface MTU shrink the upper bound at once; silence (a black hole that drops big packets without an
 * error) costs one time-out per step.
 */
public final class PathMtu {
    private static final int EMSGSIZE = 90;

    /**
     * One probe of the search.
     *
     * @param size    the IP packet size (header, ICMP header, data)
     * @param outcome reply, too-big (an ICMP error naming an MTU), local (the kernel refused: interface MTU),
     *                error (another ICMP error), or timeout
     * @param mtu     the MTU named by the error, or -1
     * @param from    who sent the error, or null
     * @param text    the line as printed after {@code size N: }
     */
    public record Step(int size, String outcome, int mtu, InetAddress from, String text) {
    }

    /**
     * The answer.
     *
     * @param mtu        the largest IP packet that got through, or -1 when none did
     * @param dataBytes  the ICMP data bytes of that packet (what -s would take)
     * @param limitedBy  who reported "fragmentation needed" for the next size up, or null
     * @param exitCode   0 when an MTU was found, 1 otherwise
     */
    public record Result(String target, InetAddress address, int mtu, int dataBytes, InetAddress limitedBy, List<Step> steps,
                         int exitCode) {
        public Result {
            steps = List.copyOf(steps);
        }
    }

    private final PingRequest request;
    private final BooleanSupplier stop;

    public PathMtu(PingRequest request, BooleanSupplier stop) {
        this.request = request;
        this.stop = stop;
    }

    public Result run(String target, InetAddress address) {
        Platform.requireLinux("path-MTU discovery");
        boolean v6 = address instanceof Inet6Address;
        int headers = v6 ? 40 + 8 : 20 + 8;
        int minimum = v6 ? 1280 : 68;
        int maximum = v6 ? 65535 + 40 : 65535;
        int timeout = request.lingerMillis() != PingRequest.DEFAULT_LINGER_MILLIS ? request.lingerMillis() : 1000;
        List<Step> steps = new ArrayList<>();
        try (IcmpSocket socket = IcmpSocket.open(v6)) {
            socket.setPmtuDiscovery(IcmpSocket.PMTUDISC_PROBE);
            if (request.ttl() >= 0) {
                IcmpPinger.setTtl(socket, request.ttl());
            }
            Probe probe = new Probe(socket, address, v6, timeout);
            int good = -1;
            int bad = maximum + 1;
            InetAddress limitedBy = null;
            int next = maximum;
            while (!stop.getAsBoolean() && next > good && next < bad) {
                Step step = probe.send(next, next - headers);
                steps.add(step);
                if (step.outcome().equals("reply")) {
                    good = next;
                } else {
                    bad = next;
                    if (step.mtu() > 0 && step.mtu() < next) {
                        if (step.from() != null) {
                            limitedBy = step.from();
                        }
                        // the error names the limit: try exactly that next
                        next = Math.max(step.mtu(), good + 1);
                        if (next < bad && next > good) {
                            continue;
                        }
                    }
                }
                if (good < 0 && bad <= minimum) {
                    break;
                }
                int low = Math.max(good, minimum - 1);
                next = low + (bad - low) / 2;
                if (good < 0 && next < minimum) {
                    next = minimum;
                }
            }
            return new Result(target, address, good, good < 0 ? -1 : good - headers, limitedBy, steps, good < 0 ? 1 : 0);
        } catch (ErrnoException e) {
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "path-MTU search to " + target + " failed", e);
        }
    }

    /** One echo of a given size at a time, and what came back for it. */
    private static final class Probe {
        private final IcmpSocket socket;
        private final InetAddress address;
        private final boolean v6;
        private final int timeoutMillis;
        private final int identifier;
        private int sequence;

        Probe(IcmpSocket socket, InetAddress address, boolean v6, int timeoutMillis) {
            this.socket = socket;
            this.address = address;
            this.v6 = v6;
            this.timeoutMillis = timeoutMillis;
            this.identifier = socket.kind() == IcmpSocket.Kind.RAW ? ThreadLocalRandom.current().nextInt(1, 0x10000) : 0;
        }

        Step send(int size, int data) throws ErrnoException {
            int seq = ++sequence;
            byte[] packet = new byte[8 + data];
            int length = EchoCodec.request(packet, v6, identifier, seq, data, 0);
            long sent;
            try {
                sent = socket.send(packet, length, address);
            } catch (ErrnoException e) {
                IcmpSocket.QueuedError q;
                while ((q = socket.receiveError()) != null) {
                    if (q.origin() == IcmpSocket.SO_EE_ORIGIN_LOCAL && q.errno() == EMSGSIZE) {
                        return new Step(size, "local", (int) q.info(), null, "local error: message too long, mtu=" + q.info());
                    }
                }
                if (e.errno() == EMSGSIZE) {
                    return new Step(size, "local", -1, null, "local error: message too long");
                }
                return new Step(size, "error", -1, null, "sendmsg: " + Libc.strerror(e.errno()));
            }
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return new Step(size, "timeout", -1, null, "no answer within " + timeoutMillis + " ms");
                }
                int revents = socket.poll((int) Math.min(left, 100));
                if (revents == 0) {
                    continue;
                }
                Step answer = read(size, sent, (revents & Libc.POLLERR) != 0, seq);
                if (answer != null) {
                    return answer;
                }
            }
        }

        private Step read(int size, long sent, boolean errors, int seq) throws ErrnoException {
            while (true) {
                IcmpSocket.Received rx;
                try {
                    rx = socket.receive();
                } catch (ErrnoException pending) {
                    errors = true;
                    break;
                }
                if (rx == null) {
                    break;
                }
                IcmpMessage m = IcmpMessage.of(rx);
                if (m == null) {
                    continue;
                }
                EchoCodec.Echo echo = m.echo();
                boolean raw = socket.kind() == IcmpSocket.Kind.RAW;
                if (m.isReply(socket)) {
                    if (!m.isOurReply(socket, identifier) || echo.sequence() != seq) {
                        continue;
                    }
                    long micros = rx.kernelTimeNanos() > 0 ? Math.max(0, (rx.kernelTimeNanos() - sent) / 1000) : -1;
                    return new Step(size, "reply", -1, rx.from(), "reply" + (micros >= 0
                            ? ", time=" + io.netdiag.output.PingRenderer.time(micros) + " ms" : ""));
                }
                if (raw) {
                    EchoCodec.QuotedError q = EchoCodec.quoted(m.data(), m.offset(), v6);
                    if (q != null && q.identifier() == identifier && q.sequence() == seq
                            && Arrays.equals(q.quotedDestination(), address.getAddress())) {
                        return error(size, rx.from(), q.type(), q.code(), q.info());
                    }
                }
            }
            if (errors) {
                IcmpSocket.QueuedError q;
                while ((q = socket.receiveError()) != null) {
                    if (q.origin() == IcmpSocket.SO_EE_ORIGIN_LOCAL && q.errno() == EMSGSIZE) {
                        return new Step(size, "local", (int) q.info(), null, "local error: message too long, mtu=" + q.info());
                    }
                    if (socket.kind() == IcmpSocket.Kind.RAW) {
                        continue;
                    }
                    EchoCodec.Echo probe = EchoCodec.echo(q.probe(), 0);
                    if (probe != null && probe.sequence() == seq && (q.origin() == IcmpSocket.SO_EE_ORIGIN_ICMP
                            || q.origin() == IcmpSocket.SO_EE_ORIGIN_ICMP6)) {
                        return error(size, q.offender(), q.type(), q.code(), q.info());
                    }
                }
            }
            return null;
        }

        private Step error(int size, InetAddress from, int type, int code, long info) {
            boolean tooBig = v6 ? type == 2 : type == 3 && code == 4;
            String text = "From " + (from == null ? "?" : AddressText.of(from)) + " "
                    + (v6 ? IcmpTexts.v6(type, code, info) : IcmpTexts.v4(type, code, info));
            return new Step(size, tooBig ? "too-big" : "error", tooBig ? (int) info : -1, from, text);
        }
    }
}
