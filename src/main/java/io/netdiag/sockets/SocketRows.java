package io.netdiag.sockets;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ss-compatible text output: {@code Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process},
 * addresses right-aligned against their port as ss prints them, IPv6 in brackets, {@code *} for a
 * dual-stack wildcard and for port 0. Rows are formatted as they stream in and only their text is kept,
 * to size the columns once at the end (as ss does).
 *
 * @param netidColumn   show Netid (more than one kind of socket asked for)
 * @param stateColumn   show State (more than one state asked for)
 * @param extended      {@code -e}: uid, inode, cookie, v6only, shutdown marks
 * @param info          {@code -i}: a second, tab-indented line of tcp_info and skmem
 * @param header        print the header line
 * @param names         {@code -r}: resolve addresses and ports to names
 */
public final class SocketRows {
    public record Layout(boolean netidColumn, boolean stateColumn, boolean extended, boolean info, boolean header,
                         NameResolver names) {
    }

    private final Layout layout;
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> details = new ArrayList<>();

    public SocketRows(Layout layout) {
        this.layout = layout;
    }

    public void add(SocketEntry e) {
        String[] local = endpoint(e, e.local(), true, layout.names());
        String[] peer = endpoint(e, e.peer(), false, layout.names());
        String process = e.owners().isEmpty() ? "" : process(e);
        rows.add(new String[] {e.netid().ssName(), e.state().ssName(), number(e.recvQ()), number(e.sendQ()),
                local[0], local[1], peer[0], peer[1], layout.extended() ? process + extended(e) : process,
                e.family() == SocketEntry.Family.UNIX ? " " : ":"}); // ss separates a UNIX path from its inode by a blank
        details.add(layout.info() ? detail(e) : null);
    }

    /** Queue lengths are mostly small: their text is made once (a listing has tens of thousands of zeros). */
    private static final String[] SMALL = new String[256];

    private static String number(long n) {
        if (n >= 0 && n < SMALL.length) {
            String s = SMALL[(int) n];
            if (s == null) {
                s = Long.toString(n);
                SMALL[(int) n] = s;
            }
            return s;
        }
        return Long.toString(n);
    }

    public int size() {
        return rows.size();
    }

    public void print(PrintWriter out) {
        // lines are laid out straight into one chunk, written in few large writes: stdout flushes per write
        int[] w = widths();
        StringBuilder chunk = new StringBuilder(1 << 16);
        if (layout.header()) {
            emit(chunk, HEAD, w);
            chunk.append('\n');
        }
        for (int i = 0; i < rows.size(); i++) {
            emit(chunk, rows.get(i), w);
            chunk.append('\n');
            String d = details.get(i);
            if (d != null && !d.isEmpty()) {
                chunk.append('\t').append(d).append('\n');
            }
            if (chunk.length() > 60_000) {
                out.write(chunk.toString());
                chunk.setLength(0);
            }
        }
        out.write(chunk.toString());
        out.flush();
    }

    /**
     * The aligned lines: the header (when the layout has one) and then, for each row in the order added, its
     * line followed by its {@code -i} detail line (tab-indented) when asked for and present.
     */
    public List<String> lines(boolean withDetails) {
        List<String> out = new ArrayList<>(rows.size() + 1);
        forEachLine(withDetails, line -> out.add(line.toString()));
        return out;
    }

    private static final String[] HEAD = {"Netid", "State", "Recv-Q", "Send-Q", "Local Address", "Port", "Peer Address", "Port",
            "Process"};

