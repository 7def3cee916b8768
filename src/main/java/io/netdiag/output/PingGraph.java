package io.netdiag.output;

import io.netdiag.ping.PingEvent;
import io.netdiag.ping.PingListener;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * {@code --graph}: a live chart, one line per target, redrawn in place: the last RTTs as a sparkline
 * ({@code ▁▂▃▄▅▆▇█}, scaled to the window's minimum and maximum), {@code ·} for a probe that got no reply
 * by the time the next one left, {@code x} for an ICMP error, and the running loss and RTTs.
 */
public final class PingGraph implements PingListener {
    private static final char[] BARS = "▁▂▃▄▅▆▇█".toCharArray();
    private static final long PENDING = -1;
    private static final long ERROR = -2;
    private static final long LOST = -3;
    private static final long FRAME_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final IntSupplier width;
    private final Map<String, Series> series = new LinkedHashMap<>();
    private int drawnLines;
    private long lastFrame;

    /** {@code width} tells the terminal's current width (JLine), read at every frame. */
    public PingGraph(PrintWriter out, IntSupplier width) {
        this.out = out;
        this.width = width;
    }

    private static final class Series {
        final Deque<long[]> samples = new ArrayDeque<>(); // {sequence, value}
        long sent;
        long received;
        long errors;
        long last = -1;
        long min = Long.MAX_VALUE;
        long max;
        long sum;
    }

    @Override
    public synchronized void on(PingEvent event) {
        Series s = series.computeIfAbsent(event.target(), t -> new Series());
        switch (event) {
            case PingEvent.Sent sent -> {
                for (long[] sample : s.samples) {
                    if (sample[1] == PENDING) {
                        sample[1] = LOST;
                    }
                }
                s.sent++;
                s.samples.addLast(new long[] {sent.sequence(), PENDING});
                while (s.samples.size() > 512) {
                    s.samples.removeFirst();
                }
            }
            case PingEvent.Reply r -> {
                if (!r.duplicate()) {
                    s.received++;
                }
                if (r.rttMicros() >= 0) {
                    s.last = r.rttMicros();
                    s.min = Math.min(s.min, r.rttMicros());
                    s.max = Math.max(s.max, r.rttMicros());
                    s.sum += r.rttMicros();
                }
                mark(s, r.sequence(), Math.max(0, r.rttMicros()));
            }
            case PingEvent.IcmpError e -> {
                s.errors++;
                mark(s, e.sequence(), ERROR);
            }
            case PingEvent.PortProbe p -> {
                s.sent++;
                if (p.state().equals("open")) {
                    s.received++;
                    s.last = p.rttMicros();
                    s.min = Math.min(s.min, p.rttMicros());
                    s.max = Math.max(s.max, p.rttMicros());
                    s.sum += p.rttMicros();
                }
                s.samples.addLast(new long[] {p.sequence(), p.state().equals("open") ? p.rttMicros()
                        : p.state().equals("timeout") || p.state().equals("open|filtered") ? LOST : ERROR});
            }
            default -> {
                return;
            }
        }
        long now = System.nanoTime();
        if (now - lastFrame >= FRAME_NANOS) {
            draw();
            lastFrame = now;
        }
    }

    private static void mark(Series s, int sequence, long value) {
        for (long[] sample : s.samples) {
            if (sample[0] == sequence && (sample[1] == PENDING || sample[1] == LOST)) {
                sample[1] = value;
                return;
            }
        }
    }

    /** Draws the current frame over the previous one. */
    public synchronized void draw() {
        List<String> lines = frame(Math.max(40, width.getAsInt()));
        StringBuilder b = new StringBuilder();
        if (drawnLines > 0) {
            b.append("\033[").append(drawnLines).append('A');
        }
        for (String line : lines) {
            b.append('\r').append("\033[2K").append(line).append('\n');
        }
        drawnLines = lines.size();
        out.print(b);
        out.flush();
    }

    /** The text of one frame, without terminal controls. */
    synchronized List<String> frame(int columns) {
        int labelWidth = series.keySet().stream().mapToInt(String::length).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Series> e : series.entrySet()) {
            Series s = e.getValue();
            long pending = s.samples.stream().filter(x -> x[1] == PENDING).count();
            long answeredOrLost = s.sent - pending;
            long loss = answeredOrLost <= 0 ? 0 : Math.max(0, answeredOrLost - s.received) * 100 / answeredOrLost;
            String stats = String.format(" %3d%% loss  last %s  avg %s ms ", loss,
                    s.last < 0 ? "-" : PingRenderer.time(s.last), s.received == 0 ? "-" : PingRenderer.time(s.sum / s.received));
            int room = Math.max(10, columns - labelWidth - stats.length() - 1);
            lines.add(String.format("%-" + labelWidth + "s", e.getKey()) + stats + spark(s, room));
        }
        return lines;
    }

    private static String spark(Series s, int room) {
        List<long[]> window = new ArrayList<>(s.samples);
        if (window.size() > room) {
            window = window.subList(window.size() - room, window.size());
        }
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (long[] w : window) {
            if (w[1] >= 0) {
                lo = Math.min(lo, w[1]);
                hi = Math.max(hi, w[1]);
            }
        }
        StringBuilder b = new StringBuilder();
        for (long[] w : window) {
            long v = w[1];
            if (v == ERROR) {
                b.append('x');
            } else if (v == LOST) {
                b.append('·');
            } else if (v == PENDING) {
                b.append(' ');
            } else {
                int level = hi == lo ? 0 : (int) ((v - lo) * (BARS.length - 1) / (hi - lo));
                b.append(BARS[level]);
            }
        }
        return b.toString();
    }
}
