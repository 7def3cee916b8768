package io.netdiag.output;

import io.netdiag.explain.Classifier.Entry;
import io.netdiag.explain.Explanation;
import io.netdiag.explain.Finding;
import io.netdiag.explain.Lookup;
import io.netdiag.explain.Match;
import io.netdiag.explain.Numbering;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders {@code netdiag explain}: explanation blocks, the table (errno -l style), search hits and log findings. */
public final class ExplainRenderer {
    private static final int WIDTH = 100;

    private ExplainRenderer() {
    }

    // ---- text ----

    /** One block per match; other readings of the same input after it. Unmatched lookups print nothing here. */
    public static String text(Lookup lookup) {
        StringBuilder out = new StringBuilder();
        for (Match match : lookup.matches()) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            block(out, match.explanation(), match.note());
        }
        if (!lookup.alternatives().isEmpty()) {
            out.append("\nOther readings:\n");
            for (Match alt : lookup.alternatives()) {
                Explanation e = alt.explanation();
                out.append("  ").append(e.title()).append(": ").append(alt.note())
                        .append(" [").append(e.category().id()).append("]\n");
            }
        }
        return out.toString();
    }

    private static void block(StringBuilder out, Explanation e, String note) {
        out.append(e.title()).append('\n');
        String numbers = numbers(e);
        if (!numbers.isEmpty()) {
            out.append("  ").append(numbers).append('\n');
        }
        if (!e.aliases().isEmpty()) {
            // as moreutils errno lists them: every name the number has
            out.append("  also named: ").append(String.join(", ", e.aliases())).append(" (the same number)\n");
        }
        out.append("  category: ").append(e.category().id()).append(" (").append(e.category().meaning()).append(")\n");
        out.append("  retry can help: ").append(e.retryable() ? "yes" : "no").append('\n');
        if (note != null && !note.isEmpty()) {
            out.append("  read as: ").append(note).append('\n');
        }
        out.append('\n');
        wrap(out, e.explanation(), "  ", "  ");
        if (!e.causes().isEmpty()) {
            out.append("\n  Likely causes:\n");
            for (String cause : e.causes()) {
                wrap(out, cause, "    - ", "      ");
            }
        }
        if (!e.nextSteps().isEmpty()) {
            out.append("\n  Next steps:\n");
            for (String step : e.nextSteps()) {
                wrap(out, step, "    ", "      ");
            }
        }
    }

    /**
     * The numbers line: where the error has which number. Built with a StringBuilder: in a cold JVM the first
     * string concatenation of each shape links a StringConcatFactory call site (~0.4 ms for this method alone).
     */
    static String numbers(Explanation e) {
        Map<String, Integer> n = e.numbers();
        StringBuilder b = new StringBuilder();
        switch (e.kind()) {
            case "errno" -> {
                boolean any = on(b, n, "linux", " on Linux", "errno ");
                any |= on(b, n, "macos", " on macOS", any ? ", " : "errno ");
                if (n.containsKey("windows")) {
                    b.append(any ? "; " : "").append("WSA").append(e.symbol()).append(' ').append(n.get("windows")).append(" on Windows");
                }
            }
            case "winsock" -> {
                b.append("Winsock ").append(n.get("windows"));
                boolean any = on(b, n, "linux", " on Linux", "; errno ");
                on(b, n, "macos", " on macOS", any ? ", " : "; errno ");
            }
            case "eai" -> {
                b.append("getaddrinfo ");
                boolean any = on(b, n, "linux", " on Linux (glibc)", "");
                any |= on(b, n, "macos", " on macOS/BSD", any ? ", " : "");
                on(b, n, "windows", " on Windows", any ? ", " : "");
            }
            case "h_errno" -> {
                b.append("h_errno ").append(n.get("linux"));
                on(b, n, "windows", " on Windows", "; ");
            }
            case "icmp", "icmp6" -> b.append(e.kind().equals("icmp6") ? "ICMPv6" : "ICMP").append(" type ").append(n.get("type"))
                    .append(" code ").append(n.get("code"));
            case "curl" -> b.append("curl exit code ").append(n.get("curl")).append(" (libcurl CURLcode)");
            default -> {
            }
        }
        return b.toString();
    }

    /** Appends {@code before + number + where} when the error has a number under that key. */
    private static boolean on(StringBuilder b, Map<String, Integer> n, String key, String where, String before) {
        Integer number = n.get(key);
        if (number == null) {
            return false;
        }
        b.append(before).append(number).append(where);
        return true;
    }

    /** Words are the runs between single spaces; scanned in place, as split(" ") costs a cold JVM more. */
    private static void wrap(StringBuilder out, String text, String firstIndent, String indent) {
        StringBuilder line = new StringBuilder(firstIndent);
        boolean empty = true;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf(' ', start);
            if (end < 0) {
                end = text.length();
            }
            int length = end - start;
            if (length > 0) {
                if (!empty && line.length() + 1 + length > WIDTH) {
                    out.append(line).append('\n');
                    line = new StringBuilder(indent);
                    empty = true;
                }
                if (!empty) {
                    line.append(' ');
                }
                line.append(text, start, end);
                empty = false;
            }
            start = end + 1;
        }
        out.append(line).append('\n');
    }

    /** What an unmatched lookup prints on stderr (after the command name). */
    public static List<String> noMatch(Lookup lookup) {
        List<String> lines = new ArrayList<>();
        // StringBuilder rather than +: an unlinked concatenation site costs a cold JVM a hidden class
        lines.add(new StringBuilder("no match for \"").append(lookup.query()).append('"').toString());
        if (!lookup.nearest().isEmpty()) {
            lines.add("nearest: ".concat(String.join(", ", lookup.nearest())));
        }
        return lines;
    }

    /**
     * The table: with one OS, {@code SYMBOL NUMBER CATEGORY MESSAGE} like moreutils {@code errno -l}; without,
     * every OS's number side by side.
     */
    public static String list(List<Entry> entries, Numbering os) {
        Table table;
        if (os != null) {
            table = new Table("SYMBOL", "NUMBER", "CATEGORY", "MESSAGE").align(1, Table.Align.RIGHT);
            for (Entry entry : entries) {
                Explanation e = entry.explanation();
                table.row(entry.name(), entry.number() == null ? numbers(e).isEmpty() ? "" : icmpNumber(e) : entry.number(),
                        e.category().id(), e.message());
            }
        } else {
            table = new Table("SYMBOL", "LINUX", "MACOS", "WINDOWS", "CATEGORY", "MESSAGE")
                    .align(1, Table.Align.RIGHT).align(2, Table.Align.RIGHT).align(3, Table.Align.RIGHT);
            for (Entry entry : entries) {
                Explanation e = entry.explanation();
                Map<String, Integer> n = e.numbers();
                if (e.kind().startsWith("icmp") || e.kind().equals("curl")) {
                    table.row(entry.name(), "", "", "", e.category().id(), e.message());
                } else {
                    table.row(entry.name(), n.get("linux"), n.get("macos"), n.get("windows"), e.category().id(), e.message());
                }
            }
        }
        return table.render();
    }

    /** The number column of rows that have no errno number: ICMP type/code, or "curl N". */
    private static String icmpNumber(Explanation e) {
        if (e.kind().equals("curl")) {
            return "curl ".concat(String.valueOf(e.numbers().get("curl")));
        }
        return e.kind().startsWith("icmp") ? new StringBuilder().append(e.numbers().get("type")).append('/')
                .append(e.numbers().get("code")).toString() : "";
    }

    /** Search hits the way {@code errno -s} prints them: symbol, number, message. */
    public static String search(List<Entry> entries) {
        Table table = new Table("SYMBOL", "NUMBER", "MESSAGE").withoutHeader().align(1, Table.Align.RIGHT);
        for (Entry entry : entries) {
            Explanation e = entry.explanation();
            table.row(entry.name(), entry.number() == null ? icmpNumber(e) : entry.number(), e.message());
        }
        return table.render();
    }

    /** Log findings: where each distinct error occurs, the line it came from, what it means and what to try. */
    public static String findings(List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        for (Finding f : findings) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            Explanation e = f.explanation();
            out.append(f.lines().size() == 1 ? "line " : "lines ")
                    .append(f.lines().stream().map(String::valueOf).collect(Collectors.joining(", ")))
                    .append(": ").append(e.summary()).append('\n');
            out.append("  > ").append(f.text()).append('\n');
            if (e.hint() != null) {
                out.append("  try: ").append(e.hint()).append('\n');
            }
        }
        return out.toString();
    }

    // ---- JSON ----

    public static String json(List<Lookup> lookups, Numbering os) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("os", os.key());
        List<Object> results = new ArrayList<>();
        for (Lookup lookup : lookups) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("query", lookup.query());
            r.put("numbering", lookup.numbering().key());
            r.put("found", lookup.found());
            r.put("matches", matches(lookup.matches()));
            r.put("alternatives", matches(lookup.alternatives()));
            r.put("nearest", lookup.nearest());
            results.add(r);
        }
        doc.put("results", results);
        return Json.pretty(doc);
    }

    public static String jsonEntries(List<Entry> entries, Numbering os) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("os", os == null ? null : os.key());
        List<Object> list = new ArrayList<>();
        for (Entry entry : entries) {
            Map<String, Object> m = explanation(entry.explanation());
            if (!entry.name().equals(entry.explanation().symbol())) {
                m.put("alias_of", m.get("symbol"));
                m.put("symbol", entry.name());
            }
            m.put("number", entry.number());
            list.add(m);
        }
        doc.put("entries", list);
        return Json.pretty(doc);
    }

    public static String jsonFindings(List<Finding> findings) {
        List<Object> list = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lines", f.lines());
            m.put("text", f.text());
            m.putAll(explanation(f.explanation()));
            list.add(m);
        }
        return Json.pretty(Map.of("findings", list));
    }

    /** A loop, not a stream: a cold JVM links and interprets each stream pipeline. */
    private static List<Object> matches(List<Match> matches) {
        List<Object> list = new ArrayList<>(matches.size());
        for (Match match : matches) {
            list.add(match(match));
        }
        return List.copyOf(list);
    }

    private static Map<String, Object> match(Match match) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("note", match.note());
        m.putAll(explanation(match.explanation()));
        return m;
    }

    /** An explanation as JSON: the record's fields in snake_case, the category by its stable id. */
    public static Map<String, Object> explanation(Explanation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("symbol", e.symbol());
        m.put("kind", e.kind());
        Map<String, Integer> numbers = new LinkedHashMap<>();
        for (String key : List.of("linux", "macos", "windows", "type", "code", "curl")) {
            if (e.numbers().containsKey(key)) {
                numbers.put(key, e.numbers().get(key));
            }
        }
        m.put("numbers", numbers);
        m.put("message", e.message());
        m.put("category", e.category().id());
        m.put("retryable", e.retryable());
        m.put("summary", e.summary());
        m.put("explanation", e.explanation());
        m.put("causes", e.causes());
        m.put("next_steps", e.nextSteps());
        m.put("aliases", e.aliases());
        return m;
    }
}
