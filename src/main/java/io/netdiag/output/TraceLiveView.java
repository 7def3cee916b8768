package io.netdiag.output;

import io.netdiag.trace.HopStats;
import io.netdiag.trace.TraceListener;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp;
import org.jline.utils.NonBlockingReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live trace view on a terminal (mtr's default screen): the per-hop table redrawn after every round,
 * in the alternate screen; {@code q} or Ctrl-C sets the stop flag, after which the caller prints the report.
 */
public final class TraceLiveView implements TraceListener, AutoCloseable {
    private final Terminal terminal;
    private final Display display;
    private final Attributes saved;
    private final AtomicBoolean stop;
    private final String title;
    private final String host;
    private final Thread keys;

    public TraceLiveView(Terminal terminal, AtomicBoolean stop, String title, String host) {
        this.terminal = terminal;
        this.stop = stop;
        this.title = title;
        this.host = host;
        terminal.handle(Terminal.Signal.INT, s -> stop.set(true));
        saved = terminal.enterRawMode();
        terminal.puts(InfoCmp.Capability.enter_ca_mode);
        terminal.puts(InfoCmp.Capability.cursor_invisible);
        terminal.flush();
        display = new Display(terminal, true);
        resize();
        keys = Thread.ofPlatform().daemon().name("trace-keys").start(this::readKeys);
    }

    private void readKeys() {
        NonBlockingReader reader = terminal.reader();
        while (!stop.get()) {
            try {
                int c = reader.read(100);
                if (c == 'q' || c == 'Q' || c == 3) {
                    stop.set(true);
                } else if (c == NonBlockingReader.EOF) {
                    return; // READ_EXPIRED (-2) only means no key within 100 ms
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public synchronized void round(int round, List<HopStats> hops) {
        List<AttributedString> lines = new ArrayList<>();
        lines.add(new AttributedString(title + "   round " + round + "   (q or Ctrl-C: stop and print the report)",
                AttributedStyle.BOLD));
        for (String line : TraceRenderer.table(hops, host).split("\n")) {
            AttributedStyle style = line.contains("rate-limited") ? AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW)
                    : line.contains("silent") ? AttributedStyle.DEFAULT.faint() : AttributedStyle.DEFAULT;
            lines.add(new AttributedString(line, style));
        }
        resize();
        display.update(lines, -1);
        terminal.flush();
    }

    /** The terminal's size; a pseudo-terminal that never had one set reports 0x0, which would show nothing. */
    private void resize() {
        int rows = terminal.getHeight();
        int columns = terminal.getWidth();
        display.resize(rows > 0 ? rows : 24, columns > 0 ? columns : 80);
    }

    @Override
    public void close() {
        stop.set(true);
        try {
            keys.join(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        terminal.puts(InfoCmp.Capability.cursor_visible);
        terminal.puts(InfoCmp.Capability.exit_ca_mode);
        terminal.setAttributes(saved);
        terminal.flush();
    }
}
