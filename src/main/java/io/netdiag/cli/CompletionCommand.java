package io.netdiag.cli;

import picocli.AutoComplete;
import picocli.CommandLine;

/** {@code netdiag completion bash|zsh}: a completion script generated from the command model. */
final class CompletionCommand extends BaseCommand {
    enum Shell { bash, zsh }

    Shell shell;

    @Override
    Declare declare() {
        return Declare.command(this, "completion")
                .header("Print a shell completion script for bash or zsh.")
                .description(
                        "Prints a completion script generated from netdiag's own command model.",
                        "",
                        "bash:  source <(netdiag completion bash)",
                        "zsh:   autoload -U +X compinit && compinit; autoload -U +X bashcompinit && bashcompinit; "
                                + "source <(netdiag completion zsh)")
                .exitCodes(" 0:the script was printed", " 2:a shell other than bash or zsh")
                .positional("0", "<shell>", Shell.class, v -> shell = v, o -> o.defaultValue("bash").arity("0..1"),
                        "bash (the default) or zsh.");
    }

    @Override
    int execute() {
        CommandLine rootLine = spec().root().commandLine();
        // picocli's script serves both shells: zsh runs it through bashcompinit.
        out().print(AutoComplete.bash("netdiag", rootLine));
        return ExitCodes.OK;
    }
}
