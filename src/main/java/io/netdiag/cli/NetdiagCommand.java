package io.netdiag.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: global options and the list of subcommands. */
@Command(name = "netdiag",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Troubleshoot network programs: reachability, sockets and queues, blocked sends, packets, errors.",
        description = {
                "netdiag answers five questions in one place: is the host or port reachable (ping), what sockets "
                        + "exist and what sits in their queues (sockets), how much can be sent before a send blocks "
                        + "(fill), what is on the wire (capture), and what an error means (explain).",
                "",
                "With no arguments on a terminal, netdiag starts an interactive shell."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                " 0:success",
                " 1:negative result (no reply, unreachable, blocked, error explained)",
                " 2:usage error or bad input",
                " 3:missing privilege, library or platform support",
                " 4:internal error"})
public final class NetdiagCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print JSON: one document, or one object per line for streams.")
    boolean json;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Show stack traces and native details on failure.")
    boolean debug;

    boolean json() {
        return json;
    }

    boolean debug() {
        return debug;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
