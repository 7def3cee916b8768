package io.netdiag.trace;

import io.netdiag.explain.Category;
import io.netdiag.os.AddressText;
import io.netdiag.ping.IcmpErrnos;
import io.netdiag.ping.IcmpMeaning;
import io.netdiag.ping.PingSummary;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The path verdict from the rows: reached, port closed, rejected (naming who sent the ICMP error),
 * blocked (the probes stop early while another protocol goes further), unreachable, or loss of forwarded
 * packets that starts at one hop and persists to the end. Rate-limited and silent hops never drive it.
 */
final class Verdicts {
    private Verdicts() {
    }

    /** Where forwarding loss starts: the first of the answering rows that all lose to the end; -1 for none. */
    static int lossStart(List<HopStats> rows) {
        List<HopStats> answering = rows.stream().filter(h -> h.received() > 0).toList();
        if (answering.isEmpty() || answering.getLast().lossPercent() <= 0) {
            return -1;
        }
        int start = answering.size() - 1;
        double worst = answering.getLast().lossPercent();
        while (start > 0) {
            HopStats before = answering.get(start - 1);
            // a hop before that loses far more than the hops after it is limiting its own replies
            if (before.lossPercent() <= 0 || before.lossPercent() > worst + Rows.RATE_LIMIT_MARGIN) {
                break;
            }
            worst = Math.max(worst, before.lossPercent());
            start--;
        }
        return answering.get(start).ttl();
    }

    static Verdict decide(TraceRequest request, InetAddress target, List<HopStats> rows, TraceResult.Comparison comparison,
                          int pathMtuDropTtl, int pathMtu) {
        String probes = request.probeText();
        String dest = AddressText.of(target);
        HopStats end = rows.isEmpty() ? null : rows.getLast();
        String mtuText = pathMtuDropTtl > 0
                ? String.format(Locale.ROOT, " Path MTU %d from hop %d on.", pathMtu, pathMtuDropTtl) : "";
        String silentText = silentText(rows) + rateLimitedText(rows);
        if (end != null && (end.answer() == Answer.REPLY || end.answer() == Answer.CLOSED)
                && target.equals(end.address())) {
            int start = lossStart(rows);
            if (start > 0) {
                HopStats first = rows.stream().filter(h -> h.ttl() == start).findFirst().orElseThrow();
                HopStats before = rows.stream().filter(h -> h.ttl() < start && h.received() > 0).reduce((a, b) -> b).orElse(null);
                return new Verdict(Verdict.Kind.FORWARDING_LOSS, start, first.address(), Category.TIMEOUT,
                        String.format(Locale.ROOT, "%s reaches %s, but %.0f%% of probes are lost from hop %d (%s) to the "
                                        + "destination: forwarded packets are dropped on the link into hop %d%s.%s%s",
                                probes, dest, end.lossPercent(), start, label(first), start,
                                before == null ? "" : " (after " + label(before) + ")", silentText, mtuText),
                        "look at the link and queues between hop " + (start - 1 < 1 ? "this host" : String.valueOf(start - 1))
                                + " and hop " + start + ": interface errors and drops (ip -s link), qdisc drops (tc -s qdisc), "
                                + "firewall rules that drop (nft list ruleset)");
            }
            if (end.answer() == Answer.CLOSED) {
                return new Verdict(Verdict.Kind.PORT_CLOSED, end.ttl(), end.address(), Category.REFUSED,
                        String.format(Locale.ROOT, "%s reaches %s at hop %d, which answers that the port is closed (%s).%s%s",
                                probes, dest, end.ttl(), end.icmpText(), silentText, mtuText),
                        "start the service on port " + request.port() + " of " + dest + " or probe the port it listens on "
                                + "(ss -ltnp there)");
            }
            return new Verdict(Verdict.Kind.REACHED, end.ttl(), end.address(), null,
                    String.format(Locale.ROOT, "%s reaches %s at hop %d.%s%s", probes, dest, end.ttl(), silentText, mtuText),
                    null);
        }
        if (end != null && end.answer() == Answer.REJECTED) {
            return rejected(request, target, end, silentText);
        }
        HopStats lastAnswering = rows.stream().filter(h -> h.received() > 0).reduce((a, b) -> b).orElse(null);
        int lastTtl = lastAnswering == null ? 0 : lastAnswering.ttl();
        String where = lastAnswering == null ? "no hop answers" : "the last hop that answers is hop " + lastTtl + " ("
                + label(lastAnswering) + ")";
        if (comparison != null && (comparison.reached() || comparison.lastTtl() > lastTtl)) {
            String other = comparison.protocol() == Protocol.ICMP ? "ICMP" : comparison.protocol().label();
            String reaches = comparison.reached()
                    ? other + " reaches the destination at hop " + comparison.lastTtl()
                    : other + " reaches hop " + comparison.lastTtl() + " (" + AddressText.of(comparison.lastAddress()) + ")";
            String at = lastAnswering == null ? "before hop " + request.firstTtl()
                    : "at or after hop " + lastTtl + " (" + label(lastAnswering) + ")";
            return new Verdict(Verdict.Kind.BLOCKED, lastAnswering == null ? null : lastTtl,
                    lastAnswering == null ? null : lastAnswering.address(), Category.TIMEOUT,
                    probes + " is dropped " + at + "; " + reaches + "." + silentText,
                    "look for a rule that drops " + probes.replace(" echo", "") + " in the FORWARD chain of hop " + lastTtl
                            + (lastAnswering == null ? "" : " (" + AddressText.of(lastAnswering.address()) + ")")
                            + " or the next router (nft list ruleset, iptables -L FORWARD -n -v), or in the destination's "
                            + "INPUT chain");
        }
        return new Verdict(Verdict.Kind.UNREACHABLE, lastAnswering == null ? null : lastTtl,
                lastAnswering == null ? null : lastAnswering.address(), Category.TIMEOUT,
                probes + " does not reach " + dest + ": " + where
                        + (comparison != null ? ", and " + (comparison.protocol() == Protocol.ICMP ? "ICMP" : comparison.protocol().label())
                        + " gets no further" : "") + "." + silentText,
                lastAnswering == null
                        ? "check this host's route and first router: ip route get " + dest
                        : "check the route onward from hop " + lastTtl + " (ip route get " + dest + " there) and whether "
                        + dest + " is up");
    }

