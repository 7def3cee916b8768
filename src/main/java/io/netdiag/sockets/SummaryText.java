package io.netdiag.sockets;

import io.netdiag.output.Table;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Renders {@link SocketSummary} for people: a count table, then counters with their meaning. */
public final class SummaryText {
    private SummaryText() {
    }

    public static String render(SocketSummary s, boolean deltas) {
        StringBuilder b = new StringBuilder();
        b.append("Total: ").append(s.total()).append(" sockets (source: ").append(s.source()).append(")\n\n");
        Set<String> states = new LinkedHashSet<>();
        for (String st : List.of("ESTAB", "LISTEN", "UNCONN", "TIME-WAIT", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
                "CLOSE-WAIT", "LAST-ACK", "CLOSING")) {
            if (s.kinds().stream().anyMatch(k -> k.states().containsKey(st))) {
                states.add(st);
            }
        }
        String[] head = new String[4 + states.size()];
        head[0] = "Netid";
        head[1] = "Total";
        head[2] = "IPv4";
        head[3] = "IPv6";
        int i = 4;
        for (String st : states) {
            head[i++] = st;
        }
        Table t = new Table(head);
        for (int c = 1; c < head.length; c++) {
            t.align(c, Table.Align.RIGHT);
        }
        for (SocketSummary.KindCount k : s.kinds()) {
            Object[] row = new Object[head.length];
            row[0] = k.netid();
            row[1] = k.total();
            boolean unix = k.netid().startsWith("u_");
            row[2] = unix ? "-" : k.ipv4();
            row[3] = unix ? "-" : k.ipv6();
            int c = 4;
            for (String st : states) {
                row[c++] = k.states().getOrDefault(st, 0L);
            }
            t.row(row);
        }
        b.append(t.render());
        if (!s.tables().isEmpty()) {
            b.append("\nKernel socket tables (/proc/net/sockstat; orphan: closed by the application and still sending, "
                    + "tw: TIME-WAIT, mem: pages of buffer memory):\n");
            for (SocketSummary.TableLine line : s.tables()) {
                StringBuilder l = new StringBuilder("  ").append(line.protocol()).append(':');
                line.values().forEach((k, v) -> l.append(' ').append(k).append(' ').append(v));
                b.append(l).append('\n');
            }
        }
        if (!s.counters().isEmpty()) {
            b.append("\nKernel counters (since boot").append(deltas ? "; change since the previous sample" : "").append("):\n");
            Table c = new Table("Counter", "Value", deltas ? "Change" : "", "Meaning").withoutHeader();
            c.align(1, Table.Align.RIGHT).align(2, Table.Align.RIGHT);
            for (SocketSummary.CounterSample k : s.counters()) {
                c.row("  " + k.group() + " " + k.name(), k.value(), deltas ? (k.delta() > 0 ? "+" + k.delta() : "0") : "", k.meaning());
            }
            b.append(c.render());
        }
        return b.toString();
    }
}
