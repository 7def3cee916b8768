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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * ICMP echo to many addresses at once, fping style: one socket per address family, a round of probes
 * to every target each interval, replies matched to their target by source address and sequence. One
 * thread, no per-target threads: a /24 costs 254 sendto calls and the replies, nothing more.
 */
public final class MultiPinger {
    private static final long MILLI = 1_000_000L;
    /** The wait for the last replies when -W is not given: fping's 500 ms doubled, not iputils' 10 s. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 1000;
    private static final int EAGAIN = 11;
    private static final int SEQUENCES = 0x10000;

    private final PingRequest request;
    private final PingListener listener;
    private final BooleanSupplier stop;
    // one sequence space on the wire for all targets (as fping), so that two names for one address
    // still tell their replies apart; each target keeps its own 1, 2, 3... for its statistics
    private final Target[] owner = new Target[SEQUENCES];
    private final int[] localSequence = new int[SEQUENCES];
    private final long[] sentAt = new long[SEQUENCES];
    private int wireSequence;

    private final boolean continuous;

    /** {@code continuous}: without -c, keep probing until stopped (--graph) instead of one round (fping's alive check). */
    public MultiPinger(PingRequest request, PingListener listener, BooleanSupplier stop, boolean continuous) {
        this.request = request;
        this.listener = listener;
        this.stop = stop;
        this.continuous = continuous;
    }

    private static final class Target {
        final TargetList.Entry entry;
        final boolean v6;
        final EchoStatistics stats = new EchoStatistics();
        final Map<String, long[]> problems = new LinkedHashMap<>();
        final Map<String, int[]> problemCodes = new LinkedHashMap<>();
        final Map<String, InetAddress> problemFrom = new LinkedHashMap<>();

        Target(TargetList.Entry entry) {
            this.entry = entry;
            this.v6 = entry.address() instanceof Inet6Address;
        }
    }

