package io.netdiag.cli;

import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** {@code netdiag shell}: an interactive prompt where each line runs as the same command would from bash. */
final class ShellCommand extends BaseCommand {
    @Override
    Declare declare() {
        return Declare.command(this, "shell")
                .header("Start an interactive shell with history and completion.")
                .description(
                        "Each line is run exactly as 'netdiag LINE' would be from a shell. Tab completes subcommands and "
                                + "options; history is kept in ~/.netdiag_history. Type 'exit' or press Ctrl-D to leave. Without a "
                                + "terminal (a pipe, a script) lines are read plainly from standard input.")
                .exitCodes(" 0-4:the exit code of the last command run (0 when none ran)");
    }

    @Override
    int execute() throws Exception {
        io.netdiag.os.ProcessExit.hooksRegistered(); // JLine restores the terminal from a shutdown hook
        // dumb(true): without a terminal (a pipe, a script) read lines plainly, without JLine's logged warning
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            return loop(terminal, Path.of(System.getProperty("user.home"), ".netdiag_history"));
        }
    }

    /** Reads and runs lines until exit or end of input; returns the last command's exit code. */
    int loop(Terminal terminal, Path history) {
        {
            DefaultParser parser = new DefaultParser();
            parser.setEscapeChars(new char[0]);
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("netdiag")
                    .parser(parser)
                    .completer(this::complete)
                    .variable(LineReader.HISTORY_FILE, history)
                    .build();
            PrintWriter out = terminal.writer();
            int last = ExitCodes.OK;
            while (true) {
                String line;
                try {
                    line = reader.readLine("netdiag> ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    return last;
                }
                List<String> words = reader.getParsedLine().words().stream().filter(w -> !w.isEmpty()).toList();
                if (words.isEmpty()) {
                    continue;
                }
                if (words.getFirst().equals("exit") || words.getFirst().equals("quit")) {
                    return last;
                }
                if (words.getFirst().equals("shell")) {
                    out.println("already in the netdiag shell");
                    continue;
                }
                last = Main.run(out, out, words.toArray(String[]::new));
                out.flush();
            }
        }
    }

    /** Completes subcommand names, then the options of the subcommand being typed. */
    void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        CommandLine.Model.CommandSpec rootSpec = spec().root();
        List<String> words = line.words().subList(0, line.wordIndex());
        CommandLine.Model.CommandSpec current = rootSpec;
        for (String word : words) {
            CommandLine sub = current.subcommands().get(word);
            if (sub != null) {
                current = sub.getCommandSpec();
            }
        }
        if (current == rootSpec) {
            for (String name : rootSpec.subcommands().keySet()) {
                if (!name.equals("shell")) {
                    candidates.add(new Candidate(name));
                }
            }
            candidates.add(new Candidate("exit"));
        }
        for (CommandLine.Model.OptionSpec option : current.options()) {
            if (!option.hidden()) {
                for (String name : option.names()) {
                    candidates.add(new Candidate(name, name, null, option.description().length > 0
                            ? option.description()[0] : null, null, null, true));
                }
            }
        }
    }
}
