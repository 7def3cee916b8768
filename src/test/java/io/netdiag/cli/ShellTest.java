package io.netdiag.cli;

import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShellTest {
    private static ShellCommand shell() {
        picocli.CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        return (ShellCommand) root.getSubcommands().get("shell").getCommand();
    }

    @Test
    void eachLineRunsAsTheSameCommandWouldAndHistoryIsKept(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        String typed = "doctor --json\ndoctor --bogus\nexit\n";
        Path history = dir.resolve("history");
        try (Terminal terminal = TerminalBuilder.builder().dumb(true).streams(
                new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), screen).build()) {
            int code = shell().loop(terminal, history);
            assertEquals(ExitCodes.USAGE, code, "the last command's exit code");
        }
        String shown = screen.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("\"checks\": ["), shown);
        assertTrue(shown.contains("netdiag doctor: Unknown option: '--bogus'"), shown);
        List<String> saved = Files.readAllLines(history);
        assertTrue(saved.stream().anyMatch(l -> l.endsWith("doctor --json")), saved::toString);
    }

    @Test
    void completesSubcommandsThenTheirOptions() {
        ShellCommand shell = shell();
        DefaultParser parser = new DefaultParser();
        List<Candidate> first = new ArrayList<>();
        shell.complete(null, parser.parse("do", 2), first);
        assertTrue(first.stream().anyMatch(c -> c.value().equals("doctor")), first::toString);
        assertTrue(first.stream().anyMatch(c -> c.value().equals("capture")));
        List<Candidate> options = new ArrayList<>();
        shell.complete(null, parser.parse("doctor --", 9), options);
        assertTrue(options.stream().anyMatch(c -> c.value().equals("--json")), options::toString);
        assertTrue(options.stream().noneMatch(c -> c.value().equals("capture")), "no subcommands after one is chosen");
    }
}
