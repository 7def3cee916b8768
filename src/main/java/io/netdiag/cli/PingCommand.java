package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code netdiag ping}: not built yet. */
@Command(name = "ping", mixinStandardHelpOptions = true,
        header = "Probe hosts and ports with ICMP, TCP or UDP, and say why a probe fails.",
        description = "Not built yet in this version.")
final class PingCommand extends BaseCommand {
    @CommandLine.Unmatched
    List<String> arguments;

    @Override
    int execute() {
        throw NetdiagException.unsupported("not built yet in this version", null);
    }
}
