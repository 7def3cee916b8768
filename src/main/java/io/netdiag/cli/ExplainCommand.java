package io.netdiag.cli;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.Finding;
import io.netdiag.explain.Lookup;
import io.netdiag.explain.NetdiagException;
import io.netdiag.explain.Numbering;
import io.netdiag.os.Platform;
import io.netdiag.output.ExplainRenderer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@code netdiag explain}: what an errno, Winsock or getaddrinfo code, ICMP error or exception text means. */
final class ExplainCommand extends BaseCommand {
    List<String> arguments = new ArrayList<>();

    String os;

    boolean list;

    String category;

    boolean search;

    boolean stdin;

    /** What the user asked for, parsed. */
    record ExplainRequest(List<String> arguments, Numbering os, boolean osGiven, Category category) {
    }

    @Override
    Declare declare() {
        return Declare.command(this, "explain")
                .header("Explain an errno, Winsock or EAI code, ICMP error or exception text.")
                .description(
                        "Explains each ARG: an errno number (in the numbering of --os, default the running OS) or symbol "
                                + "(ECONNRESET, EWOULDBLOCK), a Winsock code or name (10054, WSAECONNRESET), a getaddrinfo "
                                + "code (EAI_NONAME, -2; 'eai 8' for BSD numbering), an h_errno name (HOST_NOT_FOUND), an "
                                + "ICMP type/code ('icmp 3/3', 'icmp6 1/4'), a curl exit code ('curl 7', CURLE_COULDNT_CONNECT), "
                                + "or error text from Java, Python, Node, Go, Rust, ping, tshark and the tools people use "
                                + "(curl, wget, ssh, nc, socat, openssl, psql, redis-cli, perl, nginx error.log), read by "
                                + "meaning ('java.net.ConnectException: Connection refused', 'read ECONNRESET', "
                                + "'curl: (52) Empty reply from server').",
                        "",
                        "For each match it prints the symbol, its number on each OS (and its other names), the system's "
                                + "message, a category, "
                                + "whether a retry can help, what happened in plain words, likely causes and the next "
                                + "commands to run. When the arguments only make sense together (unquoted text such as "
                                + "icmp 3/3), they are read as one text.")
                .declaredOrder()
                .exitCodes(" 0:everything matched (or the list/search found entries)",
                        " 1:something did not match (the nearest names are printed), a search found nothing, or --stdin found no error",
                        " 2:usage error (unknown --os or --category)")
                .positionals("ARG", "0..*", v -> arguments = v,
                        "Numbers, symbols, ICMP type/code or error text; '-' reads a log from standard input.")
                .option("--os", "OS", String.class, v -> os = v,
                        "Numbering for numbers: linux, macos or windows (default: the running OS).")
                .flag("-l, --list", v -> list = v, "List the tables (filter with --os and --category).")
                .option("--category", "CATEGORY", String.class, v -> category = v,
                        "With --list or --search: only this category (peer-gone, refused, unreachable, timeout, "
                                + "would-block, name-resolution, name-resolution-transient, local-config, closed-locally, "
                                + "permission, resource-exhausted, protocol, tls, other).")
                .flag("-s, --search", v -> search = v,
                        "Search symbols and messages for entries that contain all ARG words, "
                                + "like errno -s.")
                .flag("--stdin", v -> stdin = v,
                        "Read a log or stack trace from standard input and explain each distinct "
                                + "error in it, with its line numbers.");
    }

