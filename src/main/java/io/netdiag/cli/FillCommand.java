package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code netdiag fill}: not built yet. */
@Command(name = "fill", mixinStandardHelpOptions = true,
        header = "Send until the send blocks, and show whose buffer is full.",
        description = "Not built yet in this version.")
final class FillCommand extends BaseCommand {
    @CommandLine.Unmatched
    List<String> arguments;

    @Override
    int execute() {
        throw NetdiagException.unsupported("not built yet in this version", null);
    }
}
