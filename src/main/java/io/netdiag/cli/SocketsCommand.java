package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code netdiag sockets}: not built yet. */
@Command(name = "sockets", mixinStandardHelpOptions = true,
        header = "List sockets with their queues and owners, and find the stuck ones.",
        description = "Not built yet in this version.")
final class SocketsCommand extends BaseCommand {
    @CommandLine.Unmatched
    List<String> arguments;

    @Override
    int execute() {
        throw NetdiagException.unsupported("not built yet in this version", null);
    }
}
