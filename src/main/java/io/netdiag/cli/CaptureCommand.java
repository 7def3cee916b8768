package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code netdiag capture}: not built yet. */
@Command(name = "capture", mixinStandardHelpOptions = true,
        header = "Capture and read packets with tshark-style summaries and findings.",
        description = "Not built yet in this version.")
final class CaptureCommand extends BaseCommand {
    @CommandLine.Unmatched
    List<String> arguments;

    @Override
    int execute() {
        throw NetdiagException.unsupported("not built yet in this version", null);
    }
}
