package io.netdiag.exporter;

import io.netdiag.explain.NetdiagException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The exporter's YAML configuration:
 * <pre>
 * probes:                       # scheduled probes, run continuously
 *   - {module: tcp, target: "127.0.0.1:5432", interval: 1s, timeout: 1s}
 *   - {module: icmp, target: "10.0.0.2", interval: 1s}
 * allow: ["127.0.0.1", "10.0.0.0/8"]   # the only targets /probe may be asked for
 * </pre>
 * Read strictly: an unknown key, a wrong type or a bad value is a bad-input error that names the file, the
 * place and the problem in one line, so that nothing is served from a half-understood file.
 */
public record ExporterConfig(List<ProbeSpec> probes, AllowList allow) {
    /** Without -c/--config: no scheduled probes, and /probe allows nothing. */
    public static ExporterConfig empty() {
        return new ExporterConfig(List.of(), AllowList.none());
    }

    static final long DEFAULT_INTERVAL_MILLIS = 5_000;
    static final long DEFAULT_TIMEOUT_MILLIS = 2_000;

    public static ExporterConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw NetdiagException.badInput("config " + file + ": no such file");
        } catch (IOException e) {
            throw NetdiagException.badInput("config " + file + ": cannot be read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static ExporterConfig parse(String text, String name) {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setLabel(name).setAllowDuplicateKeys(false).build()).loadFromString(text);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().map(m -> " line " + (m.getLine() + 1) + " column " + (m.getColumn() + 1)).orElse("");
            throw NetdiagException.badInput("config " + name + ":" + where + ": " + oneLine(e.getProblem()));
        } catch (YamlEngineException e) {
            throw NetdiagException.badInput("config " + name + ": " + oneLine(e.getMessage()));
        }
        if (doc == null) {
            return empty();
        }
        if (!(doc instanceof Map<?, ?> top)) {
            throw bad(name, "the top level must be a mapping with probes: and allow:");
        }
        for (Object key : top.keySet()) {
            if (!"probes".equals(key) && !"allow".equals(key)) {
                throw bad(name, "unknown key '" + key + "' (probes, allow)");
            }
        }
        List<ProbeSpec> probes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Object p = top.get("probes");
        if (p != null && !(p instanceof List<?>)) {
            throw bad(name, "probes must be a list");
        }
        int index = 0;
        for (Object item : p == null ? List.of() : (List<?>) p) {
            index++;
            String at = "probes[" + index + "]";
            if (!(item instanceof Map<?, ?> m)) {
                throw bad(name, at + " must be a mapping with module: and target:");
            }
            for (Object key : m.keySet()) {
                if (!List.of("module", "target", "interval", "timeout").contains(key)) {
                    throw bad(name, at + ": unknown key '" + key + "' (module, target, interval, timeout)");
                }
            }
            String module = string(name, at + ".module", m.get("module"));
            String target = string(name, at + ".target", m.get("target"));
            long interval = m.get("interval") == null ? DEFAULT_INTERVAL_MILLIS : duration(name, at + ".interval", m.get("interval"));
            long timeout = m.get("timeout") == null ? Math.min(interval, DEFAULT_TIMEOUT_MILLIS)
                    : duration(name, at + ".timeout", m.get("timeout"));
            ProbeSpec spec;
            try {
                spec = ProbeSpec.of(ProbeSpec.Module.parse(module), target, interval, timeout);
            } catch (NetdiagException e) {
                throw bad(name, at + ": " + e.getMessage());
            }
            if (spec.module() == ProbeSpec.Module.TRACE) {
                throw bad(name, at + ": module trace runs on demand only (/probe?module=trace&target=...)");
            }
            if (!seen.add(spec.module().label() + " " + spec.target())) {
                throw bad(name, at + ": " + module + " " + target + " is listed twice");
            }
            probes.add(spec);
        }
        Object a = top.get("allow");
        List<String> allow = new ArrayList<>();
        if (a != null) {
            if (!(a instanceof List<?> list)) {
                throw bad(name, "allow must be a list of addresses, ADDRESS/PREFIX ranges or host names");
            }
            for (Object entry : list) {
                allow.add(string(name, "allow", entry));
            }
        }
        try {
            return new ExporterConfig(List.copyOf(probes), AllowList.of(allow));
        } catch (NetdiagException e) {
            throw bad(name, e.getMessage());
        }
    }

    /** Prometheus-style durations: 500ms, 1s, 1.5s, 2m, 1h. */
    static long duration(String name, String at, Object value) {
        String s = value instanceof String str ? str.strip() : value instanceof Number n ? n + "s" : "";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)").matcher(s);
        if (!m.matches()) {
            throw bad(name, at + ": '" + value + "' is not a duration (500ms, 1s, 2m)");
        }
        double n = Double.parseDouble(m.group(1));
        double millis = n * switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        if (millis < 10 || millis > 86_400_000) {
            throw bad(name, at + ": '" + value + "' is out of range (10ms to 24h)");
        }
        return (long) millis;
    }

    private static String string(String name, String at, Object value) {
        if (value instanceof String s && !s.isBlank()) {
            return s.strip();
        }
        throw bad(name, at + " must be a non-empty string" + (value == null ? "" : ", not '" + value + "'"));
    }

    private static NetdiagException bad(String name, String what) {
        return NetdiagException.badInput("config " + name + ": " + what);
    }

    private static String oneLine(String s) {
        return s == null ? "invalid YAML" : s.replaceAll("\\s+", " ").strip();
    }
}
