package io.netdiag.cli;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** netdiag's subcommands, in the order help lists them, registered all at once or one at a time. */
final class Subcommands {
    // Classes rather than constructor references: lambdas here crashed the JDK 25.0.3 AOT cache
    // writer (ArchiveHeapWriter::compute_ptrmap) when the launcher trained its cache.
    private static final Map<String, Class<?>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("ping", PingCommand.class);
        ALL.put("sockets", SocketsCommand.class);
        ALL.put("fill", FillCommand.class);
        ALL.put("capture", CaptureCommand.class);
        ALL.put("explain", ExplainCommand.class);
        ALL.put("doctor", DoctorCommand.class);
        ALL.put("shell", ShellCommand.class);
        ALL.put("completion", CompletionCommand.class);
        ALL.put("help", CommandLine.HelpCommand.class);
    }

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
            return ALL.containsKey(arg) && !NEED_WHOLE_TREE.contains(arg) ? arg : null;
        }
        return null;
    }

    /** Adds just {@code only} when it is a known subcommand, none for {@link #NONE}, otherwise every one. */
    static void register(CommandLine root, String only) {
        if (NONE.equals(only)) {
            return;
        }
        if (only != null && ALL.containsKey(only)) {
            root.addSubcommand(only, ALL.get(only));
            return;
        }
        for (Map.Entry<String, Class<?>> e : ALL.entrySet()) {
            root.addSubcommand(e.getKey(), e.getValue());
        }
    }
}