    private static Verdict rejected(TraceRequest request, InetAddress target, HopStats end, String silentText) {
        boolean v6 = target instanceof Inet6Address;
        InetAddress from = end.address();
        // an ICMP error: the classifier's reading of the errno Linux gives it, ping's words where it has none
        PingSummary.Problem p = IcmpMeaning.explain(end.icmpText(), from, end.received(), v6, end.icmpType(), end.icmpCode(),
                IcmpErrnos.of(v6, end.icmpType(), end.icmpCode()));
        Category category;
        try {
            category = Category.fromId(p.category());
        } catch (IllegalArgumentException e) {
            category = Category.UNREACHABLE;
        }
        boolean byDestination = target.equals(from);
        return new Verdict(Verdict.Kind.REJECTED, end.ttl(), from, category,
                request.probeText() + " is rejected " + (byDestination ? "by the destination " : "by ")
                        + (from == null ? "?" : label(end)) + " at hop " + end.ttl() + ": " + end.icmpText() + " ("
                        + p.meaning() + ")." + silentText,
                p.hint() != null && from != null ? p.hint().replace(" there:", " on " + AddressText.of(from) + ":")
                        : p.hint() != null ? p.hint() : "look for a REJECT rule on " + (from == null ? "that hop" : AddressText.of(from))
                        + ": nft list ruleset, iptables -L -n -v");
    }

    static String silentText(List<HopStats> rows) {
        List<String> silent = new ArrayList<>();
        for (HopStats h : rows) {
            if (h.silent()) {
                silent.add(String.valueOf(h.ttl()));
            }
        }
        if (silent.isEmpty()) {
            return "";
        }
        return " Hop" + (silent.size() > 1 ? "s " : " ") + String.join(", ", silent)
                + (silent.size() > 1 ? " never answer" : " never answers") + " (no time-exceeded), not a fault.";
    }

    static String rateLimitedText(List<HopStats> rows) {
        StringBuilder b = new StringBuilder();
        for (HopStats h : rows) {
            if (h.rateLimited()) {
                b.append(String.format(Locale.ROOT, " Hop %d (%s) limits its ICMP replies (%.0f%% missing there, less after "
                        + "it): rate limiting, not loss.", h.ttl(), label(h), h.lossPercent()));
            }
        }
        return b.toString();
    }

    static String label(HopStats h) {
        if (h.address() == null) {
            return "???";
        }
        return h.name() != null ? h.name() + " " + AddressText.of(h.address()) : AddressText.of(h.address());
    }

    /** Adds the forwarding-loss note to the row where the verdict says loss starts. */
    static List<HopStats> markLossStart(List<HopStats> rows, Verdict verdict) {
        if (verdict.kind() != Verdict.Kind.FORWARDING_LOSS || verdict.ttl() == null) {
            return rows;
        }
        List<HopStats> marked = new ArrayList<>();
        for (HopStats h : rows) {
            if (h.ttl() == verdict.ttl()) {
                List<String> notes = new ArrayList<>(h.notes());
                notes.add("loss starts here and persists to the destination: forwarded packets are lost on the link into this hop");
                h = new HopStats(h.ttl(), h.address(), h.others(), h.name(), h.sent(), h.received(), h.lossPercent(), h.rtt(),
                        h.answer(), h.icmpType(), h.icmpCode(), h.icmpText(), h.mtu(), h.rateLimited(), h.silent(), notes);
            }
            marked.add(h);
        }
        return marked;
    }
}
