package io.netdiag.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** netdiag's entry point: builds the command line, runs it, and exits with its code. */
public final class Main {
    /*
     * Two of picocli's own switches, set unless the caller set them. picocli registers converters for java.sql
     * and java.time types through reflection whenever it builds a command line, loading and initialising those
     * classes (java.time's formatters among them): ~4 ms of every start. No netdiag option has such a type
     * (durations are parsed by netdiag itself). And it looks for Groovy's Closure class, which a miss makes
     * the class loader open and index the jar for (~2 ms); netdiag has no Groovy.
     */
    static {
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", "java\\.(sql|time)\\..*");
        }
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        if ("sockets".equals(Subcommands.requested(args))) {
            // first of all: linking the netlink call is what a listing waits for once its command line is parsed
            io.netdiag.sockets.SocketInventory.prepareInBackground();
        }
        InterruptHandler.prepareProcess(); // Ctrl-C in a script's background job, a closed pipe: for every command
        PrintWriter out = new ProcessOutput(System.out);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        if (args.length == 0 && Terminals.interactive()) {
            args = new String[] {"shell"};
        }
        int code = run(out, err, args);
        out.flush();
        err.flush();
        io.netdiag.os.ProcessExit.exit(code); // after the flushes above
    }

    /** Runs one command line with the given writers and returns its exit code; never exits the JVM. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        String subcommand = Subcommands.requested(args);
        if ("sockets".equals(subcommand)) {
            io.netdiag.sockets.SocketInventory.prepareInBackground(); // overlaps parsing the command line
        }
        CommandLine commandLine = commandLine(out, err, subcommand);
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The full command tree, wired to the writers, with netdiag's error handling. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /**
     * The command tree for one invocation: only the requested subcommand's model is built when the
     * invocation names one (building every command's model from its annotations dominates start-up),
     * the whole tree otherwise.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String subcommand) {
        CommandLine commandLine = new CommandLine(new NetdiagCommand().spec());
        Subcommands.register(commandLine, subcommand);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // netdiag decides about colour itself (picocli's own check would call System.console()).
        commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(
                Terminals.colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        commandLine.setParameterExceptionHandler(Failures::onUsageError);
        commandLine.setExecutionExceptionHandler(Failures::onFailure);
        commandLine.setExitCodeExceptionMapper(Failures::exitCode);
        return commandLine;
    }
}
