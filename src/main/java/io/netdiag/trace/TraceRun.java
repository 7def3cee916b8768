package io.netdiag.trace;

import io.netdiag.os.ErrnoException;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One trace on one channel: rounds of probes, every TTL of a round in flight together, answers matched
 * by probe id, probes lost at their time-out. Collects per-TTL counters in {@link Hop}s.
 */
final class TraceRun {
    private static final long MILLI = 1_000_000L;
    /** As mtr's --max-unknown: after this many silent TTLs beyond the last that answered, later rounds stop. */
    static final int MAX_UNKNOWN = 5;
    private static final int MAX_POLL_MILLIS = 50;
    private static final int EMSGSIZE = 90;

    /** A probe in flight. */
    private record Pending(int id, int round, int ttl, int flow, int size, long sentNanos, long sentEpochNanos) {
    }

    /** What a run collected. */
    record Measured(InetAddress target, String socketKind, int rounds, Map<Integer, Hop> hops, int finalTtl,
                    int highestAnswered, int lastSize, long elapsedMillis) {
    }

    private final TraceRequest request;
    private final InetAddress target;
    private final ProbeChannel channel;
    private final TraceListener listener;
    private final BooleanSupplier stop;
    private final ReverseNames names;
    private final Map<Integer, Hop> hops = new HashMap<>();
    private final Map<Integer, Pending> pending = new HashMap<>();
    /** Probe events of rounds not yet settled, so that the listener hears only the TTLs that end up as rows. */
    private final java.util.TreeMap<Integer, List<ProbeEvent>> unsettled = new java.util.TreeMap<>();
    private final List<Pending> resend = new ArrayList<>();
    private int nextId = 1;
    private int finalTtl;
    private int highestAnswered;
    private int size;

    TraceRun(TraceRequest request, InetAddress target, ProbeChannel channel, TraceListener listener, BooleanSupplier stop,
             ReverseNames names, int size) {
        this.request = request;
        this.target = target;
        this.channel = channel;
        this.listener = listener;
        this.stop = stop;
        this.names = names;
        this.size = size;
    }

    Measured run() throws ErrnoException {
        long start = System.nanoTime();
        long interval = request.intervalMillis() * MILLI;
        long timeout = request.timeoutMillis() * MILLI;
        long nextRound = start;
        int round = 0;
        int rounds = request.rounds();
        ProbeChannel.Sink sink = this::answer;
        while (!stop.getAsBoolean()) {
            long now = System.nanoTime();
            if ((rounds <= 0 || round < rounds) && now >= nextRound) {
                round++;
                if (round > 1) {
                    listener.round(round - 1, Rows.of(request, target, hops, finalTtl, highestAnswered, names));
                }
                sendRound(round);
                nextRound += interval;
                if (nextRound < now) {
                    nextRound = now;
                }
            }
            expire(System.nanoTime(), timeout);
            boolean allSent = rounds > 0 && round >= rounds;
            if (allSent && !waitingForRelevant()) {
                break;
            }
            long wakeAt = allSent ? Long.MAX_VALUE : nextRound;
            for (Pending p : pending.values()) {
                wakeAt = Math.min(wakeAt, p.sentNanos() + timeout);
            }
            long wait = Math.max(0, wakeAt - System.nanoTime());
            channel.await((int) Math.min(MAX_POLL_MILLIS, (wait + MILLI - 1) / MILLI));
            channel.drain(sink);
            resendTooBig();
            settle(false);
        }
        channel.drain(sink);
        settle(true);
        long elapsed = (System.nanoTime() - start) / MILLI;
        listener.round(round, Rows.of(request, target, hops, finalTtl, highestAnswered, names));
        return new Measured(target, channel.kind(), round, hops, finalTtl, highestAnswered, size,
                elapsed);
    }

    /** Whether a probe that can still change a shown row is in flight. */
    private boolean waitingForRelevant() {
        int limit = finalTtl > 0 ? finalTtl : Integer.MAX_VALUE;
        for (Pending p : pending.values()) {
            if (p.ttl() <= limit) {
                return true;
            }
        }
        return false;
    }

    private void sendRound(int round) throws ErrnoException {
        int limit = request.maxTtl();
        if (finalTtl > 0) {
            limit = finalTtl;
        } else if (round > 1 && highestAnswered > 0) {
            limit = Math.min(limit, highestAnswered + MAX_UNKNOWN);
        }
        int flow = (round - 1) % Math.max(1, request.flows());
        for (int ttl = request.firstTtl(); ttl <= limit; ttl++) {
            send(round, ttl, flow);
        }
    }

