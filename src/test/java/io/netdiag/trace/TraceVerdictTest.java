package io.netdiag.trace;

import io.netdiag.explain.Category;
import io.netdiag.ping.EchoCodec;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules that turn per-hop counters into rows and a verdict, and the probe headers on the wire. */
class TraceVerdictTest {
    private static final InetAddress TARGET = address("10.71.4.2");
    private static final TraceRequest ICMP = TraceRequest.to("10.71.4.2");

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A hop that answered {@code answered} of {@code sent} probes with {@code answer}, from {@code from}. */
    private static Hop hop(int ttl, String from, int sent, int answered, Answer answer) {
        Hop h = new Hop(ttl);
        for (int i = 0; i < answered; i++) {
            h.answered(from == null ? null : address(from), answer, 0.1, answer == Answer.TIME_EXCEEDED ? 11 : 0, 0, 0, 64);
        }
        for (int i = answered; i < sent; i++) {
            h.lost();
        }
        return h;
    }

    private static Map<Integer, Hop> path(Hop... hops) {
        Map<Integer, Hop> m = new HashMap<>();
        for (Hop h : hops) {
            m.put(h.ttl, h);
        }
        return m;
    }

    private static Verdict verdict(TraceRequest request, Map<Integer, Hop> hops, int finalTtl, int highest,
                                   TraceResult.Comparison comparison) {
        try (ReverseNames names = new ReverseNames(true)) {
            List<HopStats> rows = Rows.of(request, TARGET, hops, finalTtl, highest, names);
            return Verdicts.decide(request, TARGET, rows, comparison, -1, -1);
        }
    }

    private static List<HopStats> rows(Map<Integer, Hop> hops, int finalTtl, int highest) {
        try (ReverseNames names = new ReverseNames(true)) {
            return Rows.of(ICMP, TARGET, hops, finalTtl, highest, names);
        }
    }

    @Test
    void lossAtOneHopThatLaterHopsDoNotShowIsRateLimitingAndTheDestinationIsReached() {
        Map<Integer, Hop> hops = path(hop(1, "10.71.1.1", 30, 8, Answer.TIME_EXCEEDED), hop(2, "10.71.2.2", 30, 30, Answer.TIME_EXCEEDED),
                hop(3, "10.71.4.2", 30, 30, Answer.REPLY));
        List<HopStats> rows = rows(hops, 3, 3);
        assertTrue(rows.get(0).rateLimited());
        assertFalse(rows.get(1).rateLimited());
        Verdict v = verdict(ICMP, hops, 3, 3, null);
        assertEquals(Verdict.Kind.REACHED, v.kind());
        assertTrue(v.text().contains("Hop 1 (10.71.1.1) limits its ICMP replies"), v.text());
    }

    @Test
    void lossFromOneHopToTheDestinationIsForwardingLossStartingThere() {
        Map<Integer, Hop> hops = path(hop(1, "10.71.1.1", 10, 10, Answer.TIME_EXCEEDED), hop(2, "10.71.2.2", 10, 6, Answer.TIME_EXCEEDED),
                hop(3, "10.71.4.2", 10, 7, Answer.REPLY));
        Verdict v = verdict(ICMP, hops, 3, 3, null);
        assertEquals(Verdict.Kind.FORWARDING_LOSS, v.kind());
        assertEquals(2, v.ttl());
        assertEquals(Category.TIMEOUT, v.category());
        assertFalse(rows(hops, 3, 3).get(1).rateLimited(), "loss that persists is not rate limiting");
    }

    @Test
    void aRateLimitedHopBeforeRealLossDoesNotMoveWhereTheLossStarts() {
        Map<Integer, Hop> hops = path(hop(1, "10.71.1.1", 20, 4, Answer.TIME_EXCEEDED), hop(2, "10.71.2.2", 20, 20, Answer.TIME_EXCEEDED),
                hop(3, "10.71.3.2", 20, 14, Answer.TIME_EXCEEDED), hop(4, "10.71.4.2", 20, 14, Answer.REPLY));
        Verdict v = verdict(ICMP, hops, 4, 4, null);
        assertEquals(Verdict.Kind.FORWARDING_LOSS, v.kind());
        assertEquals(3, v.ttl());
    }

