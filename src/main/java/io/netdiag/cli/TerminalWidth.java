package io.netdiag.cli;

/** The terminal's width for live views, from JLine; 80 when output is not a terminal. */
final class TerminalWidth {
    private static org.jline.terminal.Terminal terminal;

    private TerminalWidth() {
    }

    static synchronized int columns() {
        if (!Terminals.interactive()) {
            return 80;
        }
        try {
            if (terminal == null) {
                io.netdiag.os.ProcessExit.hooksRegistered(); // JLine restores the terminal from a shutdown hook
                terminal = org.jline.terminal.TerminalBuilder.builder().system(true).dumb(true).build();
            }
            int width = terminal.getWidth();
            return width > 0 ? width : 80;
        } catch (java.io.IOException | RuntimeException e) {
            return 80;
        }
    }
}
