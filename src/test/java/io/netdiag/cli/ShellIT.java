package io.netdiag.cli;

import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netdiag shell} from the packaged jar with no terminal: a script or a pipe feeds it lines. */
class ShellIT {
    @Test
    void withoutATerminalItReadsLinesAndLogsNothing() {
        // no terminal at all: standard input closed, as from cron or ssh without -t
        Host.Run closed = Jar.run("shell");
        assertEquals(0, closed.exitCode(), closed::toString);
        assertEquals("", closed.err(), closed::toString); // was two java.util.logging lines from JLine
        // lines from a pipe run one by one, as typed
        List<String> command = new ArrayList<>(List.of("bash", "-c", "printf 'explain 111\\nexit\\n' | \"$0\" \"$@\""));
        command.addAll(Jar.command(false, "shell"));
        Host.Run piped = Host.run(command, 120);
        assertEquals(0, piped.exitCode(), piped::toString);
        assertEquals("", piped.err(), piped::toString);
        assertTrue(piped.out().contains("ECONNREFUSED (Connection refused)"), piped::toString);
    }
}
