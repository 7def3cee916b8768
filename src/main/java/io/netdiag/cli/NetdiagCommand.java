package io.netdiag.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;

/** The root command: global options and the list of subcommands. */
public final class NetdiagCommand implements Runnable {
    private final CommandSpec spec;
    private boolean json;
    private boolean debug;

    NetdiagCommand() {
        spec = Declare.command(this, "netdiag")
                .header("Troubleshoot network programs: reachability, sockets and queues, blocked sends, packets, errors.")
                .description(
                        "netdiag answers five questions in one place: is the host or port reachable (ping), what sockets "
                                + "exist and what sits in their queues (sockets), how much can be sent before a send blocks "
                                + "(fill), what is on the wire (capture), and what an error means (explain).",
                        "",
                        "With no arguments on a terminal, netdiag starts an interactive shell.")
                .declaredOrder()
                .exitCodes(
                        " 0:success",
                        " 1:negative result (no reply, unreachable, blocked, error explained)",
                        " 2:usage error or bad input; an option value outside what the option accepts is refused before "
                                + "anything runs, in one line naming the option and its range (each option below says it)",
                        " 3:missing privilege, library or platform support",
                        " 4:internal error")
                // inherited: accepted before and after the subcommand's name
                .option("--json", null, boolean.class, v -> json = v, o -> o.scopeType(ScopeType.INHERIT),
                        "Print JSON: one document, or one object per line for streams.")
                .option("--debug", null, boolean.class, v -> debug = v, o -> o.scopeType(ScopeType.INHERIT),
                        "Show stack traces and native details on failure.")
                .build();
        spec.usageMessage().autoWidth(true);
    }

    CommandSpec spec() {
        return spec;
    }

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
