package io.netdiag.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** netdiag's entry point: builds the command line, runs it, and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        if (args.length == 0 && Terminals.interactive()) {
            args = new String[] {"shell"};
        }
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line with the given writers and returns its exit code; never exits the JVM. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = commandLine(out, err);
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The full command tree, wired to the writers, with netdiag's error handling. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new NetdiagCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler(Failures::onUsageError);
        commandLine.setExecutionExceptionHandler(Failures::onFailure);
        commandLine.setExitCodeExceptionMapper(Failures::exitCode);
        return commandLine;
    }
}
