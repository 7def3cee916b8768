package io.netdiag.output;

import io.netdiag.os.AddressText;
import io.netdiag.trace.HopStats;
import io.netdiag.trace.ProbeEvent;
import io.netdiag.trace.TraceListener;
import io.netdiag.trace.TraceResult;
import io.netdiag.trace.Verdict;

import java.io.PrintWriter;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code netdiag trace} output: mtr's {@code -r} report (the same columns), each hop's notes under its row,
 * then the verdict as ping prints its explanations ({@code why:} with the category, {@code try:}). With
 * {@code --json}: a {@code "type":"probe"} object per hop per round as they settle, then one
 * {@code "type":"summary"} object.
 */
public final class TraceRenderer implements TraceListener {
    private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");
    private final PrintWriter out;
    private final boolean json;
    private final String host;
    private final ZonedDateTime start = ZonedDateTime.now();

    /** {@code host}: this machine's name, as mtr prints it after {@code HOST:}. */
    public TraceRenderer(PrintWriter out, boolean json, String host) {
        this.out = out;
        this.json = json;
        this.host = host;
    }

    @Override
    public void probe(ProbeEvent e) {
        if (!json) {
            return;
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "probe");
        o.put("round", e.round());
        o.put("ttl", e.ttl());
        o.put("flow", e.flow());
        o.put("size", e.size());
        o.put("answer", e.answer());
        o.put("address", text(e.from()));
        o.put("rtt_ms", e.rttMs() < 0 ? null : round3(e.rttMs()));
        o.put("icmp_type", e.icmpType() < 0 ? null : e.icmpType());
        o.put("icmp_code", e.icmpCode() < 0 ? null : e.icmpCode());
        o.put("mtu", e.info() > 0 ? e.info() : null);
        synchronized (out) {
            out.println(Json.compact(o));
            out.flush();
        }
    }

    /** The report (or the JSON summary) of a finished trace. */
    public void result(TraceResult r) {
        if (json) {
            out.println(Json.compact(summary(r)));
            out.flush();
            return;
        }
        out.print(report(r, host, start));
        out.flush();
    }

    /** The mtr -r style table, notes and the why:/try: lines. */
    public static String report(TraceResult r, String host, ZonedDateTime start) {
        StringBuilder b = new StringBuilder();
        b.append("Start: ").append(start.format(START)).append('\n');
        b.append(table(r.hops(), host));
        b.append(verdictLines(r));
        return b.toString();
    }

    /** The header and one row per hop (notes indented under it), mtr -r's columns. */
    public static String table(List<HopStats> hops, String host) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "HOST: %-28s%s%n", host, "Loss%   Snt   Last   Avg  Best  Wrst StDev"));
        int previousMtu = -1;
        for (HopStats h : hops) {
            String who = h.address() == null ? "???" : h.name() != null ? h.name() : AddressText.of(h.address());
            HopStats.Rtt t = h.rtt();
            // mtr's Loss% column: "0.0%" right-aligned in five characters, and "100.0" without the sign
            String loss = h.lossPercent() >= 99.95 ? "100.0" : String.format(Locale.ROOT, "%.1f%%", h.lossPercent());
            b.append(String.format(Locale.ROOT, " %2d.|-- %-26s%5s%6d%7.1f%6.1f%6.1f%6.1f%6.1f%n", h.ttl(), who,
                    loss, h.sent(), t == null ? 0 : t.last(), t == null ? 0 : t.avg(), t == null ? 0 : t.min(),
                    t == null ? 0 : t.max(), t == null ? 0 : t.stdev()));
            if (h.name() != null && h.address() != null) {
                b.append("        ").append(AddressText.of(h.address())).append('\n');
            }
            if (h.mtu() > 0 && h.mtu() != previousMtu && previousMtu < 0) {
                b.append("        mtu ").append(h.mtu()).append('\n'); // the first; drops are in the notes
            }
            if (h.mtu() > 0) {
                previousMtu = h.mtu();
            }
            for (String note : h.notes()) {
                b.append("        ").append(note).append('\n');
            }
        }
        return b.toString();
    }

    static String verdictLines(TraceResult r) {
        Verdict v = r.verdict();
        StringBuilder b = new StringBuilder();
        b.append("why: ").append(v.kind().id());
        if (v.category() != null) {
            b.append(" [").append(v.category().id()).append(']');
        }
        b.append(": ").append(v.text()).append('\n');
        if (v.next() != null) {
            b.append("try: ").append(v.next()).append('\n');
        }
        return b.toString();
    }

    /** The summary object, with exactly the keys the man page documents. */
    public static Map<String, Object> summary(TraceResult r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "summary");
        o.put("destination", r.destination());
        o.put("address", text(r.address()));
        o.put("protocol", r.protocol());
        o.put("port", r.port() == 0 ? null : r.port());
        o.put("socket", r.socketKind());
        o.put("rounds", r.rounds());
        o.put("reached", r.reached());
        o.put("path_mtu", r.pathMtu() > 0 ? r.pathMtu() : null);
        List<Object> hops = new ArrayList<>();
        for (HopStats h : r.hops()) {
            Map<String, Object> hop = new LinkedHashMap<>();
            hop.put("ttl", h.ttl());
            hop.put("address", text(h.address()));
            hop.put("name", h.name());
            hop.put("sent", h.sent());
            hop.put("received", h.received());
            hop.put("loss_percent", round3(h.lossPercent()));
            HopStats.Rtt t = h.rtt();
            if (t == null) {
                hop.put("rtt_ms", null);
            } else {
                Map<String, Object> rtt = new LinkedHashMap<>();
                rtt.put("last", round3(t.last()));
                rtt.put("min", round3(t.min()));
                rtt.put("avg", round3(t.avg()));
                rtt.put("max", round3(t.max()));
                rtt.put("stdev", round3(t.stdev()));
                hop.put("rtt_ms", rtt);
            }
            hop.put("answer", h.answer());
            hop.put("icmp", h.icmpText());
            hop.put("mtu", h.mtu() > 0 ? h.mtu() : null);
            hop.put("rate_limited", h.rateLimited());
            hop.put("silent", h.silent());
            hop.put("others", h.others().stream().map(TraceRenderer::text).toList());
            hop.put("notes", h.notes());
            hops.add(hop);
        }
        o.put("hops", hops);
        Verdict v = r.verdict();
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("kind", v.kind().id());
        verdict.put("ttl", v.ttl());
        verdict.put("address", text(v.address()));
        verdict.put("category", v.category() == null ? null : v.category().id());
        verdict.put("text", v.text());
        verdict.put("next", v.next());
        o.put("verdict", verdict);
        TraceResult.Comparison c = r.comparison();
        if (c == null) {
            o.put("comparison", null);
        } else {
            Map<String, Object> cmp = new LinkedHashMap<>();
            cmp.put("protocol", c.protocol());
            cmp.put("port", c.port() == 0 ? null : c.port());
            cmp.put("reached", c.reached());
            cmp.put("last_ttl", c.lastTtl() == 0 ? null : c.lastTtl());
            cmp.put("last_address", text(c.lastAddress()));
            o.put("comparison", cmp);
        }
        o.put("elapsed_ms", r.elapsedMillis());
        return o;
    }

    private static String text(java.net.InetAddress a) {
        return a == null ? null : AddressText.of(a);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
