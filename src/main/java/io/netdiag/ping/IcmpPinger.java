package io.netdiag.ping;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.IcmpSocket;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * ICMP echo to one address, scheduled as iputils schedules it: a probe every interval, stop after
 * {@code count} answers (replies or errors), at the deadline, or after the linger time once everything
 * is sent. RTT is the kernel's receive timestamp minus the send time. Reports each reply and error to
 * the listener as it comes and returns the statistics.
 */
public final class IcmpPinger {
    private static final long MILLI = 1_000_000L;
    /** iputils' MININTERVAL: flood probes wait this long for a reply before the next one leaves. */
    private static final long FLOOD_GAP_NANOS = 10 * MILLI;
    /** The longest single wait, so that Ctrl-C is noticed promptly. */
    private static final int MAX_POLL_MILLIS = 100;
    private static final int EMSGSIZE = 90;

    private final PingRequest request;
    private final PingListener listener;
    private final BooleanSupplier stopRequested;

    public IcmpPinger(PingRequest request, PingListener listener, BooleanSupplier stopRequested) {
        this.request = request;
        this.listener = listener;
        this.stopRequested = stopRequested;
    }

    /** Pings {@code address} ({@code target} is how the user wrote it) and returns the statistics. */
    public PingSummary run(String target, InetAddress address) {
        Platform.requireLinux("ICMP echo");
        address = unspecifiedToSource(target, address);
        boolean v6 = address instanceof Inet6Address;
        boolean numeric = request.numeric() || Targets.isLiteral(target);
        Targets names = new Targets(numeric);
        PingRequest.Source source = request.source();
        boolean broadcast = false;
        if (source == null) {
            broadcast = requireRoute(target, address);
        }
        try (IcmpSocket socket = IcmpSocket.open(v6)) {
            configure(socket);
            if (request.broadcast()) {
                socket.allowBroadcast();
            }
            ProbeSource.Chosen chosen = null;
            if (source != null) {
                chosen = ProbeSource.apply(source, target, address, socket.fd());
                if (source.address() == null && chosen.warning() != null) {
                    listener.on(new PingEvent.Warning(target, nowMicros(), chosen.warning()));
                }
                if (source.device() == null) {
                    broadcast = requireRoute(target, address);
                }
            }
            if (broadcast) {
                // iputils' words, on standard error before the header
                listener.on(new PingEvent.Warning(target, nowMicros(), "WARNING: pinging broadcast address"));
                if (request.pmtuDiscovery() < 0) {
                    socket.setPmtuDiscovery(IcmpSocket.PMTUDISC_DO); // as iputils: broadcasts are never fragmented
                }
            }
            Run run = new Run(target, address, v6, socket, names);
            byte[] pattern = request.pattern();
            listener.on(new PingEvent.Start(target, nowMicros(), address, v6 ? names.label(address) : AddressText.of(address),
                    v6, request.dataLength(), "icmp", socket.kind().name().toLowerCase(Locale.ROOT),
                    chosen == null ? null : chosen.address(), chosen == null ? null : chosen.device(),
                    pattern == null ? null : java.util.HexFormat.of().formatHex(pattern), broadcast));
            return run.loop();
        } catch (ErrnoException e) {
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE,
                    "ping " + target + " failed", e);
        }
    }

    /**
     * IPv4's 0.0.0.0 (ping 0) reaches this host; iputils probes, prints and matches replies with the source address
     * the kernel picks for it instead (127.0.0.1, or the -I address). IPv6's :: it leaves as it is, and so does this.
     */
    private InetAddress unspecifiedToSource(String target, InetAddress address) {
        if (address instanceof Inet6Address || !address.isAnyLocalAddress()) {
            return address;
        }
        PingRequest.Source source = request.source();
        if (source != null && source.address() != null) {
            return source.address();
        }
        try {
            return io.netdiag.os.SourceBinding.sourceFor(address, source == null ? null : source.device());
        } catch (ErrnoException e) {
            return address; // the route check that follows reports it
        }
    }

    /** Checks the route as iputils does before its first probe; true when -b made way to a broadcast address. */
    private boolean requireRoute(String target, InetAddress address) {
        try {
            return IcmpSocket.checkRoute(address, request.broadcast());
        } catch (ErrnoException e) {
            if (e.errno() == IcmpErrnos.EACCES && !request.broadcast()) {
                // iputils' words and exit code: a broadcast address needs -b (a prohibit route or a firewall rule on
                // the way out refuses with the same EACCES)
                throw new NetdiagException(NetdiagException.Kind.BAD_INPUT,
                        "Do you want to ping broadcast? Then -b. If not, check your local firewall rules",
                        "ip route get " + AddressText.of(address) + " names a broadcast or prohibit route", null);
            }
            // iputils stops here too ("ping: connect: Network is unreachable"); netdiag exits 1 (unreachable)
            boolean known = Classifier.standard().classify(e).category() != Category.OTHER;
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE,
                    target + ": connect: " + Libc.strerror(e.errno()) + " (no route from this host)",
                    "check the routes: ip route get " + AddressText.of(address), known ? e : null);
        }
    }

    private void configure(IcmpSocket socket) throws ErrnoException {
        if (request.ttl() >= 0) {
            setTtl(socket, request.ttl());
        }
        if (request.pmtuDiscovery() >= 0) {
            socket.setPmtuDiscovery(request.pmtuDiscovery());
        }
    }

    /**
     * Sets -t on a probe socket. The kernel refuses a TTL it cannot use (0 for IPv4; IPv6 takes 0-255) with EINVAL:
     * bad input, reported in iputils' words ("cannot set unicast time-to-live: Invalid argument", exit 2).
     */
    static void setTtl(IcmpSocket socket, int ttl) throws ErrnoException {
        try {
            socket.setTtl(ttl);
        } catch (ErrnoException e) {
            if (e.errno() != IcmpErrnos.EINVAL) {
                throw e;
            }
            throw new NetdiagException(NetdiagException.Kind.BAD_INPUT,
                    "cannot set unicast time-to-live: " + Libc.strerror(e.errno()) + " (-t " + ttl + ")",
                    "use a TTL of 1-255" + (socket.ipv6() ? "" : " for IPv4"), null);
        }
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static long nowEpochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The state of one run. */
    private final class Run {
        private final String target;
        private final InetAddress address;
        private final byte[] rawAddress;
        private final boolean v6;
        private final IcmpSocket socket;
        private final Targets names;
        private final EchoStatistics stats = new EchoStatistics();
        private final long[] sentAt = new long[0x10000];
        private final byte[] packet;
        private final int identifier;
        private final boolean timing;
        private final byte[] pattern = request.pattern();
        private final int preload = request.preload();
        private final Map<String, long[]> problemCounts = new LinkedHashMap<>();
        private final Map<String, Object[]> problemDetails = new LinkedHashMap<>();

        Run(String target, InetAddress address, boolean v6, IcmpSocket socket, Targets names) {
            this.target = target;
            this.address = address;
            this.rawAddress = address.getAddress();
            this.v6 = v6;
            this.socket = socket;
            this.names = names;
            this.packet = new byte[8 + request.dataLength()];
            // on datagram sockets the kernel replaces the identifier with the socket's own
            this.identifier = socket.kind() == IcmpSocket.Kind.RAW ? ThreadLocalRandom.current().nextInt(1, 0x10000) : 0;
            this.timing = request.dataLength() >= EchoCodec.TIMESTAMP_BYTES;
        }

        PingSummary loop() throws ErrnoException {
            for (int i = 0; i < 3; i++) {
                int length = EchoCodec.request(packet, v6, identifier, 0, request.dataLength(), nowEpochNanos(), pattern);
                socket.warmUp(packet, length, address);
            }
            long start = System.nanoTime();
            long intervalNanos = request.intervalMillis() * MILLI;
            long count = request.count();
            long deadlineAt = request.deadlineSeconds() > 0 ? start + request.deadlineSeconds() * 1000 * MILLI : Long.MAX_VALUE;
            long exitAt = Long.MAX_VALUE;
            long nextSend = start;
            long lastSend = start;
            boolean flood = intervalNanos == 0;
            while (true) {
                long now = System.nanoTime();
                if (stopRequested.getAsBoolean()
                        || (count > 0 && stats.received + stats.errors >= count)
                        || (request.deadlineSeconds() > 0 && stats.errors > 0)
                        || now >= deadlineAt || now >= exitAt) {
                    break;
                }
                boolean allSent = count > 0 && stats.transmitted >= count && request.deadlineSeconds() == 0;
                if (!allSent && now >= nextSend) {
                    if (flood && stats.inFlight() >= preload && now - lastSend < FLOOD_GAP_NANOS) {
                        nextSend = lastSend + FLOOD_GAP_NANOS;
                    } else {
                        send();
                        lastSend = now;
                        // -l: the first PRELOAD probes leave at once, as iputils' token bucket lets them
                        boolean preloading = stats.transmitted < preload;
                        nextSend = preloading ? now : Math.max(nextSend + intervalNanos, now);
                        if (count > 0 && stats.transmitted >= count && request.deadlineSeconds() == 0) {
                            long waitMicros = stats.received > 0
                                    ? Math.max(2 * stats.maxRttMicros(), request.intervalMillis() * 1000L)
                                    : request.lingerMillis() * 1000L;
                            exitAt = now + waitMicros * 1000;
                        }
                        if (preloading && !(count > 0 && stats.transmitted >= count)) {
                            continue; // iputils sends every probe that is due before it reads replies
                        }
                        // no continue: read what arrived before the next probe leaves, as iputils does
                    }
                }
                long wakeAt = Math.min(exitAt, deadlineAt);
                allSent = count > 0 && stats.transmitted >= count && request.deadlineSeconds() == 0;
                if (!allSent) {
                    wakeAt = Math.min(wakeAt, nextSend);
                }
                long waitNanos = Math.max(0, wakeAt - System.nanoTime());
                int waitMillis = (int) Math.min(MAX_POLL_MILLIS, (waitNanos + MILLI - 1) / MILLI);
                int revents = socket.poll(waitMillis);
                if (revents != 0) {
                    drain((revents & Libc.POLLERR) != 0);
                }
            }
            long elapsedNanos = stats.transmitted == 0 ? 0 : lastSend - start;
            long timeMillis = (elapsedNanos / 1000 + 500) / 1000;
            long ipg = -1;
            if (stats.received > 0 && (flood || request.flood()) && stats.transmitted > 1) {
                ipg = (elapsedNanos / 1000) / (stats.transmitted - 1);
            }
            boolean negative = stats.received == 0 || (request.deadlineSeconds() > 0 && stats.received < count);
            return new PingSummary(target, address, "icmp", socket.kind().name().toLowerCase(Locale.ROOT),
                    stats.transmitted, stats.received, stats.duplicates, stats.errors, stats.lossPercent(), timeMillis,
                    timing ? stats.rtt() : null, stats.pipe(), ipg, problems(), negative ? 1 : 0);
        }

        private void send() throws ErrnoException {
            if (request.outstanding() && stats.transmitted > 0 && !stats.answered((int) (stats.transmitted & 0xffff))) {
                listener.on(new PingEvent.NoAnswerYet(target, nowMicros(), (int) (stats.transmitted & 0xffff)));
            }
            int seq = stats.sent();
            long sendNanos = nowEpochNanos();
            sentAt[seq] = sendNanos;
            int length = EchoCodec.request(packet, v6, identifier, seq, request.dataLength(), sendNanos, pattern);
            try {
                sentAt[seq] = socket.send(packet, length, address);
            } catch (ErrnoException e) {
                // the kernel queues the reason (EMSGSIZE with the MTU) on the error queue: report that one
                if (!drainErrors()) {
                    // refused outright (-s beyond 65535 bytes: EMSGSIZE with nothing queued): counted as sent, as iputils does
                    String text = "sendmsg: " + Libc.strerror(e.errno());
                    listener.on(new PingEvent.LocalError(target, nowMicros(), e.errno(), text));
                    count(text, null, -1, -1, e.errno());
                }
                return;
            }
            listener.on(new PingEvent.Sent(target, nowMicros(), seq));
        }

        private void drain(boolean errorQueue) throws ErrnoException {
            for (int pendingErrors = 0; ; ) {
                IcmpSocket.Received rx;
                try {
                    rx = socket.receive();
                } catch (ErrnoException e) {
                    // with IP_RECVERR an ICMP error also sets the socket error, which this recvmsg returned
                    // once; the details wait on the error queue
                    drainErrors();
                    if (++pendingErrors > 64) {
                        throw e;
                    }
                    continue;
                }
                if (rx == null) {
                    break;
                }
                handle(rx);
            }
            if (errorQueue) {
                drainErrors();
            }
        }

        /** Reads the error queue; true when it held a local error (reported). */
        private boolean drainErrors() throws ErrnoException {
            boolean local = false;
            IcmpSocket.QueuedError e;
            while ((e = socket.receiveError()) != null) {
                local |= handle(e);
            }
            return local;
        }

        private void handle(IcmpSocket.Received rx) {
            IcmpMessage m = IcmpMessage.of(rx);
            if (m == null) {
                return;
            }
            EchoCodec.Echo echo = m.echo();
            int ttl = m.ttl();
            boolean raw = socket.kind() == IcmpSocket.Kind.RAW;
            if (m.isReply(socket)) {
                if (!m.isOurReply(socket, identifier)) {
                    return;
                }
                int seq = echo.sequence();
                long rtt = -1;
                if (timing && sentAt[seq] != 0) {
                    long received = rx.kernelTimeNanos() > 0 ? rx.kernelTimeNanos() : nowEpochNanos();
                    // iputils subtracts two struct timevals: microseconds, truncated
                    rtt = Math.max(0, Math.floorDiv(received, 1000L) - Math.floorDiv(sentAt[seq], 1000L));
                }
                boolean duplicate = stats.reply(seq, rtt);
                int bytes = echo.icmpLength();
                boolean truncated = bytes < request.dataLength() + 8;
                InetAddress from = rx.from() == null ? address : rx.from();
                listener.on(new PingEvent.Reply(target, nowMicros(), bytes, from, names.label(from), seq, ttl,
                        truncated ? -1 : rtt, duplicate, truncated));
                int wrong = EchoCodec.wrongDataByte(m.data(), m.offset(), request.dataLength(), pattern);
                if (wrong >= 0) {
                    int dataStart = m.offset() + 8;
                    byte[] rest = Arrays.copyOfRange(m.data(), dataStart + EchoCodec.TIMESTAMP_BYTES,
                            Math.min(m.data().length, dataStart + request.dataLength()));
                    listener.on(new PingEvent.WrongData(target, nowMicros(), seq, wrong, EchoCodec.data(wrong, pattern) & 0xff,
                            m.data()[dataStart + wrong] & 0xff, rest));
                }
                return;
            }
            if (raw) {
                EchoCodec.QuotedError q = EchoCodec.quoted(m.data(), m.offset(), v6);
                if (q == null || q.identifier() != identifier || !Arrays.equals(q.quotedDestination(), rawAddress)) {
                    return;
                }
                InetAddress from = rx.from() == null ? address : rx.from();
                icmpError(from, q.sequence(), q.type(), q.code(), q.info(), IcmpErrnos.of(v6, q.type(), q.code()));
            }
        }

        /** Returns true for a local error. */
        private boolean handle(IcmpSocket.QueuedError e) {
            if (e.origin() == IcmpSocket.SO_EE_ORIGIN_LOCAL) {
                stats.localError();
                String text = e.errno() != EMSGSIZE ? "local error: " + Libc.strerror(e.errno())
                        : "local error: message too long, mtu" + (v6 ? ": " : "=") + e.info();
                listener.on(new PingEvent.LocalError(target, nowMicros(), e.errno(), text));
                count(text, null, -1, -1, e.errno());
                return true;
            }
            boolean icmp = e.origin() == IcmpSocket.SO_EE_ORIGIN_ICMP || e.origin() == IcmpSocket.SO_EE_ORIGIN_ICMP6;
            if (!icmp || socket.kind() == IcmpSocket.Kind.RAW) {
                return false; // raw sockets read the same error, with its quoted header, from the receive queue
            }
            EchoCodec.Echo probe = EchoCodec.echo(e.probe(), 0);
            int requestType = v6 ? EchoCodec.ICMP6_ECHO : EchoCodec.ICMP_ECHO;
            if (probe == null || probe.type() != requestType || e.target() == null
                    || !Arrays.equals(e.target().getAddress(), rawAddress)) {
                return false;
            }
            InetAddress from = e.offender() == null ? address : e.offender();
            icmpError(from, probe.sequence(), e.type(), e.code(), e.info(), e.errno());
            return false;
        }

        private void icmpError(InetAddress from, int seq, int type, int code, long info, int errno) {
            stats.error(seq);
            String text = v6 ? IcmpTexts.v6(type, code, info) : IcmpTexts.v4(type, code, info);
            listener.on(new PingEvent.IcmpError(target, nowMicros(), from, names.label(from), seq, v6, type, code, info, text));
            count(text, from, type, code, errno);
        }

        private void count(String text, InetAddress from, int type, int code, int errno) {
            String key = text + "\0" + from;
            problemCounts.computeIfAbsent(key, k -> new long[1])[0]++;
            problemDetails.putIfAbsent(key, new Object[] {text, from, type, code, errno});
        }

        private List<PingSummary.Problem> problems() {
            List<PingSummary.Problem> list = new ArrayList<>();
            for (Map.Entry<String, long[]> entry : problemCounts.entrySet()) {
                Object[] d = problemDetails.get(entry.getKey());
                list.add(IcmpMeaning.explain((String) d[0], (InetAddress) d[1], entry.getValue()[0], v6, (Integer) d[2],
                        (Integer) d[3], (Integer) d[4]));
            }
            if (stats.received == 0 && stats.errors == 0 && stats.transmitted > 0 && problemCounts.isEmpty()) {
                list.add(IcmpMeaning.noReply(stats.transmitted));
            }
            return list;
        }
    }
}
