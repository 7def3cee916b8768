package io.netdiag.cli;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.Explanation;
import io.netdiag.explain.NetdiagException;
import io.netdiag.os.ErrnoException;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * The one place where failures become exit codes and error lines:
 * {@code netdiag <subcommand>: <what failed>: <classifier summary>} and, on the next line, {@code try: ...}.
 * Stack traces only with {@code --debug}.
 */
final class Failures {
    private Failures() {
    }

    static int onUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        if (debug(cmd)) {
            e.printStackTrace(err);
        }
        if (e.getCause() instanceof Accept.Refused refused && e.getArgSpec() != null) {
            // a value its option does not accept: the line names the option and says what it accepts
            err.println(oneLine(name + ": " + argument(e.getArgSpec()) + ": " + refused.getMessage()));
            err.flush();
            return ExitCodes.USAGE;
        }
        err.println(name + ": " + oneLine(e.getMessage()));
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * The line with control characters written as {@code \\xNN}: a value quoted in an error (a file name, a host,
     * a filter) can hold a newline or a terminal escape, and the error must stay one line that changes nothing.
     */
    static String oneLine(String line) {
        StringBuilder s = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (s == null) {
                    s = new StringBuilder(line.length() + 8).append(line, 0, i);
                }
                s.append(String.format("\\x%02x", (int) c));
            } else if (s != null) {
                s.append(c);
            }
        }
        return s == null ? line : s.toString();
    }

    /** An option by each of its names ({@code -c/--count COUNT}), or a positional parameter's label. */
    private static String argument(CommandLine.Model.ArgSpec arg) {
        return arg instanceof CommandLine.Model.OptionSpec o ? String.join("/", o.names()) + " " + o.paramLabel() : arg.paramLabel();
    }

    static int onFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (debug(cmd)) {
            e.printStackTrace(err);
        }
        String name = cmd.getCommandSpec().qualifiedName();
        for (String line : describe(e)) {
            err.println(oneLine(line.startsWith("try: ") ? line : name + ": " + line));
        }
        err.flush();
        return exitCode(e);
    }

    /** The error line (and hint line, prefixed {@code try: }) for a failure, without the command name. */
    static java.util.List<String> describe(Throwable e) {
        Classifier classifier = Classifier.standard();
        java.util.List<String> lines = new java.util.ArrayList<>();
        switch (e) {
            case NetdiagException n -> {
                String line = n.getMessage();
                Explanation why = n.getCause() == null ? null : classifier.classify(n.getCause());
                if (why != null) {
                    line += ": " + why.summary();
                }
                lines.add(line);
                String hint = n.hint() != null ? n.hint() : why == null ? null : why.hint();
                if (hint != null) {
                    lines.add("try: " + hint);
                }
            }
            case ErrnoException x -> {
                Explanation why = classifier.classify(x);
                lines.add(x.operation() + ": " + why.summary());
                if (why.hint() != null) {
                    lines.add("try: " + why.hint());
                }
            }
            default -> {
                lines.add("internal error: " + e);
                lines.add("try: run again with --debug for the stack trace, and report it");
            }
        }
        return lines;
    }

    static int exitCode(Throwable e) {
        return switch (e) {
            case CommandLine.ParameterException p -> ExitCodes.USAGE;
            case NetdiagException n -> switch (n.kind()) {
                case NEGATIVE -> ExitCodes.NEGATIVE;
                case BAD_INPUT -> ExitCodes.USAGE;
                case UNSUPPORTED -> ExitCodes.UNSUPPORTED;
                case INTERNAL -> ExitCodes.INTERNAL;
            };
            case ErrnoException x -> Classifier.standard().classify(x).category() == Category.PERMISSION
                    ? ExitCodes.UNSUPPORTED : ExitCodes.NEGATIVE;
            default -> ExitCodes.INTERNAL;
        };
    }

    private static boolean debug(CommandLine cmd) {
        CommandLine root = cmd;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof NetdiagCommand n && n.debug();
    }
}
