package io.netdiag.cli;

import picocli.CommandLine;

import java.util.List;
import java.util.Set;

/** netdiag's subcommands, in the order help lists them, registered all at once or one at a time. */
final class Subcommands {
    private static final List<String> NAMES =
            List.of("diagnose", "ping", "trace", "sockets", "fill", "capture", "explain", "doctor", "exporter", "shell", "completion",
                    "help");

    /** These work on the whole tree: completion scripts, the shell's completer, help for any command. */
    private static final Set<String> NEED_WHOLE_TREE = Set.of("shell", "completion", "help");

    /** Root options that may come before the subcommand's name. */
    private static final Set<String> ROOT_FLAGS = Set.of("--json", "--debug");

    private Subcommands() {
    }

    /** Stands for "no subcommand at all": {@code netdiag --version} needs none of their models. */
    static final String NONE = "";

    /**
     * The subcommand an argument list names; {@link #NONE} for {@code --version}; null when the whole
     * tree is needed (help, the shell, completion, an unknown word, or no arguments).
     */
    static String requested(String[] args) {
        for (String arg : args) {
            if (ROOT_FLAGS.contains(arg)) {
                continue;
            }
            if (arg.equals("--version") || arg.equals("-V")) {
                return NONE;
            }
            return NAMES.contains(arg) && !NEED_WHOLE_TREE.contains(arg) ? arg : null;
        }
        return null;
    }

    /** Adds just {@code only} when it is a known subcommand, none for {@link #NONE}, otherwise every one. */
    static void register(CommandLine root, String only) {
        if (NONE.equals(only)) {
            return;
        }
        if (only != null && NAMES.contains(only)) {
            root.addSubcommand(only, create(only));
            return;
        }
        for (String name : NAMES) {
            root.addSubcommand(name, create(name));
        }
    }

    /** A fresh command object and its model; picocli's own help command is the one annotated class left. */
    private static Object create(String name) {
        return switch (name) {
            case "diagnose" -> new DiagnoseCommand().spec();
            case "ping" -> new PingCommand().spec();
            case "trace" -> new TraceCommand().spec();
            case "sockets" -> new SocketsCommand().spec();
            case "fill" -> new FillCommand().spec();
            case "capture" -> new CaptureCommand().spec();
            case "explain" -> new ExplainCommand().spec();
            case "doctor" -> new DoctorCommand().spec();
            case "exporter" -> new ExporterCommand().spec();
            case "shell" -> new ShellCommand().spec();
            case "completion" -> new CompletionCommand().spec();
            case "help" -> CommandLine.HelpCommand.class;
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }
}