    @Test
    void aSilentHopIsNotedAndDoesNotStopTheTrace() {
        Map<Integer, Hop> hops = path(hop(1, "10.71.1.1", 3, 3, Answer.TIME_EXCEEDED), hop(2, null, 3, 0, Answer.LOST),
                hop(3, "10.71.4.2", 3, 3, Answer.REPLY));
        List<HopStats> rows = rows(hops, 3, 3);
        assertTrue(rows.get(1).silent());
        assertNull(rows.get(1).address());
        assertEquals(Verdict.Kind.REACHED, verdict(ICMP, hops, 3, 3, null).kind());
    }

    @Test
    void probesThatStopWhileIcmpGoesFurtherAreBlockedAtTheLastHopThatAnswered() {
        TraceRequest tcp = ICMP.tcp(5432);
        Map<Integer, Hop> hops = path(hop(1, "10.71.1.1", 3, 3, Answer.TIME_EXCEEDED), hop(2, "10.71.2.2", 3, 3, Answer.TIME_EXCEEDED),
                hop(3, null, 3, 0, Answer.LOST));
        Verdict blocked = verdict(tcp, hops, 0, 2, new TraceResult.Comparison(Protocol.ICMP, 0, true, 4, TARGET));
        assertEquals(Verdict.Kind.BLOCKED, blocked.kind());
        assertEquals(2, blocked.ttl());
        assertEquals("TCP to port 5432 is dropped at or after hop 2 (10.71.2.2); ICMP reaches the destination at hop 4.",
                blocked.text());
        Verdict unreachable = verdict(tcp, hops, 0, 2, new TraceResult.Comparison(Protocol.ICMP, 0, false, 2, address("10.71.2.2")));
        assertEquals(Verdict.Kind.UNREACHABLE, unreachable.kind());
        assertEquals(3, rows(hops, 0, 2).size(), "one silent row past the last that answered, as mtr");
    }

    @Test
    void anIcmpErrorFromARouterIsARejectionNamingTheSender() {
        Hop rejecting = new Hop(3);
        rejecting.answered(address("10.71.2.2"), Answer.REJECTED, 0.1, 3, 13, 0, 64);
        Map<Integer, Hop> hops = path(hop(1, "10.71.1.1", 1, 1, Answer.TIME_EXCEEDED), hop(2, "10.71.2.2", 1, 1, Answer.TIME_EXCEEDED),
                rejecting);
        Verdict v = verdict(ICMP.tcp(22), hops, 3, 3, null);
        assertEquals(Verdict.Kind.REJECTED, v.kind());
        assertEquals(address("10.71.2.2"), v.address());
        assertTrue(v.text().contains("rejected by 10.71.2.2 at hop 3: Packet filtered"), v.text());
        assertNotNull(v.category());
    }

    @Test
    void udpProbesCarryTheirIdInAValidChecksumAndRoutersQuotesGiveItBack() {
        byte[] src = address("10.71.1.2").getAddress();
        byte[] dst = TARGET.getAddress();
        byte[] udp = new byte[36];
        TransportHeaders.udp(udp, udp.length, 40000, 33434, 0x1234, src, dst);
        assertEquals(0x1234, ((udp[6] & 0xff) << 8) | (udp[7] & 0xff));
        // a receiver's check: the sum over pseudo-header and datagram is 0xffff, so the inverted checksum is 0
        byte[] pseudo = new byte[12 + udp.length];
        System.arraycopy(src, 0, pseudo, 0, 4);
        System.arraycopy(dst, 0, pseudo, 4, 4);
        pseudo[9] = 17;
        pseudo[11] = (byte) udp.length;
        System.arraycopy(udp, 0, pseudo, 12, udp.length);
        assertEquals(0, EchoCodec.checksum(pseudo, 0, pseudo.length));
        // a time-exceeded quoting the IP header and the first 8 bytes
        byte[] icmp = new byte[8 + 20 + 8];
        icmp[0] = 11;
        icmp[8] = 0x45;
        icmp[8 + 9] = 17;
        System.arraycopy(dst, 0, icmp, 8 + 16, 4);
        System.arraycopy(udp, 0, icmp, 28, 8);
        QuotedProbe q = QuotedProbe.parse(icmp, 0, false);
        assertNotNull(q);
        assertEquals(40000, q.sourcePort());
        assertEquals(33434, q.destinationPort());
        assertEquals(0x1234, q.word() & 0xffff);
        assertNull(QuotedProbe.parse(java.util.Arrays.copyOf(icmp, 30), 0, false), "too short to name a probe");
    }
}
