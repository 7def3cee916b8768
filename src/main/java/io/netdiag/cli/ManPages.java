package io.netdiag.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes troff man pages straight from the picocli command model, so that options in a page can never
 * differ from options in the code. Prose that belongs only in the manual (queue semantics, JSON
 * formats, examples) comes from {@code /io/netdiag/man/PAGE.man} resources: {@code ## HEADING} starts a
 * section, blank lines separate paragraphs, and lines indented by four spaces print verbatim.
 */
public final class ManPages {
    private ManPages() {
    }

    /** Every page, file name to troff text, for the root command and each visible subcommand. */
    public static Map<String, String> generate() {
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        Map<String, String> pages = new LinkedHashMap<>();
        collect(root.getCommandSpec(), pages);
        return pages;
    }

    private static void collect(CommandSpec spec, Map<String, String> pages) {
        String base = spec.qualifiedName("-");
        pages.put(base + ".1", page(spec, base));
        for (CommandLine sub : spec.subcommands().values()) {
            CommandSpec subSpec = sub.getCommandSpec();
            if (!subSpec.usageMessage().hidden() && !(sub.getCommand() instanceof CommandLine.HelpCommand)
                    && subSpec.parent() == spec && !pages.containsKey(subSpec.qualifiedName("-") + ".1")) {
                collect(subSpec, pages);
            }
        }
    }

    private static String page(CommandSpec spec, String base) {
        StringBuilder t = new StringBuilder();
        t.append(".\\\" Generated from the picocli model by io.netdiag.cli.ManPages; do not edit.\n");
        t.append(".TH \"").append(base.toUpperCase(java.util.Locale.ROOT)).append("\" 1 \"\" \"netdiag\" \"netdiag manual\"\n");
        t.append(".SH NAME\n").append(escape(base)).append(" \\- ").append(escape(text(spec.usageMessage().header()))).append('\n');

        t.append(".SH SYNOPSIS\n");
        String synopsis = spec.commandLine().getHelp().synopsis(0).strip();
        t.append(".nf\n").append(escape(synopsis.replaceAll("\\s+", " "))).append("\n.fi\n");

        String[] description = spec.usageMessage().description();
        if (description.length > 0) {
            t.append(".SH DESCRIPTION\n");
            paragraphs(t, String.join("\n", description));
        }

        List<PositionalParamSpec> positionals = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!positionals.isEmpty()) {
            t.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : positionals) {
                t.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR\n");
                t.append(escape(text(p.description()))).append('\n');
            }
        }

        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            t.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                t.append(".TP\n");
                StringBuilder names = new StringBuilder();
                for (String name : o.names()) {
                    if (!names.isEmpty()) {
                        names.append(", ");
                    }
                    names.append("\\fB").append(escape(name)).append("\\fR");
                }
                if (o.arity().max() > 0) {
                    names.append(o.arity().min() == 0 ? "[=\\fI" : " \\fI").append(escape(o.paramLabel()))
                            .append(o.arity().min() == 0 ? "\\fR]" : "\\fR");
                }
                t.append(names).append('\n');
                String text = text(o.description());
                if (o.defaultValue() != null && !o.defaultValue().isEmpty() && !text.contains("default")
                        && o.arity().max() > 0) {
                    text += " Default: " + o.defaultValue() + ".";
                }
                t.append(escape(text)).append('\n');
            }
        }

        List<CommandLine> subcommands = spec.subcommands().values().stream()
                .filter(c -> !c.getCommandSpec().usageMessage().hidden()).distinct().toList();
        if (!subcommands.isEmpty()) {
            t.append(".SH COMMANDS\n");
            for (CommandLine c : subcommands) {
                t.append(".TP\n\\fB").append(escape(c.getCommandName())).append("\\fR\n");
                t.append(escape(text(c.getCommandSpec().usageMessage().header()))).append('\n');
            }
        }

        Map<String, String> exitCodes = spec.usageMessage().exitCodeList();
        if (!exitCodes.isEmpty()) {
            t.append(".SH EXIT STATUS\n");
            for (Map.Entry<String, String> e : exitCodes.entrySet()) {
                t.append(".TP\n").append(escape(e.getKey().strip())).append('\n').append(escape(e.getValue())).append('\n');
            }
        }

        extra(t, base);

        t.append(".SH SEE ALSO\n");
        if (spec.parent() == null) {
            StringBuilder see = new StringBuilder();
            for (CommandLine c : subcommands) {
                if (!(c.getCommand() instanceof CommandLine.HelpCommand)) {
                    see.append(see.isEmpty() ? "" : ", ").append("\\fB").append(escape(c.getCommandSpec().qualifiedName("-")))
                            .append("\\fR(1)");
                }
            }
            t.append(see).append('\n');
        } else {
            t.append("\\fBnetdiag\\fR(1)\n");
        }
        return t.toString();
    }

    private static void extra(StringBuilder t, String base) {
        try (InputStream in = ManPages.class.getResourceAsStream("/io/netdiag/man/" + base + ".man")) {
            if (in == null) {
                return;
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder paragraph = new StringBuilder();
            boolean verbatim = false;
            for (String line : source.split("\n", -1)) {
                if (line.startsWith("## ")) {
                    flush(t, paragraph);
                    if (verbatim) {
                        t.append(".fi\n.RE\n");
                        verbatim = false;
                    }
                    t.append(".SH ").append(escape(line.substring(3).strip().toUpperCase(java.util.Locale.ROOT))).append('\n');
                } else if (line.startsWith("    ")) {
                    flush(t, paragraph);
                    if (!verbatim) {
                        t.append(".PP\n.RS 4\n.nf\n");
                        verbatim = true;
                    }
                    t.append(escape(line.substring(4))).append('\n');
                } else {
                    if (verbatim) {
                        t.append(".fi\n.RE\n");
                        verbatim = false;
                    }
                    if (line.isBlank()) {
                        flush(t, paragraph);
                    } else {
                        paragraph.append(paragraph.isEmpty() ? "" : " ").append(line.strip());
                    }
                }
            }
            flush(t, paragraph);
            if (verbatim) {
                t.append(".fi\n.RE\n");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the manual text for " + base, e);
        }
    }

    private static void flush(StringBuilder t, StringBuilder paragraph) {
        if (!paragraph.isEmpty()) {
            t.append(".PP\n").append(escape(paragraph.toString())).append('\n');
            paragraph.setLength(0);
        }
    }

    private static void paragraphs(StringBuilder t, String text) {
        for (String p : text.replace("%n", "\n").split("\n\\s*\n|\n(?=\\S)")) {
            if (!p.isBlank()) {
                t.append(".PP\n").append(escape(p.strip())).append('\n');
            }
        }
    }

    private static String text(String[] lines) {
        return String.join(" ", lines).replace("%n", " ").replace("%%", "%").strip();
    }

    /** troff escapes: backslashes, hyphens as minus signs, and control characters at line starts. */
    static String escape(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder out = new StringBuilder();
        for (String line : e.split("\n", -1)) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            if (line.startsWith(".") || line.startsWith("'")) {
                out.append("\\&");
            }
            out.append(line);
        }
        return out.toString();
    }
}