    private int[] widths() {
        int[] w = new int[9];
        for (int i = 0; i < 9; i++) {
            w[i] = layout.header() ? HEAD[i].length() : 0;
        }
        for (String[] r : rows) {
            for (int i = 0; i < 9; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        return w;
    }

    /** Hands each line to {@code sink} as a reused buffer (no String per line when printing). */
    private void forEachLine(boolean withDetails, java.util.function.Consumer<CharSequence> sink) {
        int[] w = widths();
        StringBuilder line = new StringBuilder(160);
        if (layout.header()) {
            line.setLength(0);
            sink.accept(emit(line, HEAD, w));
        }
        for (int i = 0; i < rows.size(); i++) {
            line.setLength(0);
            sink.accept(emit(line, rows.get(i), w));
            String d = details.get(i);
            if (withDetails && d != null && !d.isEmpty()) {
                sink.accept("\t" + d);
            }
        }
    }

    /** Appends one aligned line (without its newline) to {@code line}, trailing blanks dropped as ss drops them. */
    private StringBuilder emit(StringBuilder line, String[] r, int[] w) {
        int start = line.length();
        if (layout.netidColumn()) {
            left(line, r[0], w[0]).append(' ');
        }
        if (layout.stateColumn()) {
            left(line, r[1], w[1]).append(' ');
        }
        left(line, r[2], w[2]).append(' ');
        left(line, r[3], w[3]).append(' ');
        String delimiter = r.length > 9 ? r[9] : ":";
        right(line, r[4], w[4]).append(delimiter);
        left(line, r[5], w[5]).append(' ');
        right(line, r[6], w[6]).append(delimiter);
        left(line, r[7], w[7]).append(' ');
        line.append(r[8]);
        int end = line.length();
        while (end > start && line.charAt(end - 1) == ' ') {
            end--;
        }
        line.setLength(end);
        return line;
    }

    private static StringBuilder left(StringBuilder b, String s, int width) {
        b.append(s);
        b.repeat(' ', width - s.length());
        return b;
    }

    private static StringBuilder right(StringBuilder b, String s, int width) {
        b.repeat(' ', width - s.length());
        return b.append(s);
    }

    /** Address and port cells as ss prints them. */
    public static String[] endpoint(SocketEntry e, Endpoint end, boolean local, NameResolver names) {
        if (e.family() == SocketEntry.Family.UNIX) {
            return new String[] {end.address(), Long.toString(end.port())};
        }
        String address = end.address();
        String host;
        if (e.family() == SocketEntry.Family.INET6 && !e.v6only() && address.equals("::")) {
            host = "*";
        } else if (names != null) {
            host = names.host(address);
            if (host.indexOf(':') >= 0) {
                host = "[" + host + "]";
            }
        } else {
            host = e.family() == SocketEntry.Family.INET6 ? "[" + address + "]" : address;
        }
        String port = end.port() == 0 ? "*" : names != null ? names.service(e.netid(), (int) end.port()) : Long.toString(end.port());
        return new String[] {host, port};
    }

    /** {@code users:(("name",pid=N,fd=N),...)}. */
    public static String process(SocketEntry e) {
        if (e.owners().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("users:(");
        for (int i = 0; i < e.owners().size(); i++) {
            Owner o = e.owners().get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("(\"").append(o.name()).append("\",pid=").append(o.pid()).append(",fd=")
                    .append(o.fd()).append(')');
        }
        return b.append(')').toString();
    }

    private static String extended(SocketEntry e) {
        StringBuilder b = new StringBuilder();
        if (e.uid() > 0) {
            b.append(" uid:").append(Integer.toUnsignedString(e.uid()));
        }
        b.append(" ino:").append(e.inode());
        if (e.cookie() != 0) {
            b.append(" sk:").append(Long.toHexString(e.cookie()));
        }
        if (e.family() == SocketEntry.Family.INET6) {
            b.append(" v6only:").append(e.v6only() ? 1 : 0);
        }
        if (e.shutdown() >= 0) {
            b.append(' ').append((e.shutdown() & 1) != 0 ? '-' : '<').append('-').append((e.shutdown() & 2) != 0 ? '-' : '>');
        }
        return b.toString();
    }

    /** The -i line: skmem, then tcp_info in ss's order and units (times in ms, rates in bits/s). */
    public static String detail(SocketEntry e) {
        StringBuilder b = new StringBuilder();
        e.memory().ifPresent(m -> {
            b.append("skmem:(r").append(m.rmemAlloc()).append(",rb").append(m.rcvbuf()).append(",t").append(m.wmemAlloc())
                    .append(",tb").append(m.sndbuf()).append(",f").append(m.fwdAlloc()).append(",w").append(m.wmemQueued())
                    .append(",o").append(m.optmem()).append(",bl").append(m.backlog());
            if (m.drops() >= 0) {
                b.append(",d").append(m.drops());
            }
            b.append(')');
        });
        if (e.tcpInfo().isEmpty()) {
            if (e.congestion() != null) {
                b.append(' ').append(e.congestion());
            }
            return b.toString().strip();
        }
        TcpInfo t = e.tcpInfo().get();
        if ((t.options() & TcpInfo.OPT_TIMESTAMPS) != 0) {
            b.append(" ts");
        }
        if ((t.options() & TcpInfo.OPT_SACK) != 0) {
            b.append(" sack");
        }
        if ((t.options() & TcpInfo.OPT_ECN) != 0) {
            b.append(" ecn");
        }
        if (e.congestion() != null) {
            b.append(' ').append(e.congestion());
        }
        if ((t.options() & TcpInfo.OPT_WSCALE) != 0) {
            b.append(" wscale:").append(t.sndWscale()).append(',').append(t.rcvWscale());
        }
        if (t.rtoUs() > 0) {
            b.append(" rto:").append(ms(t.rtoUs()));
        }
        if (t.rttUs() > 0) {
            b.append(" rtt:").append(ms(t.rttUs())).append('/').append(ms(t.rttvarUs()));
        }
        if (t.atoUs() > 0) {
            b.append(" ato:").append(ms(t.atoUs()));
        }
        positive(b, "mss", t.sndMss());
        positive(b, "pmtu", t.pmtu());
        positive(b, "rcvmss", t.rcvMss());
        positive(b, "advmss", t.advmss());
        positive(b, "cwnd", t.sndCwnd());
        if (t.sndSsthresh() > 0 && t.sndSsthresh() < 0xffff) {
            b.append(" ssthresh:").append(t.sndSsthresh());
        }
        positive(b, "bytes_sent", t.bytesSent());
        positive(b, "bytes_retrans", t.bytesRetrans());
        positive(b, "bytes_acked", t.bytesAcked());
        positive(b, "bytes_received", t.bytesReceived());
        positive(b, "segs_out", t.segsOut());
        positive(b, "segs_in", t.segsIn());
        positive(b, "data_segs_out", t.dataSegsOut());
        positive(b, "data_segs_in", t.dataSegsIn());
        if (t.rttUs() > 0 && t.sndMss() > 0 && t.sndCwnd() > 0) {
            b.append(" send ").append(rate(t.sndCwnd() * t.sndMss() * 8.0 * 1_000_000.0 / t.rttUs()));
        }
        positive(b, "lastsnd", t.lastDataSentMs());
        positive(b, "lastrcv", t.lastDataRecvMs());
        positive(b, "lastack", t.lastAckRecvMs());
        if (t.pacingRate() > 0 && t.pacingRate() != -1L) {
            b.append(" pacing_rate ").append(rate(t.pacingRate() * 8.0));
        }
        if (t.deliveryRate() > 0) {
            b.append(" delivery_rate ").append(rate(t.deliveryRate() * 8.0));
        }
        positive(b, "delivered", t.delivered());
        if (t.busyTimeUs() > 0) {
            b.append(" busy:").append(t.busyTimeUs() / 1000).append("ms");
        }
        if (t.unacked() > 0) {
            b.append(" unacked:").append(t.unacked());
        }
        if (t.retrans() > 0 || t.totalRetrans() > 0) {
            b.append(" retrans:").append(t.retrans()).append('/').append(t.totalRetrans());
        }
        positive(b, "lost", t.lost());
        if (t.rcvRttUs() > 0) {
            b.append(" rcv_rtt:").append(ms(t.rcvRttUs()));
        }
        positive(b, "rcv_space", t.rcvSpace());
        positive(b, "rcv_ssthresh", t.rcvSsthresh());
        positive(b, "notsent", t.notsentBytes());
        if (t.minRttUs() > 0) {
            b.append(" minrtt:").append(ms(t.minRttUs()));
        }
        if (t.sndWnd() >= 0 && !e.listening()) { // 0 is the news here: the peer's window is closed
            b.append(" snd_wnd:").append(t.sndWnd());
        }
        if (t.rcvWnd() > 0) {
            b.append(" rcv_wnd:").append(t.rcvWnd());
        }
        return b.toString().strip();
    }

    private static void positive(StringBuilder b, String name, long value) {
        if (value > 0) {
            b.append(' ').append(name).append(':').append(value);
        }
    }

    /** Microseconds as milliseconds the way ss's %g prints them: 0.022, 204, 1.5. */
    static String ms(long micros) {
        String s = String.format(Locale.ROOT, "%.3f", micros / 1000.0);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Bits per second as ss prints rates: three significant digits, 141Gbps, 31.4Mbps, 1.2Kbps, 900bps. */
    static String rate(double bps) {
        String[] units = {"bps", "Kbps", "Mbps", "Gbps"};
        int unit = 0;
        while (bps >= 1000 && unit < units.length - 1) {
            bps /= 1000;
            unit++;
        }
        String digits = bps >= 100 ? String.format(Locale.ROOT, "%.0f", bps)
                : bps >= 10 ? String.format(Locale.ROOT, "%.1f", bps) : String.format(Locale.ROOT, "%.2f", bps);
        if (digits.contains(".")) {
            digits = digits.replaceAll("0+$", "");
            if (digits.endsWith(".")) {
                digits = digits.substring(0, digits.length() - 1);
            }
        }
        return digits + units[unit];
    }
}
