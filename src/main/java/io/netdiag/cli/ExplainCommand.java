package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code netdiag explain}: not built yet. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        header = "Explain an errno, Winsock or EAI code, ICMP error or exception text.",
        description = "Not built yet in this version.")
final class ExplainCommand extends BaseCommand {
    @CommandLine.Unmatched
    List<String> arguments;

    @Override
    int execute() {
        throw NetdiagException.unsupported("not built yet in this version", null);
    }
}
