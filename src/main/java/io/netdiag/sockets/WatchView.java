package io.netdiag.sockets;

import io.netdiag.output.Json;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code --watch}: the listing refreshed every few seconds. On a terminal it redraws in place through
 * JLine's {@link Display} (only changed cells are rewritten, so nothing flickers) and highlights new rows
 * (green), rows whose queues changed (yellow) and rows closed since the last refresh (red, shown once), as
 * TCPView does, with running totals in the title line. Elsewhere it prints one listing per refresh (or
 * one JSON object per line).
 */
public final class WatchView {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private WatchView() {
    }

    /** One refresh as JSON: the time, the sockets, and what changed since the previous refresh. */
    public record Refresh(String time, String source, List<SocketEntry> sockets, long opened, long closed, long changed,
                          SocketSummary summary, List<QueueDiagnosis.Finding> stuck) {
    }

    private enum Mark { SAME, NEW, CHANGED, CLOSED }

    public static int run(SocketQuery query, SocketRows.Layout layout, boolean summary, double seconds, Integer count,
                          boolean json, boolean terminal, PrintWriter out) throws IOException {
        long intervalMs = Math.max(100, (long) (seconds * 1000));
        query = query.withInfo(true); // zero windows and retransmissions tell who is not reading
        SocketRows.Layout rowsLayout = new SocketRows.Layout(layout.netidColumn(), layout.stateColumn(), layout.extended(),
                false, layout.header(), layout.names(), layout.timers());
        OwnerMap owners = null;
        Map<String, SocketEntry> previous = null;
        KernelCounters lastCounters = null;
        long totalOpened = 0;
        long totalClosed = 0;
        AtomicBoolean stop = new AtomicBoolean();
        if (terminal && !json) {
            io.netdiag.os.ProcessExit.hooksRegistered(); // JLine restores the terminal from a shutdown hook
        }
        Terminal term = terminal && !json ? TerminalBuilder.builder().system(true).build() : null;
        Display display = null;
        if (term != null) {
            term.handle(Terminal.Signal.INT, s -> stop.set(true));
            term.puts(InfoCmp.Capability.enter_ca_mode);
            term.puts(InfoCmp.Capability.cursor_invisible);
            display = new Display(term, true);
        }
        try {
            for (int n = 0; !stop.get() && (count == null || n < count); n++) {
                if (n > 0) {
                    sleepUntil(intervalMs, stop);
                    if (stop.get()) {
                        break;
                    }
                }
                if (query.owners()) {
                    owners = OwnerMap.read(); // processes come and go between refreshes
                }
                Map<String, SocketEntry> now = new LinkedHashMap<>();
                SocketSummary.Counter counter = new SocketSummary.Counter();
                SocketInventory.Report report = SocketInventory.stream(query, owners, e -> {
                    now.put(QueueDiagnosis.key(e), e);
                    counter.add(e);
                });
                KernelCounters counters = KernelCounters.read();
                SocketSummary s = summary ? counter.finish(report.sourceName(), counters, lastCounters) : null;
                // stuck-queue detection across the last two refreshes, as --diagnose does across its samples
                List<QueueDiagnosis.Finding> stuck = previous == null ? List.of()
                        : QueueDiagnosis.judge(List.of(previous, now), lastCounters, counters, true);
                lastCounters = counters;
                SocketRows rows = new SocketRows(rowsLayout);
                List<Mark> marks = new ArrayList<>();
                long opened = 0;
                long changed = 0;
                for (Map.Entry<String, SocketEntry> e : now.entrySet()) {
                    SocketEntry old = previous == null ? null : previous.get(e.getKey());
                    Mark m = previous == null ? Mark.SAME : old == null ? Mark.NEW
                            : old.recvQ() != e.getValue().recvQ() || old.sendQ() != e.getValue().sendQ()
                            || old.state() != e.getValue().state() ? Mark.CHANGED : Mark.SAME;
                    opened += m == Mark.NEW ? 1 : 0;
                    changed += m == Mark.CHANGED ? 1 : 0;
                    rows.add(e.getValue());
                    marks.add(m);
                }
                long closed = 0;
                if (previous != null) {
                    for (Map.Entry<String, SocketEntry> e : previous.entrySet()) {
                        if (!now.containsKey(e.getKey())) {
                            rows.add(e.getValue());
                            marks.add(Mark.CLOSED);
                            closed++;
                        }
                    }
                }
                totalOpened += opened;
                totalClosed += closed;
                String time = LocalTime.now().format(CLOCK);
                if (json) {
                    out.println(Json.compact(new Refresh(time, report.sourceName(), List.copyOf(now.values()), opened, closed,
                            changed, s, stuck)));
                    out.flush();
                } else {
                    String title = "netdiag sockets --watch " + seconds + "s   " + time + "   " + now.size() + " sockets   new "
                            + opened + " (total " + totalOpened + ")   closed " + closed + " (total " + totalClosed + ")   changed "
                            + changed + "   [" + report.sourceName() + "]";
                    List<String> lines = rows.lines(false);
                    int offset = layout.header() ? 1 : 0;
                    if (display != null) {
                        List<AttributedString> screen = new ArrayList<>();
                        screen.add(new AttributedString(title, AttributedStyle.BOLD));
                        for (QueueDiagnosis.Finding f : stuck.subList(0, Math.min(stuck.size(), 5))) {
                            screen.add(new AttributedString("stuck [" + f.category() + "] " + f.message(),
                                    AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold()));
                        }
                        if (s != null) {
                            for (String l : SummaryText.render(s, true).split("\n")) {
                                screen.add(new AttributedString(l));
                            }
                        }
                        for (int i = 0; i < offset; i++) {
                            screen.add(styled(lines.get(i), Mark.SAME, true));
                        }
                        // a screen holds a few dozen rows of possibly thousands: what moved comes first
                        List<Integer> order = new ArrayList<>();
                        for (int i = 0; i < marks.size(); i++) {
                            order.add(i);
                        }
                        List<SocketEntry> shown = new ArrayList<>(now.values());
                        if (previous != null) {
                            previous.forEach((k, v) -> {
                                if (!now.containsKey(k)) {
                                    shown.add(v);
                                }
                            });
                        }
                        order.sort(java.util.Comparator.comparingInt(i -> priority(marks.get(i), shown.get(i))));
                        for (int i : order) {
                            screen.add(styled(lines.get(i + offset), marks.get(i), false));
                        }
                        int height = term.getHeight() > 0 ? term.getHeight() : 24;
                        int width = term.getWidth() > 0 ? term.getWidth() : 80;
                        List<AttributedString> fitted = new ArrayList<>();
                        for (AttributedString line : screen.subList(0, Math.min(screen.size(), height))) {
                            fitted.add(line.columnLength() > width ? line.columnSubSequence(0, width) : line);
                        }
                        display.resize(height, width);
                        display.update(fitted, -1);
                        term.flush();
                    } else {
                        out.println("--- " + title);
                        for (QueueDiagnosis.Finding f : stuck) {
                            out.println("! stuck [" + f.category() + "] " + f.message());
                        }
                        if (s != null) {
                            out.print(SummaryText.render(s, true));
                            out.println();
                        }
                        for (int i = 0; i < lines.size(); i++) {
                            Mark m = i < offset ? Mark.SAME : marks.get(i - offset);
                            out.println(switch (m) {
                                case NEW -> "+ ";
                                case CLOSED -> "- ";
                                case CHANGED -> "~ ";
                                case SAME -> "  ";
                            } + lines.get(i));
                        }
                        out.flush();
                    }
                }
                previous = now;
            }
        } finally {
            if (term != null) {
                term.puts(InfoCmp.Capability.cursor_visible);
                term.puts(InfoCmp.Capability.exit_ca_mode);
                term.flush();
                term.close();
            }
        }
        return 0;
    }

    /** New, changed and closed rows first, then sockets with something queued, then the rest. */
    private static int priority(Mark mark, SocketEntry e) {
        if (mark != Mark.SAME) {
            return 0;
        }
        return e.recvQ() > 0 || (e.sendQ() > 0 && !e.listening()) ? 1 : 2;
    }

    private static AttributedString styled(String line, Mark mark, boolean header) {
        AttributedStyle style = switch (mark) {
            case NEW -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            case CHANGED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW).bold();
            case CLOSED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).crossedOut();
            case SAME -> header ? AttributedStyle.DEFAULT.underline() : AttributedStyle.DEFAULT;
        };
        return new AttributedStringBuilder().style(style).append(line).toAttributedString();
    }

    private static void sleepUntil(long ms, AtomicBoolean stop) {
        long end = System.nanoTime() + ms * 1_000_000;
        while (!stop.get() && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
            }
        }
    }
}