    /** Probes every entry; returns one summary per entry, in the order given. */
    public List<PingSummary> run(List<TargetList.Entry> entries) {
        Platform.requireLinux("ICMP echo");
        List<Target> targets = entries.stream().map(Target::new).toList();
        IcmpSocket v4 = null;
        IcmpSocket v6 = null;
        try {
            if (targets.stream().anyMatch(t -> !t.v6)) {
                v4 = IcmpSocket.open(false);
            }
            if (targets.stream().anyMatch(t -> t.v6)) {
                v6 = IcmpSocket.open(true);
            }
            for (IcmpSocket s : new IcmpSocket[] {v4, v6}) {
                if (s != null && request.ttl() >= 0) {
                    IcmpPinger.setTtl(s, request.ttl());
                }
                if (s != null && request.source() != null) {
                    // -I: one socket per family, so one source per family, chosen for its first target
                    Target first = targets.stream().filter(t -> t.v6 == s.ipv6()).findFirst().orElseThrow();
                    ProbeSource.Chosen chosen = ProbeSource.apply(request.source(), first.entry.label(), first.entry.address(), s.fd());
                    if (request.source().address() == null && chosen.warning() != null) {
                        listener.on(new PingEvent.Warning(first.entry.label(), IcmpPinger.nowMicros(), chosen.warning()));
                    }
                }
            }
            return loop(targets, v4, v6);
        } catch (ErrnoException e) {
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "ping failed", e);
        } finally {
            if (v4 != null) {
                v4.close();
            }
            if (v6 != null) {
                v6.close();
            }
        }
    }

    private List<PingSummary> loop(List<Target> targets, IcmpSocket v4, IcmpSocket v6)
            throws ErrnoException {
        int identifier = ThreadLocalRandom.current().nextInt(1, 0x10000);
        long rounds = request.count() > 0 ? request.count() : continuous ? Long.MAX_VALUE : 1;
        long intervalNanos = request.intervalMillis() * MILLI;
        int timeoutMillis = request.lingerMillis() != PingRequest.DEFAULT_LINGER_MILLIS ? request.lingerMillis()
                : DEFAULT_TIMEOUT_MILLIS;
        long start = System.nanoTime();
        long deadlineAt = request.deadlineSeconds() > 0 ? start + request.deadlineSeconds() * 1000 * MILLI : Long.MAX_VALUE;
        byte[] packet = new byte[8 + request.dataLength()];
        for (Target t : targets) {
            int length = EchoCodec.request(packet, t.v6, identifier, 0, request.dataLength(), 0);
            (t.v6 ? v6 : v4).warmUp(packet, length, t.entry.address());
            if (v4 != null && v6 != null && t != targets.getFirst()) {
                break;
            }
        }
        long round = 0;
        long nextRound = start;
        long lastSend = start;
        long exitAt = Long.MAX_VALUE;
        while (!stop.getAsBoolean() && System.nanoTime() < deadlineAt) {
            long now = System.nanoTime();
            if (round < rounds && now >= nextRound) {
                int sent = 0;
                for (Target t : targets) {
                    send(t, t.v6 ? v6 : v4, identifier, packet);
                    // read replies every few probes: often enough that the receive buffer never fills
                    if (++sent % 16 == 0) {
                        poll(v4, v6, 0, identifier);
                    }
                }
                round++;
                lastSend = System.nanoTime();
                nextRound += intervalNanos;
                if (round == rounds) {
                    exitAt = lastSend + timeoutMillis * MILLI;
                }
                continue;
            }
            if (round == rounds && (now >= exitAt || targets.stream().allMatch(t -> t.stats.received + t.stats.errors >= rounds))) {
                break;
            }
            long wake = Math.min(round < rounds ? nextRound : exitAt, deadlineAt);
            int wait = (int) Math.max(0, Math.min(100, (wake - now + MILLI - 1) / MILLI));
            poll(v4, v6, wait, identifier);
        }
        List<PingSummary> summaries = new ArrayList<>();
        long timeMillis = ((lastSend - start) / 1000 + 500) / 1000;
        for (Target t : targets) {
            List<PingSummary.Problem> problems = new ArrayList<>();
            for (Map.Entry<String, long[]> p : t.problems.entrySet()) {
                int[] c = t.problemCodes.get(p.getKey());
                problems.add(IcmpMeaning.explain(p.getKey(), t.problemFrom.get(p.getKey()), p.getValue()[0], t.v6, c[0], c[1], c[2]));
            }
            if (t.stats.received == 0 && t.stats.errors == 0 && t.stats.transmitted > 0) {
                problems.add(IcmpMeaning.noReply(t.stats.transmitted));
            }
            summaries.add(new PingSummary(t.entry.label(), t.entry.address(), "icmp",
                    (t.v6 ? v6 : v4).kind().name().toLowerCase(java.util.Locale.ROOT), t.stats.transmitted, t.stats.received,
                    t.stats.duplicates, t.stats.errors, t.stats.lossPercent(), timeMillis, t.stats.rtt(), -1, -1, problems,
                    t.stats.received > 0 ? 0 : 1));
        }
        return summaries;
    }

    private void send(Target t, IcmpSocket socket, int identifier, byte[] packet) throws ErrnoException {
        int seq = t.stats.sent();
        wireSequence = (wireSequence + 1) & 0xffff;
        java.time.Instant instant = java.time.Instant.now();
        long now = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        owner[wireSequence] = t;
        localSequence[wireSequence] = seq;
        sentAt[wireSequence] = now;
        int length = EchoCodec.request(packet, t.v6, identifier, wireSequence, request.dataLength(), now);
        for (int attempt = 0; ; attempt++) {
            try {
                sentAt[wireSequence] = socket.send(packet, length, t.entry.address());
                listener.on(new PingEvent.Sent(t.entry.label(), IcmpPinger.nowMicros(), seq));
                return;
            } catch (ErrnoException e) {
                if (e.errno() == EAGAIN && attempt < 100) {
                    socket.poll(1); // the send buffer is full: let replies drain and retry
                    continue;
                }
                listener.on(new PingEvent.LocalError(t.entry.label(), IcmpPinger.nowMicros(), e.errno(),
                        "sendmsg: " + Libc.strerror(e.errno())));
                return;
            }
        }
    }

    private void poll(IcmpSocket v4, IcmpSocket v6, int waitMillis, int identifier)
            throws ErrnoException {
        boolean both = v4 != null && v6 != null;
        for (IcmpSocket s : new IcmpSocket[] {v4, v6}) {
            if (s == null) {
                continue;
            }
            int revents = s.poll(both ? Math.min(waitMillis, 10) : waitMillis);
            if (revents == 0) {
                continue;
            }
            for (int i = 0; i < 100_000; i++) {
                IcmpSocket.Received rx;
                try {
                    rx = s.receive();
                } catch (ErrnoException e) {
                    drainErrors(s);
                    continue;
                }
                if (rx == null) {
                    break;
                }
                handle(s, rx, identifier);
            }
            if ((revents & Libc.POLLERR) != 0) {
                drainErrors(s);
            }
        }
    }

    private void handle(IcmpSocket s, IcmpSocket.Received rx, int identifier) {
        IcmpMessage m = IcmpMessage.of(rx);
        if (m == null) {
            return;
        }
        EchoCodec.Echo echo = m.echo();
        int ttl = m.ttl();
        boolean raw = s.kind() == IcmpSocket.Kind.RAW;
        if (m.isReply(s)) {
            if (!m.isOurReply(s, identifier) || rx.from() == null) {
                return;
            }
            Target t = owner[echo.sequence()];
            if (t == null || !t.entry.address().equals(rx.from())) {
                return;
            }
            long sent = sentAt[echo.sequence()];
            long received = rx.kernelTimeNanos() > 0 ? rx.kernelTimeNanos() : System.currentTimeMillis() * MILLI;
            long rtt = request.dataLength() >= EchoCodec.TIMESTAMP_BYTES
                    ? Math.max(0, Math.floorDiv(received, 1000L) - Math.floorDiv(sent, 1000L)) : -1;
            int seq = localSequence[echo.sequence()];
            boolean dup = t.stats.reply(seq, rtt);
            listener.on(new PingEvent.Reply(t.entry.label(), IcmpPinger.nowMicros(), echo.icmpLength(), rx.from(),
                    AddressText.of(rx.from()), seq, ttl, rtt, dup, echo.icmpLength() < request.dataLength() + 8));
            return;
        }
        if (raw) {
            EchoCodec.QuotedError q = EchoCodec.quoted(m.data(), m.offset(), s.ipv6());
            if (q == null || q.identifier() != identifier) {
                return;
            }
            try {
                InetAddress dst = InetAddress.getByAddress(q.quotedDestination());
                error(dst, rx.from(), q.sequence(), s.ipv6(), q.type(), q.code(), q.info(),
                        IcmpErrnos.of(s.ipv6(), q.type(), q.code()));
            } catch (java.net.UnknownHostException e) {
                // not an address: not ours
            }
        }
    }

    private void drainErrors(IcmpSocket s) throws ErrnoException {
        IcmpSocket.QueuedError e;
        while ((e = s.receiveError()) != null) {
            boolean icmp = e.origin() == IcmpSocket.SO_EE_ORIGIN_ICMP || e.origin() == IcmpSocket.SO_EE_ORIGIN_ICMP6;
            if (!icmp || s.kind() == IcmpSocket.Kind.RAW || e.target() == null) {
                continue;
            }
            EchoCodec.Echo probe = EchoCodec.echo(e.probe(), 0);
            if (probe == null) {
                continue;
            }
            error(e.target(), e.offender(), probe.sequence(), s.ipv6(), e.type(), e.code(), e.info(), e.errno());
        }
    }

    private void error(InetAddress destination, InetAddress from, int wire, boolean v6, int type, int code, long info, int errno) {
        Target t = owner[wire & 0xffff];
        if (t == null || !t.entry.address().equals(destination)) {
            return;
        }
        String text = v6 ? IcmpTexts.v6(type, code, info) : IcmpTexts.v4(type, code, info);
        int seq = localSequence[wire & 0xffff];
        {
            InetAddress sender = from == null ? t.entry.address() : from;
            t.stats.error(seq);
            t.problems.computeIfAbsent(text, k -> new long[1])[0]++;
            t.problemCodes.putIfAbsent(text, new int[] {type, code, errno});
            t.problemFrom.putIfAbsent(text, sender);
            listener.on(new PingEvent.IcmpError(t.entry.label(), IcmpPinger.nowMicros(), sender, AddressText.of(sender), seq, v6,
                    type, code, info, text));
        }
    }
}
