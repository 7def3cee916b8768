package io.netdiag.trace;

import io.netdiag.os.AddressText;
import io.netdiag.ping.IcmpTexts;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns collected counters into the rows users read: which TTLs to show (up to the destination, or one
 * silent TTL past the last that answered, as mtr does), and what each row's loss means. Loss at a hop
 * that later hops do not show is that router limiting its ICMP replies, not loss of forwarded packets.
 */
final class Rows {
    /** Loss at a hop this many percentage points above the least loss after it is the router's own (with loss after it). */
    static final double RATE_LIMIT_MARGIN = 20;

    private Rows() {
    }

    static int lastRow(TraceRequest request, int finalTtl, int highestAnswered) {
        if (finalTtl > 0) {
            return finalTtl;
        }
        return Math.min(request.maxTtl(), Math.max(request.firstTtl(), highestAnswered + 1));
    }

    static List<HopStats> of(TraceRequest request, InetAddress target, Map<Integer, Hop> hops, int finalTtl,
                             int highestAnswered, ReverseNames names) {
        int last = lastRow(request, finalTtl, highestAnswered);
        List<Hop> shown = new ArrayList<>();
        for (int ttl = request.firstTtl(); ttl <= last; ttl++) {
            shown.add(hops.getOrDefault(ttl, new Hop(ttl)));
        }
        boolean v6 = target instanceof Inet6Address;
        List<HopStats> rows = new ArrayList<>();
        int previousMtu = -1;
        for (int i = 0; i < shown.size(); i++) {
            Hop h = shown.get(i);
            double loss = h.lossPercent();
            boolean laterAnswers = false;
            double leastLaterLoss = Double.MAX_VALUE;
            for (int j = i + 1; j < shown.size(); j++) {
                Hop later = shown.get(j);
                if (later.received > 0) {
                    laterAnswers = true;
                    leastLaterLoss = Math.min(leastLaterLoss, later.lossPercent());
                }
            }
            boolean silent = h.sent > 0 && h.received == 0 && laterAnswers;
            boolean rateLimited = h.received > 0 && loss > 0 && laterAnswers && leastLaterLoss < loss
                    && (leastLaterLoss == 0 || loss - leastLaterLoss >= RATE_LIMIT_MARGIN);
            List<String> notes = new ArrayList<>();
            InetAddress address = h.address();
            List<InetAddress> others = new ArrayList<>();
            for (InetAddress a : h.addresses.keySet()) {
                if (!a.equals(address)) {
                    others.add(a);
                }
            }
            if (silent) {
                notes.add("silent: this router sends no time-exceeded (later hops answer); not a fault");
            }
            if (rateLimited) {
                notes.add(String.format(Locale.ROOT,
                        "rate-limited: %.0f%% of its replies missing while later hops lose %.0f%%: the router limits its ICMP "
                                + "replies; not loss of forwarded packets", loss, leastLaterLoss));
            }
            if (!others.isEmpty()) {
                notes.add("also answered from " + String.join(", ", others.stream().map(AddressText::of).toList())
                        + " (ECMP or a route change)");
            }
            String icmpText = null;
            if (h.rejectedBy != null || h.answer() == Answer.CLOSED || h.answer() == Answer.REJECTED) {
                icmpText = h.lastType < 0 ? "TCP RST" : v6 ? IcmpTexts.v6(h.lastType, h.lastCode, h.lastInfo)
                        : IcmpTexts.v4(h.lastType, h.lastCode, h.lastInfo);
                Answer a = h.answer();
                if (a == Answer.REJECTED) {
                    notes.add("rejected by " + (h.rejectedBy == null ? "?" : AddressText.of(h.rejectedBy)) + ": " + icmpText);
                } else if (a == Answer.CLOSED) {
                    notes.add("port closed: " + icmpText);
                }
            }
            int mtu = request.mtu() && h.received > 0 ? h.mtu : -1;
            if (mtu > 0) {
                if (previousMtu > 0 && mtu < previousMtu) {
                    notes.add("path MTU drops to " + mtu + " here (F=" + mtu + "): the link into this hop is smaller");
                }
                previousMtu = mtu;
            }
            rows.add(new HopStats(h.ttl, address, others, names.name(address), h.sent, h.received, loss, h.rtt(),
                    h.answer(), icmpText == null ? -1 : h.lastType, icmpText == null ? -1 : h.lastCode, icmpText, mtu, rateLimited, silent, notes));
        }
        return rows;
    }
}
