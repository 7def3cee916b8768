package io.netdiag.output;

import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one JSON writer (and a small reader for tests and round trips). Records become objects whose keys
 * are the component names in snake_case, in declaration order; enums become their lower-case names with
 * dashes; absent optionals and nulls become {@code null}.
 */
public final class Json {
    private Json() {
    }

    /** One line, for streams of objects (one object per line). */
    public static String compact(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, -1, 0);
        return out.toString();
    }

    /** An indented document, for single results. */
    public static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 2, 0);
        return out.toString();
    }

    /** camelCase to snake_case: {@code recvQ} to {@code recv_q}. */
    public static String snake(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    // An instanceof chain, not a pattern switch: a cold JVM links a type switch through SwitchBootstraps on its
    // first run (~2.5 ms of every --json command's start-up), and the AOT cache does not keep that linkage.
    // The order is the order of the cases it replaced; the first that applies wins.
    private static void write(StringBuilder out, Object value, int indent, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(out, s);
        } else if (value instanceof Character c) {
            quote(out, c.toString());
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof Double d) {
            number(out, d);
        } else if (value instanceof Float f) {
            number(out, f.doubleValue());
        } else if (value instanceof Number n) {
            out.append(n);
        } else if (value instanceof Raw raw) {
            out.append(raw.json());
        } else if (value instanceof JsonValue j) {
            // Before Enum: an enum that names its own JSON form (Category's ids) keeps it.
            write(out, j.toJson(), indent, depth);
        } else if (value instanceof Enum<?> e) {
            quote(out, e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        } else if (value instanceof Optional<?> o) {
            write(out, o.orElse(null), indent, depth);
        } else if (value instanceof InetAddress a) {
            quote(out, a.getHostAddress());
        } else if (value instanceof Map<?, ?> m) {
            writeMap(out, m, indent, depth);
        } else if (value instanceof Collection<?> c) {
            writeList(out, c, indent, depth);
        } else if (value instanceof Object[] array) {
            writeList(out, List.of(array), indent, depth);
        } else if (value instanceof int[] array) {
            writeList(out, java.util.Arrays.stream(array).boxed().toList(), indent, depth);
        } else if (value instanceof long[] array) {
            writeList(out, java.util.Arrays.stream(array).boxed().toList(), indent, depth);
        } else if (value instanceof Record r) {
            writeMap(out, recordFields(r), indent, depth);
        } else {
            quote(out, value.toString());
        }
    }

    private static Map<String, Object> recordFields(Record r) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (RecordComponent component : r.getClass().getRecordComponents()) {
            try {
                component.getAccessor().setAccessible(true);
                fields.put(snake(component.getName()), component.getAccessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component, e);
            }
        }
        return fields;
    }

    private static void number(StringBuilder out, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d);
        } else {
            out.append(d);
        }
    }

    private static void writeMap(StringBuilder out, Map<?, ?> map, int indent, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(out, indent, depth + 1);
            quote(out, String.valueOf(e.getKey()));
            out.append(indent < 0 ? ":" : ": ");
            write(out, e.getValue(), indent, depth + 1);
        }
        newline(out, indent, depth);
        out.append('}');
    }

    private static void writeList(StringBuilder out, Collection<?> list, int indent, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : list) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(out, indent, depth + 1);
            write(out, item, indent, depth + 1);
        }
        newline(out, indent, depth);
        out.append(']');
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * JSON text written as it is: a large array streamed into a buffer by its producer (one --watch refresh's
     * sockets), so that the objects it was made from need not be held until the document around it is written.
     */
    public record Raw(CharSequence json) {
    }

    /** A value that chooses its own JSON form (a map, list, string or number). */
    public interface JsonValue {
        Object toJson();
    }

    /**
     * Parses a JSON text into maps (insertion-ordered), lists, strings, longs or doubles, booleans and
     * nulls. Used by tests and by readers of netdiag's own JSON.
     */
    public static Object parse(String text) {
        Reader reader = new Reader(text);
        Object value = reader.value();
        reader.skipSpace();
        if (reader.pos != text.length()) {
            throw new IllegalArgumentException("trailing text at " + reader.pos);
        }
        return value;
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        Object value() {
            skipSpace();
            if (pos >= s.length()) {
                throw new IllegalArgumentException("unexpected end of JSON");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw new IllegalArgumentException("bad literal at " + pos);
            }
            pos += word.length();
            return value;
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (s.charAt(pos) == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (s.charAt(pos) == ',') {
                    pos++;
                } else {
                    expect('}');
                    return map;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            pos++;
            skipSpace();
            if (s.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                list.add(value());
                skipSpace();
                if (s.charAt(pos) == ',') {
                    pos++;
                } else {
                    expect(']');
                    return list;
                }
            }
        }

        private void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + pos);
            }
            pos++;
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(pos++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
        }

        private Object number() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            String n = s.substring(start, pos);
            if (n.isEmpty()) {
                throw new IllegalArgumentException("unexpected character at " + start);
            }
            if (n.contains(".") || n.contains("e") || n.contains("E")) {
                return Double.parseDouble(n);
            }
            return Long.parseLong(n);
        }
    }
}
