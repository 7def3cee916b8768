package io.netdiag.testing;

import java.util.List;
import java.util.stream.Collectors;

/**
 * bash scripts that start the packaged jar the way scripts start tools: as a background job of a
 * non-interactive shell ({@code &}, which starts it with SIGINT ignored), under nohup, in a pipe to head.
 */
public final class Shell {
    private Shell() {
    }

    /** The packaged jar's command line, quoted for bash: put netdiag's arguments after it. */
    public static String netdiag() {
        return Jar.command(false).stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    /** {@code text} as one bash word. */
    public static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /** Runs {@code script} with bash -c (non-interactive: no job control), failing the test after the time-out. */
    public static Host.Run run(String script, long timeoutSeconds) {
        return Host.run(List.of("bash", "-c", script), timeoutSeconds);
    }

    /**
     * A bash function {@code started FILE PATTERN} that waits (up to 60 s) until FILE holds a line matching the
     * extended regex PATTERN (capture's "listening on", ping's header), so that a script signals a command only
     * once it runs.
     */
    public static String startedFunction() {
        return "started() { for _ in $(seq 600); do grep -qE \"$2\" \"$1\" 2>/dev/null && return 0; sleep 0.1; done; "
                + "echo \"never started: $(cat \"$1\")\" >&2; return 1; }\n";
    }
}
