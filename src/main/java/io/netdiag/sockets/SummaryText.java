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
        if (!s.tables().isEmpty()) {
            b.append(ssSummary(s)).append('\n');
        }
        b.append("Sockets listed: ").append(s.total()).append(" (source: ").append(s.source()).append(")\n");
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

    /**
     * What {@code ss -s} prints, computed as iproute2's print_summary computes it from /proc/net/sockstat and
     * sockstat6 and Tcp CurrEstab: "closed" is allocated TCP sockets not in the hash tables (never connected,
     * or shut down), TIME-WAIT ones added back; the columns are printf's {@code %-9d}, trailing spaces included.
     */
    static String ssSummary(SocketSummary s) {
        long tcp4 = s.table("TCP", "inuse");
        long tcp6 = s.table("TCP6", "inuse");
        long tw = s.table("TCP", "tw");
        long alloc = s.table("TCP", "alloc");
        long udp4 = s.table("UDP", "inuse");
        long udp6 = s.table("UDP6", "inuse");
        long raw4 = s.table("RAW", "inuse");
        long raw6 = s.table("RAW6", "inuse");
        StringBuilder b = new StringBuilder();
        b.append("Total: ").append(s.table("sockets", "used")).append('\n');
        b.append("TCP:   ").append(alloc + tw)
                .append(" (estab ").append(Math.max(0, s.tcpEstablished()))
                .append(", closed ").append(alloc - (tcp4 + tcp6 - tw))
                .append(", orphaned ").append(s.table("TCP", "orphan"))
                .append(", timewait ").append(tw).append(")\n\n");
        b.append("Transport Total     IP        IPv6\n");
        transport(b, "RAW", raw4, raw6);
        transport(b, "UDP", udp4, udp6);
        transport(b, "TCP", tcp4, tcp6);
        transport(b, "INET", raw4 + udp4 + tcp4, raw6 + udp6 + tcp6);
        transport(b, "FRAG", s.table("FRAG", "inuse"), s.table("FRAG6", "inuse"));
        return b.toString();
    }

    private static void transport(StringBuilder b, String name, long ipv4, long ipv6) {
        b.append(name).append("\t  ");
        for (long n : new long[] {ipv4 + ipv6, ipv4, ipv6}) {
            String text = Long.toString(n);
            b.append(text).append(" ".repeat(Math.max(0, 9 - text.length()))).append(' ');
        }
        b.setLength(b.length() - 1);
        b.append('\n');
    }
}
