package io.netdiag.cli;

/** Whether output goes to a person at a terminal, and whether colour is welcome there. */
final class Terminals {
    private Terminals() {
    }

    /** True when both standard input and output are a terminal. */
    static boolean interactive() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** Colour only on a terminal, never when NO_COLOR is set (https://no-color.org) or TERM=dumb. */
    static boolean colour() {
        String noColor = System.getenv("NO_COLOR");
        return interactive() && (noColor == null || noColor.isEmpty()) && !"dumb".equals(System.getenv("TERM"));
    }
}
