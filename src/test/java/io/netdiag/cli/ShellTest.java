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

    @Test
    void theShellCompletesDiagnoseAndItsOptions() {
        ShellCommand shell = shell();
        DefaultParser parser = new DefaultParser();
        List<Candidate> first = new ArrayList<>();
        shell.complete(null, parser.parse("diag", 4), first);
        assertTrue(first.stream().anyMatch(c -> c.value().equals("diagnose")), first::toString);
        List<Candidate> options = new ArrayList<>();
        shell.complete(null, parser.parse("diagnose --", 11), options);
        for (String option : List.of("--tls", "--server", "--timeout", "--capture", "--udp", "--port")) {
            assertTrue(options.stream().anyMatch(c -> c.value().equals(option)), () -> option + " in " + options);
        }
    }

    @Test
    void bashCompletesDiagnoseFromTheGeneratedScript(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("netdiag.bash");
        Files.writeString(script, io.netdiag.testing.Cli.run("completion", "bash").out());
        String words = bash(script, "netdiag diag", 1) + "|" + bash(script, "netdiag diagnose --t", 2);
        assertTrue(words.startsWith("diagnose|"), words);
        assertTrue(words.contains("--timeout") && words.contains("--tls"), words);
    }

    /** The words bash's completion function offers for {@code line}, completing word {@code index}. */
    private static String bash(Path script, String line, int index) throws Exception {
        String program = "source " + script + "; COMP_WORDS=(" + line + "); COMP_CWORD=" + index + "; COMP_LINE='" + line
                + "'; COMP_POINT=${#COMP_LINE}; _complete_netdiag; echo ${COMPREPLY[@]}";
        Process p = new ProcessBuilder("bash", "-c", program).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }
}
