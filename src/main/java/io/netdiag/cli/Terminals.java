package io.netdiag.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether output goes to a person at a terminal, and whether colour is welcome there. */
final class Terminals {
    private Terminals() {
    }

    /** True when both standard input and output are a terminal. */
    static boolean interactive() {
        return isTerminal(0) && isTerminal(1);
    }

    /** True when standard output is a terminal. */
    static boolean outputIsTerminal() {
        return isTerminal(1);
    }

    /** Colour only on a terminal, never when NO_COLOR is set (https://no-color.org) or TERM=dumb. */
    static boolean colour() {
        String noColor = System.getenv("NO_COLOR");
        return outputIsTerminal() && (noColor == null || noColor.isEmpty()) && !"dumb".equals(System.getenv("TERM"));
    }

    /**
     * On Linux, reads where the descriptor points: one readlink instead of {@code System.console()},
     * whose console-provider lookup costs 10 ms or more at every start.
     */
    private static boolean isTerminal(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        try {
            String target = Files.readSymbolicLink(link).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            java.io.Console console = System.console();
            return console != null && console.isTerminal();
        }
    }
}