    @Override
    int execute() throws IOException {
        ExplainRequest request = request();
        Classifier classifier = Classifier.standard();
        if (list) {
            var entries = classifier.list(request.osGiven() ? request.os() : null, request.category());
            out().print(json() ? ExplainRenderer.jsonEntries(entries, request.osGiven() ? request.os() : null) + "\n"
                    : ExplainRenderer.list(entries, request.osGiven() ? request.os() : null));
            return ExitCodes.OK;
        }
        if (search) {
            if (request.arguments().stream().allMatch(String::isBlank)) {
                throw NetdiagException.badInput("--search needs one or more words, not '"
                        + String.join(" ", request.arguments()) + "'");
            }
            var entries = classifier.search(request.arguments(), request.os());
            if (request.category() != null) {
                entries = entries.stream().filter(e -> e.explanation().category() == request.category()).toList();
            }
            out().print(json() ? ExplainRenderer.jsonEntries(entries, request.os()) + "\n" : ExplainRenderer.search(entries));
            return entries.isEmpty() ? ExitCodes.NEGATIVE : ExitCodes.OK;
        }
        if (stdin || request.arguments().equals(List.of("-"))) {
            List<Finding> findings = classifier.scan(readStdin(), request.os());
            if (json()) {
                out().println(ExplainRenderer.jsonFindings(findings));
            } else if (findings.isEmpty()) {
                err().println("netdiag explain: no errors found in the input");
            } else {
                out().print(ExplainRenderer.findings(findings));
            }
            return findings.isEmpty() ? ExitCodes.NEGATIVE : ExitCodes.OK;
        }
        if (request.arguments().isEmpty()) {
            throw NetdiagException.badInput("nothing to explain: give a code, symbol or error text, or --list, --search, --stdin");
        }
        List<Lookup> lookups = lookups(classifier, request);
        if (json()) {
            out().println(ExplainRenderer.json(lookups, request.os()));
        } else {
            boolean first = true;
            for (Lookup lookup : lookups) {
                if (lookup.found()) {
                    if (!first) {
                        out().println();
                    }
                    out().print(ExplainRenderer.text(lookup));
                    first = false;
                } else {
                    for (String line : ExplainRenderer.noMatch(lookup)) {
                        err().println("netdiag explain: " + line);
                    }
                }
            }
        }
        for (Lookup lookup : lookups) {
            if (!lookup.found()) {
                return ExitCodes.NEGATIVE;
            }
        }
        return ExitCodes.OK;
    }

    /**
     * Each argument on its own; when a word that is not a code (a number or an all-caps name) means nothing alone,
     * all of them as one text: {@code icmp 3/3}, {@code read ECONNRESET}, an unquoted exception line.
     */
    private static List<Lookup> lookups(Classifier classifier, ExplainRequest request) {
        List<Lookup> each = new ArrayList<>();
        for (String argument : request.arguments()) {
            each.add(classifier.lookup(argument, request.os()));
        }
        // loops and a hand-written test rather than streams and a regex: each costs a cold start milliseconds
        boolean codeMissed = false;
        boolean allFound = true;
        for (Lookup l : each) {
            allFound &= l.found();
            codeMissed |= !l.found() && looksLikeCode(l.query());
        }
        if (request.arguments().size() > 1 && !codeMissed && !allFound) {
            Lookup joined = classifier.lookup(String.join(" ", request.arguments()), request.os());
            if (joined.found()) {
                return List.of(joined);
            }
        }
        return each;
    }

    /** A number ({@code -?\\d+}) or an all-caps name of three or more ({@code [A-Z][A-Z0-9_]{2,}}). */
    static boolean looksLikeCode(String word) {
        int start = word.startsWith("-") ? 1 : 0;
        boolean digits = word.length() > start;
        for (int i = start; i < word.length(); i++) {
            digits &= word.charAt(i) >= '0' && word.charAt(i) <= '9';
        }
        if (digits) {
            return true;
        }
        if (word.length() < 3 || word.charAt(0) < 'A' || word.charAt(0) > 'Z') {
            return false;
        }
        for (int i = 1; i < word.length(); i++) {
            char c = word.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private ExplainRequest request() {
        Numbering numbering;
        try {
            numbering = os == null ? Numbering.of(Platform.current()) : Numbering.parse(os);
        } catch (IllegalArgumentException e) {
            throw NetdiagException.badInput(e.getMessage());
        }
        Category wanted = null;
        if (category != null) {
            try {
                wanted = Category.fromId(category);
            } catch (IllegalArgumentException e) {
                throw NetdiagException.badInput(e.getMessage());
            }
        }
        return new ExplainRequest(List.copyOf(arguments), numbering, os != null, wanted);
    }

    private static List<String> readStdin() throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return reader.lines().toList();
    }
}
