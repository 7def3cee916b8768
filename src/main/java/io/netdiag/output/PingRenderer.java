package io.netdiag.output;

import io.netdiag.ping.PingEvent;
import io.netdiag.ping.PingListener;
import io.netdiag.ping.PingSummary;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Prints ping events and statistics in iputils ping's exact shape (ping_common.c gather_statistics and
 * finish), or as one JSON object per line with a {@code type} key: start, reply, error, local-error,
 * no-answer, summary.
 */
public final class PingRenderer implements PingListener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    /** The run's target is a broadcast or multicast address: replies are not marked (DUP!), as in iputils. */
    private boolean groupAddress;
    private final boolean quiet;
    private final boolean timestamps;
    private final boolean flood;
    private int port;
    private boolean several;
    private final java.util.Map<String, long[]> running = new java.util.HashMap<>();

    public PingRenderer(PrintWriter out, PrintWriter err, boolean json, boolean quiet, boolean timestamps, boolean flood) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.quiet = quiet;
        this.timestamps = timestamps;
        this.flood = flood;
    }

    /** The port of TCP and UDP probes, for their header line. */
    public PingRenderer port(int port) {
        this.port = port;
        return this;
    }

    /** fping-style lines for several targets: {@code TARGET : [N], ...}, and a table at the end. */
    public PingRenderer several(boolean several) {
        this.several = several;
        return this;
    }

    @Override
    public synchronized void on(PingEvent event) {
        if (json) {
            json(event);
            return;
        }
        if (several) {
            fping(event);
            return;
        }
        switch (event) {
            case PingEvent.Start s -> {
                groupAddress = s.groupAddress();
                if (s.pattern() != null && !quiet) {
                    out.println("PATTERN: 0x" + s.pattern());
                }
                // -I: iputils' "from SOURCE DEVICE: " (the device empty when an address was given)
                String source = s.source() == null ? null : io.netdiag.os.AddressText.of(s.source());
                if (source != null && source.contains("%") && s.device() != null) {
                    source = source.substring(0, source.indexOf('%') + 1) + s.device(); // getnameinfo names the scope
                }
                String from = source == null ? "" : "from " + source + " " + (s.device() == null ? "" : s.device()) + ": ";
                if (!s.probe().equals("icmp")) {
                    out.println(s.probe().toUpperCase(java.util.Locale.ROOT) + " PING " + s.target() + " (" + s.addressLabel()
                            + ") " + from + "port " + port + ".");
                } else if (s.ipv6()) {
                    out.println("PING " + s.target() + "(" + s.addressLabel() + ") " + from + s.dataLength() + " data bytes");
                } else {
                    out.println("PING " + s.target() + " (" + s.addressLabel() + ") " + from + s.dataLength() + "("
                            + (s.dataLength() + 28) + ") bytes of data.");
                }
            }
            case PingEvent.Warning w -> {
                out.flush();
                err.println("netdiag ping: " + w.text());
                err.flush();
            }
            case PingEvent.WrongData w -> {
                if (quiet || flood) {
                    return;
                }
                // iputils: the differing byte, then the data from byte 16 in rows of 32, each "#N<TAB>" and "%x " per byte
                StringBuilder b = new StringBuilder("wrong data byte #");
                b.append(w.index()).append(" should be 0x").append(Integer.toHexString(w.expected()))
                        .append(" but was 0x").append(Integer.toHexString(w.actual()));
                byte[] data = w.data();
                for (int i = 0; i < data.length; i++) {
                    int index = i + io.netdiag.ping.EchoCodec.TIMESTAMP_BYTES;
                    if (index % 32 == io.netdiag.ping.EchoCodec.TIMESTAMP_BYTES) {
                        b.append("\n#").append(index).append('\t');
                    }
                    b.append(Integer.toHexString(data[i] & 0xff)).append(' ');
                }
                out.println(b);
            }
            case PingEvent.Sent s -> {
                if (flood && !quiet) {
                    out.print('.');
                }
            }
            case PingEvent.Reply r -> {
                if (quiet) {
                    return;
                }
                if (flood) {
                    out.print("\b \b");
                    break;
                }
                StringBuilder line = new StringBuilder(prefix(r.epochMicros()));
                line.append(r.bytes()).append(" bytes from ").append(r.fromLabel()).append(": icmp_seq=").append(r.sequence());
                if (r.ttl() >= 0) {
                    line.append(" ttl=").append(r.ttl());
                }
                if (r.truncated()) {
                    line.append(" (truncated)");
                } else if (r.rttMicros() >= 0) {
                    line.append(" time=").append(time(r.rttMicros())).append(" ms");
                }
                if (r.duplicate() && !r.truncated() && !groupAddress) {
                    line.append(" (DUP!)");
                }
                out.println(line);
            }
            case PingEvent.IcmpError e -> {
                if (quiet) {
                    return;
                }
                if (flood) {
                    out.print("\bE");
                    break;
                }
                out.println(prefix(e.epochMicros()) + "From " + e.fromLabel() + " icmp_seq=" + e.sequence() + " " + e.text());
            }
            case PingEvent.LocalError l -> {
                if (quiet) {
                    return;
                }
                if (flood) {
                    out.print('E');
                    break;
                }
                out.flush();
                err.println("netdiag ping: " + l.text());
                err.flush();
            }
            case PingEvent.NoAnswerYet n -> out.println(prefix(n.epochMicros()) + "no answer yet for icmp_seq=" + n.sequence());
            case PingEvent.PortProbe p -> {
                if (quiet) {
                    return;
                }
                String where = (p.address() instanceof java.net.Inet6Address ? "[" + io.netdiag.os.AddressText.of(p.address()) + "]"
                        : io.netdiag.os.AddressText.of(p.address())) + ":" + p.port();
                String seq = p.protocol() + "_seq=" + p.sequence();
                String line = switch (p.state()) {
                    case "open" -> (p.protocol().equals("tcp") ? "connected to " : "reply from ") + where + ": " + seq + " open time="
                            + time(p.rttMicros()) + " ms";
                    case "timeout", "open|filtered" -> "no answer from " + where + ": " + seq + " " + p.state();
                    default -> "From " + where + " " + seq + " " + p.reason() + " (" + p.state() + ")";
                };
                out.println(prefix(p.epochMicros()) + line);
            }
        }
        out.flush();
    }

    private void fping(PingEvent event) {
        long[] r = running.computeIfAbsent(event.target(), t -> new long[3]); // sent, received, rtt sum
        switch (event) {
            case PingEvent.Sent s -> r[0]++;
            case PingEvent.Reply p -> {
                if (!p.duplicate()) {
                    r[1]++;
                }
                if (p.rttMicros() >= 0) {
                    r[2] += p.rttMicros();
                }
                if (!quiet) {
                    String time = p.rttMicros() >= 0 ? ", " + time(p.rttMicros()) + " ms (" + time(r[2] / Math.max(1, r[1]))
                            + " avg, " + (r[0] == 0 ? 0 : (r[0] - r[1]) * 100 / r[0]) + "% loss)" : "";
                    out.println(prefix(p.epochMicros()) + p.target() + " : [" + (p.sequence() - 1) + "], " + p.bytes() + " bytes"
                            + time + (p.duplicate() ? " (DUP!)" : ""));
                }
            }
            case PingEvent.IcmpError e -> {
                if (!quiet) {
                    out.println(prefix(e.epochMicros()) + e.target() + " : [" + (e.sequence() - 1) + "], From " + e.fromLabel() + " "
                            + e.text());
                }
            }
            case PingEvent.PortProbe p -> {
                if (!quiet) {
                    String detail = p.state().equals("open") ? "open, " + time(p.rttMicros()) + " ms"
                            : p.reason() == null || p.state().equals("timeout") || p.state().equals("open|filtered") ? p.state()
                            : p.state() + ", " + p.reason();
                    out.println(prefix(p.epochMicros()) + p.target() + " : [" + (p.sequence() - 1) + "], " + p.protocol() + "/" + p.port()
                            + " " + detail);
                }
            }
            case PingEvent.LocalError l -> {
                if (!quiet) {
                    err.println("netdiag ping: " + l.target() + ": " + l.text());
                    err.flush();
                }
            }
            case PingEvent.Start s -> {
            }
            case PingEvent.NoAnswerYet n -> {
            }
            case PingEvent.WrongData w -> {
            }
            case PingEvent.Warning w -> {
                err.println("netdiag ping: " + w.target() + ": " + w.text());
                err.flush();
            }
        }
        out.flush();
    }

    /** The final table of several targets (text), or one summary object per target (JSON). */
    public synchronized void table(java.util.List<PingSummary> summaries) {
        if (json) {
            summaries.forEach(this::summary);
            return;
        }
        Table table = new Table("TARGET", "ADDRESS", "SENT", "RECV", "LOSS", "MIN/AVG/MAX ms", "STATUS")
                .align(2, Table.Align.RIGHT).align(3, Table.Align.RIGHT).align(4, Table.Align.RIGHT);
        java.util.Map<String, long[]> why = new java.util.LinkedHashMap<>();
        java.util.Map<String, PingSummary.Problem> whyText = new java.util.LinkedHashMap<>();
        for (PingSummary s : summaries) {
            PingSummary.Rtt r = s.rtt();
            String status = s.received() > 0 ? (s.probe().equals("icmp") ? "alive" : "open")
                    : s.problems().isEmpty() ? "no reply" : s.problems().getFirst().text();
            table.row(s.target(), io.netdiag.os.AddressText.of(s.address()), s.transmitted(), s.received(),
                    percent(s.lossPercent()) + "%", r == null ? "-" : millis(r.minMicros()) + "/" + millis(r.avgMicros()) + "/"
                            + millis(r.maxMicros()), status);
            for (PingSummary.Problem p : s.problems()) {
                why.computeIfAbsent(p.text(), k -> new long[2])[0] += p.count();
                why.get(p.text())[1]++;
                whyText.putIfAbsent(p.text(), p);
            }
        }
        out.println();
        out.print(table.render());
        for (var e : why.entrySet()) {
            PingSummary.Problem p = whyText.get(e.getKey());
            out.println("why: " + e.getValue()[0] + " x " + e.getKey() + " (" + e.getValue()[1] + " target"
                    + (e.getValue()[1] == 1 ? "" : "s") + "): " + p.meaning());
            if (p.hint() != null) {
                out.println("try: " + p.hint());
            }
        }
        out.flush();
    }

    private String prefix(long epochMicros) {
        if (!timestamps) {
            return "";
        }
        return String.format("[%d.%06d] ", epochMicros / 1_000_000, epochMicros % 1_000_000);
    }

    /** iputils' precision: three decimals below 1 ms, two below 10, one below 100, none above. */
    public static String time(long micros) {
        if (micros >= 100_000 - 50) {
            return Long.toString((micros + 500) / 1000);
        }
        if (micros >= 10_000 - 5) {
            return (micros + 50) / 1000 + "." + ((micros + 50) % 1000) / 100;
        }
        if (micros >= 1000) {
            return (micros + 5) / 1000 + "." + String.format("%02d", ((micros + 5) % 1000) / 10);
        }
        return micros / 1000 + "." + String.format("%03d", micros % 1000);
    }

    /** C's {@code %g} for a percentage: six significant digits, no trailing zeros. */
    public static String percent(float value) {
        if (value == 0f) {
            return "0";
        }
        BigDecimal d = new BigDecimal((double) value).round(new MathContext(6));
        String s = d.stripTrailingZeros().toPlainString();
        return s;
    }

    private static String millis(long micros) {
        return micros / 1000 + "." + String.format("%03d", micros % 1000);
    }

    /** The statistics block iputils prints at the end, and the classifier's reading of any errors. */
    public synchronized void summary(PingSummary s) {
        if (json) {
            out.println(typed("summary", s));
            out.flush();
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append('\n').append("--- ").append(s.target()).append(" ping statistics ---\n");
        b.append(s.transmitted()).append(" packets transmitted, ").append(s.received()).append(" received");
        if (s.duplicates() > 0) {
            b.append(", +").append(s.duplicates()).append(" duplicates");
        }
        if (s.errors() > 0) {
            b.append(", +").append(s.errors()).append(" errors");
        }
        if (s.transmitted() > 0) {
            b.append(", ").append(percent(s.lossPercent())).append("% packet loss");
            b.append(", time ").append(s.timeMillis()).append("ms");
        }
        b.append('\n');
        String comma = "";
        if (s.rtt() != null) {
            PingSummary.Rtt r = s.rtt();
            b.append("rtt min/avg/max/mdev = ").append(millis(r.minMicros())).append('/').append(millis(r.avgMicros()))
                    .append('/').append(millis(r.maxMicros())).append('/').append(millis(r.mdevMicros())).append(" ms");
            comma = ", ";
        }
        if (s.pipe() > 1) {
            b.append(comma).append("pipe ").append(s.pipe());
            comma = ", ";
        }
        if (s.ipgMicros() >= 0 && s.rtt() != null) {
            b.append(comma).append("ipg/ewma ").append(millis(s.ipgMicros())).append('/').append(millis(s.rtt().ewmaMicros()))
                    .append(" ms");
        }
        b.append('\n');
        for (PingSummary.Problem p : s.problems()) {
            b.append("why: ").append(p.count()).append(" x ").append(p.text());
            if (p.from() != null) {
                b.append(" (from ").append(io.netdiag.os.AddressText.of(p.from())).append(')');
            }
            b.append(": ").append(p.meaning()).append('\n');
            if (p.hint() != null) {
                b.append("try: ").append(p.hint()).append('\n');
            }
        }
        out.print(b);
        out.flush();
    }

    private void json(PingEvent event) {
        String type = switch (event) {
            case PingEvent.Start s -> "start";
            case PingEvent.Sent s -> null;
            case PingEvent.Reply r -> "reply";
            case PingEvent.IcmpError e -> "error";
            case PingEvent.LocalError l -> "local-error";
            case PingEvent.NoAnswerYet n -> "no-answer";
            case PingEvent.WrongData w -> "wrong-data";
            case PingEvent.Warning w -> "warning";
            case PingEvent.PortProbe p -> "probe";
        };
        // -q keeps the start, local failures and the summary, as it keeps ping's header and statistics
        boolean perProbe = event instanceof PingEvent.Reply || event instanceof PingEvent.IcmpError
                || event instanceof PingEvent.NoAnswerYet || event instanceof PingEvent.WrongData || event instanceof PingEvent.PortProbe;
        if (type != null && !(quiet && perProbe)) {
            out.println(typed(type, (Record) event));
            out.flush();
        }
    }

    /** One JSON object: {@code type} first, then the record's fields; addresses as inet_ntop writes them ({@code ::1}). */
    private static String typed(String type, Record record) {
        java.util.Map<String, Object> object = new java.util.LinkedHashMap<>();
        object.put("type", type);
        object.putAll(fields(record));
        return Json.compact(object);
    }

    private static java.util.Map<String, Object> fields(Record record) {
        java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (java.lang.reflect.RecordComponent c : record.getClass().getRecordComponents()) {
            try {
                map.put(Json.snake(c.getName()), plain(c.getAccessor().invoke(record)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c, e);
            }
        }
        return map;
    }

    private static Object plain(Object value) {
        return switch (value) {
            case java.net.InetAddress a -> io.netdiag.os.AddressText.of(a);
            case Record r -> fields(r);
            case java.util.List<?> list -> list.stream().map(PingRenderer::plain).toList();
            case byte[] bytes -> java.util.HexFormat.of().formatHex(bytes);
            case null, default -> value;
        };
    }

    /** The probes of a path-MTU search and its answer (text), or the result as one JSON object. */
    public synchronized void mtu(io.netdiag.ping.PathMtu.Result r) {
        if (json) {
            out.println(typed("mtu", r));
            out.flush();
            return;
        }
        String address = io.netdiag.os.AddressText.of(r.address());
        out.println("PMTU " + r.target() + " (" + address + "): path-MTU search with DF set");
        for (io.netdiag.ping.PathMtu.Step step : r.steps()) {
            out.println("size " + step.size() + ": " + step.text());
        }
        out.println();
        out.println("--- " + r.target() + " path MTU ---");
        if (r.mtu() < 0) {
            out.println("no probe got through");
        } else {
            out.println("path MTU " + r.mtu() + " bytes (ICMP data " + r.dataBytes() + ", ping -M do -s " + r.dataBytes() + ")"
                    + (r.limitedBy() != null ? "; fragmentation needed reported by " + io.netdiag.os.AddressText.of(r.limitedBy())
                    : ""));
        }
        out.flush();
    }
}
