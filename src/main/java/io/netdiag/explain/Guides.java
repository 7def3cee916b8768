package io.netdiag.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hand-written explanations for socket programs ({@code explanations.txt}, compiled into {@link TableData}):
 * what the kernel saw, likely causes and next steps, keyed by symbol. Conditions that are in no system table
 * (EOF, a read timeout) carry their own kind, message and category.
 */
final class Guides {
    /** One block of explanations.txt. Kind, message and category are null for symbols from the tables. */
    record Guide(String symbol, String kind, String message, Category category, boolean retryable, String what,
                 List<String> causes, List<String> next) {
    }

    private Guides() {
    }

    // The guides are compiled into TableData (generated from explanations.txt by TableDataTest): parsing the
    // text at start-up cost a cold JVM ~7 ms, and building all ~90 guides for one lookup another 0.4 ms.

    static Guide get(String symbol) {
        return symbol == null ? null : TableData.guide(symbol);
    }

    static Map<String, Guide> all() {
        return Holder.GUIDES;
    }

    private static final class Holder {
        static final Map<String, Guide> GUIDES = build();

        private static Map<String, Guide> build() {
            Map<String, Guide> guides = new LinkedHashMap<>();
            for (String symbol : TableData.guideSymbols()) {
                guides.put(symbol, TableData.guide(symbol));
            }
            return java.util.Collections.unmodifiableMap(guides);
        }
    }

    /** explanations.txt, parsed; only the generator of TableData and its up-to-date check read it. */
    static Map<String, Guide> parseResource() {
        return parse(Tables.lines("explanations.txt"));
    }

    static Map<String, Guide> parse(List<String> lines) {
        Map<String, Guide> guides = new LinkedHashMap<>();
        String symbol = null;
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> causes = new ArrayList<>();
        List<String> next = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("== ") || line.isEmpty() && symbol != null && fields.containsKey("what")) {
                if (symbol != null) {
                    guides.put(symbol, guide(symbol, fields, causes, next));
                    symbol = null;
                    fields.clear();
                    causes = new ArrayList<>();
                    next = new ArrayList<>();
                }
                if (line.startsWith("== ")) {
                    symbol = line.substring(3).strip();
                }
                continue;
            }
            int colon = line.indexOf(": ");
            if (symbol == null || colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            // Two-column steps ("command   (why)") read better as one line in hints and JSON.
            String value = line.substring(colon + 2).strip().replaceAll(" {2,}\\(", " (");
            switch (key) {
                case "cause" -> causes.add(value);
                case "next" -> next.add(value);
                default -> fields.put(key, value);
            }
        }
        if (symbol != null) {
            guides.put(symbol, guide(symbol, fields, causes, next));
        }
        return java.util.Collections.unmodifiableMap(guides);
    }

    private static Guide guide(String symbol, Map<String, String> fields, List<String> causes, List<String> next) {
        String category = fields.get("category");
        return new Guide(symbol, fields.get("kind"), fields.get("message"),
                category == null ? null : Category.fromId(category), "yes".equals(fields.get("retryable")),
                fields.getOrDefault("what", ""), List.copyOf(causes), List.copyOf(next));
    }
}
