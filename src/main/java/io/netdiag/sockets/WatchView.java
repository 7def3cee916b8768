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

    /**
     * One refresh as JSON: the time, the sockets, and what changed since the previous refresh. {@code sockets} is
     * the JSON array of the sockets, written as they streamed in.
     */
    public record Refresh(String time, String source, Json.Raw sockets, long opened, long closed, long changed,
                          SocketSummary summary, List<QueueDiagnosis.Finding> stuck) {
    }

    public static int run(SocketQuery query, SocketRows.Layout layout, boolean summary, double seconds, Integer count,
                          boolean json, boolean terminal, PrintWriter out) throws IOException {
        long intervalMs = Math.max(100, (long) (seconds * 1000));
        query = query.withInfo(true); // zero windows and retransmissions tell who is not reading
        // JSON needs the comparison only; text keeps each refresh's rows, and the previous one's for closed sockets
        SocketRows.Layout rowsLayout = json ? null : new SocketRows.Layout(layout.netidColumn(), layout.stateColumn(),
                layout.extended(), false, layout.header(), layout.names(), layout.timers());
        OwnerMap owners = null;
        // two refreshes' rows, used in turn: the one before last is cleared and filled again
        WatchRows previous = null;
        WatchRows spare = null;
        StringBuilder socketsJson = json ? new StringBuilder() : null;
        KernelCounters lastCounters = null;
        long totalOpened = 0;
        long totalClosed = 0;
        AtomicBoolean stop = new AtomicBoolean();
        io.netdiag.os.HeapSettling heap = new io.netdiag.os.HeapSettling();
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
                WatchRows now = spare != null ? spare : new WatchRows(rowsLayout);
                now.clear();
                WatchRows before = previous;
                // the sockets that could be stuck in both refreshes, as they were then and as they are now: only those
                // can be flagged, and the previous refresh kept their queues and state
                Map<String, SocketEntry> queuedBefore = new LinkedHashMap<>();
                Map<String, SocketEntry> queuedNow = new LinkedHashMap<>();
                SocketSummary.Counter counter = new SocketSummary.Counter();
                if (socketsJson != null) {
                    socketsJson.setLength(0);
                }
                SocketInventory.Report report = SocketInventory.stream(query, owners, e -> {
                    counter.add(e);
                    if (!now.add(e, before)) {
                        return;
                    }
                    SocketEntry was = before != null && WatchRows.couldBeStuck(e) ? now.before(e, before) : null;
                    if (was != null) {
                        String key = QueueDiagnosis.key(e);
                        queuedBefore.put(key, was);
                        queuedNow.put(key, e);
                    }
                    if (socketsJson != null) {
                        socketsJson.append(socketsJson.isEmpty() ? "[" : ",").append(Json.compact(e));
                    }
                });
                if (before != null) {
                    now.addClosed(before);
                }
                KernelCounters counters = KernelCounters.read();
                SocketSummary s = summary ? counter.finish(report.sourceName(), counters, lastCounters) : null;
                // stuck-queue detection across the last two refreshes, as --diagnose does across its samples
                List<QueueDiagnosis.Finding> stuck = before == null ? List.of()
                        : QueueDiagnosis.judge(List.of(queuedBefore, queuedNow), lastCounters, counters, true);
                lastCounters = counters;
                long opened = now.opened();
                long closed = now.closed();
                long changed = now.changed();
                totalOpened += opened;
                totalClosed += closed;
                String time = LocalTime.now().format(CLOCK);
                if (json) {
                    socketsJson.append(socketsJson.isEmpty() ? "[]" : "]");
                    out.println(Json.compact(new Refresh(time, report.sourceName(), new Json.Raw(socketsJson), opened, closed,
                            changed, s, stuck)));
                    out.flush();
                } else {
                    String title = "netdiag sockets --watch " + seconds + "s   " + time + "   " + now.listed() + " sockets   new "
                            + opened + " (total " + totalOpened + ")   closed " + closed + " (total " + totalClosed + ")   changed "
                            + changed + "   [" + report.sourceName() + "]";
                    if (display != null) {
                        int height = term.getHeight() > 0 ? term.getHeight() : 24;
                        int width = term.getWidth() > 0 ? term.getWidth() : 80;
                        display.resize(height, width);
                        display.update(screen(title, stuck, s, now, height, width), -1);
                        term.flush();
                    } else {
                        print(out, title, stuck, s, now);
                    }
                }
                spare = previous;
                previous = now;
                heap.settle(); // between refreshes: what the last one promoted goes before the heap grows for it
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

    /**
     * The lines of a terminal of {@code height} lines and {@code width} columns: the title, the first stuck queues,
     * the summary, the header, then the rows that fit, what moved first ({@link WatchRows#priority}).
     */
    static List<AttributedString> screen(String title, List<QueueDiagnosis.Finding> stuck, SocketSummary s, WatchRows now,
                                         int height, int width) {
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
        SocketRows rows = now.rows();
        String header = rows.header();
        if (header != null) {
            screen.add(styled(header, WatchRows.Mark.SAME, true));
        }
        // a screen holds a few dozen rows of possibly thousands: only those are laid out as lines
        for (int r : now.firstByPriority(height - screen.size())) {
            screen.add(styled(rows.line(r), now.mark(r), false));
        }
        List<AttributedString> fitted = new ArrayList<>();
        for (AttributedString line : screen.subList(0, Math.min(screen.size(), height))) {
            fitted.add(line.columnLength() > width ? line.columnSubSequence(0, width) : line);
        }
        return fitted;
    }

    /** One refresh off a terminal: the title, stuck queues, summary, then every line marked +, -, ~ or blank. */
    static void print(PrintWriter out, String title, List<QueueDiagnosis.Finding> stuck, SocketSummary s, WatchRows now) {
        // print and write, not println: the process's writer flushes at every println
        out.print("--- " + title + "\n");
        for (QueueDiagnosis.Finding f : stuck) {
            out.print("! stuck [" + f.category() + "] " + f.message() + "\n");
        }
        if (s != null) {
            out.print(SummaryText.render(s, true));
            out.print("\n");
        }
        now.rows().eachLine((row, utf8, length) -> {
            out.write(row < 0 ? "  " : switch (now.mark(row)) {
                case NEW -> "+ ";
                case CLOSED -> "- ";
                case CHANGED -> "~ ";
                case SAME -> "  ";
            });
            out.write(new String(utf8, 0, length, java.nio.charset.StandardCharsets.UTF_8));
            out.write('\n');
        });
        out.flush();
    }

    private static AttributedString styled(String line, WatchRows.Mark mark, boolean header) {
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