    private void send(int round, int ttl, int flow) throws ErrnoException {
        int id = nextId;
        nextId = nextId == 0xffff ? 1 : nextId + 1;
        pending.remove(id); // a probe 65535 ids old is long lost
        long nanos = System.nanoTime();
        long epoch;
        try {
            epoch = channel.send(id, ttl, flow, size);
        } catch (ErrnoException e) {
            // EHOSTUNREACH/ENETUNREACH from the local stack, EMSGSIZE above the interface MTU: the probe is lost
            if (e.errno() == EMSGSIZE && request.mtu()) {
                size = Math.max(size - 8, 68);
            }
            hop(ttl).lost();
            event(new ProbeEvent(round, ttl, flow, size, Answer.LOST, null, -1, -1, -1, 0));
            return;
        }
        pending.put(id, new Pending(id, round, ttl, flow, size, nanos, epoch));
    }

    private void event(ProbeEvent e) {
        unsettled.computeIfAbsent(e.round(), r -> new ArrayList<>()).add(e);
    }

    /** Hands the listener the events of every round that has no probe in flight, in TTL order; all of them at the end. */
    private void settle(boolean all) {
        int last = Rows.lastRow(request, finalTtl, highestAnswered);
        while (!unsettled.isEmpty()) {
            int round = unsettled.firstKey();
            if (!all && pending.values().stream().anyMatch(p -> p.round() == round)) {
                return;
            }
            List<ProbeEvent> events = new ArrayList<>(unsettled.remove(round));
            events.sort(java.util.Comparator.comparingInt(ProbeEvent::ttl));
            for (ProbeEvent e : events) {
                if (e.ttl() <= last) {
                    listener.probe(e);
                }
            }
        }
    }

    private void resendTooBig() throws ErrnoException {
        for (Pending old : resend) {
            send(old.round(), old.ttl(), old.flow());
        }
        resend.clear();
    }

    private Hop hop(int ttl) {
        return hops.computeIfAbsent(ttl, Hop::new);
    }

    private void expire(long now, long timeout) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (now - p.sentNanos() >= timeout) {
                it.remove();
                hop(p.ttl()).lost();
                event(new ProbeEvent(p.round(), p.ttl(), p.flow(), p.size(), Answer.LOST, null, -1, -1, -1, 0));
            }
        }
    }

    private void answer(int id, InetAddress from, Answer answer, int type, int code, long info, long kernelEpochNanos) {
        if (id < 0) {
            id = oldestTowardsTheEnd(); // a UDP reply names no probe: the oldest one that went furthest
        }
        Pending p = pending.remove(id);
        if (p == null) {
            return; // late, duplicated, or another program's
        }
        long nowNanos = System.nanoTime();
        double rtt = kernelEpochNanos > 0 && kernelEpochNanos >= p.sentEpochNanos()
                ? (kernelEpochNanos - p.sentEpochNanos()) / 1e6 : (nowNanos - p.sentNanos()) / 1e6;
        if (answer == Answer.TOO_BIG && request.mtu()) {
            // not this hop's answer: the next link is smaller; later rounds send that size
            if (info > 0 && info < size) {
                size = (int) info;
            }
            if (p.size() > size) {
                resend.add(p); // the same TTL again, at once, at the size the error named
            }
            event(new ProbeEvent(p.round(), p.ttl(), p.flow(), p.size(), answer, from, rtt, type, code, info));
            return;
        }
        if (answer == Answer.TOO_BIG) {
            answer = Answer.REJECTED;
        }
        hop(p.ttl()).answered(from, answer, rtt, type, code, info, p.size());
        names.want(from);
        if (answer == Answer.REPLY || answer == Answer.CLOSED || answer == Answer.REJECTED) {
            if (finalTtl == 0 || p.ttl() < finalTtl) {
                finalTtl = p.ttl();
            }
        }
        highestAnswered = Math.max(highestAnswered, p.ttl());
        event(new ProbeEvent(p.round(), p.ttl(), p.flow(), p.size(), answer, from, rtt, type, code, info));
    }

    private int oldestTowardsTheEnd() {
        Pending best = null;
        for (Pending p : pending.values()) {
            if (best == null || p.round() < best.round() || (p.round() == best.round() && p.ttl() > best.ttl())) {
                best = p;
            }
        }
        return best == null ? -1 : best.id();
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
