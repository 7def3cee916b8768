package io.netdiag.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code netdiag completion bash|zsh}: a completion script generated from the command model. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        header = "Print a shell completion script for bash or zsh.",
        description = {
                "Prints a completion script generated from netdiag's own command model.",
                "",
                "bash:  source <(netdiag completion bash)",
                "zsh:   autoload -U +X compinit && compinit; autoload -U +X bashcompinit && bashcompinit; "
                        + "source <(netdiag completion zsh)"})
final class CompletionCommand extends BaseCommand {
    enum Shell { bash, zsh }

    @Parameters(index = "0", arity = "0..1", defaultValue = "bash", description = "bash (the default) or zsh.")
    Shell shell;

    @Override
    int execute() {
        CommandLine rootLine = spec.root().commandLine();
        // picocli's script serves both shells: zsh runs it through bashcompinit.
        out().print(AutoComplete.bash("netdiag", rootLine));
        return ExitCodes.OK;
    }
}
