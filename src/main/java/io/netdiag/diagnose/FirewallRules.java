package io.netdiag.diagnose;

import io.netdiag.output.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * This host's firewall rules that match a port, read through the firewall tools' own output: {@code nft -j list
 * ruleset} for nftables (with {@code nft -a list ruleset} for each rule's text) and {@code iptables-save} /
 * {@code ip6tables-save} for iptables (legacy, or iptables-nft, whose rules nft shows only as opaque xt matches).
 */
final class FirewallRules {
    private FirewallRules() {
    }

    /**
     * A rule that matches the port.
     *
     * @param tool    nft, iptables or ip6tables
     * @param where   table and chain: {@code inet filter input}, {@code filter INPUT}
     * @param hook    input, output, forward, prerouting, postrouting, or null for a chain no hook calls directly
     * @param verdict drop, reject, accept, or the rule's other action (jump, queue, ...)
     * @param text    the rule as the tool prints it
     */
    record Rule(String tool, String where, String hook, String verdict, String text) {
        boolean blocks() {
            return verdict.equals("drop") || verdict.equals("reject");
        }
    }

    /**
     * What the tools said.
     *
     * @param rules    the rules that match the port
     * @param notes    tools missing or refused (no CAP_NET_ADMIN), chains whose policy drops
     * @param refused  a tool ran but was refused for lack of privilege
     */
    record Report(List<Rule> rules, List<String> notes, boolean refused) {
    }

    static Report matching(int port, boolean udp, int timeoutMillis) {
        List<Rule> rules = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean refused = false;
        String proto = udp ? "udp" : "tcp";
        Output nft = run(timeoutMillis, "nft", "-j", "list", "ruleset");
        if (nft == null) {
            notes.add("nft is not installed");
        } else if (nft.code != 0) {
            refused |= nft.err.contains("Operation not permitted") || nft.err.contains("Permission denied");
            notes.add("nft -j list ruleset failed: " + firstLine(nft.err));
        } else if (!nft.out.isBlank()) {
            Output text = run(timeoutMillis, "nft", "-a", "list", "ruleset");
            nftRules(nft.out, text == null ? "" : text.out, port, proto, rules, notes);
        }
        for (String tool : List.of("iptables-save", "ip6tables-save")) {
            Output save = run(timeoutMillis, tool);
            if (save == null) {
                notes.add(tool + " is not installed");
            } else if (save.code != 0) {
                refused |= save.err.contains("Permission denied") || save.err.contains("not permitted");
                notes.add(tool + " failed: " + firstLine(save.err));
            } else {
                iptablesRules(tool.startsWith("ip6") ? "ip6tables" : "iptables", save.out, port, proto, rules);
            }
        }
        return new Report(rules, notes, refused);
    }

    // --- nftables ---

    @SuppressWarnings("unchecked")
    static void nftRules(String json, String text, int port, String proto, List<Rule> rules, List<String> notes) {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            notes.add("nft -j printed something that is not JSON");
            return;
        }
        if (!(parsed instanceof Map<?, ?> root) || !(root.get("nftables") instanceof List<?> items)) {
            return;
        }
        Map<String, String> hooks = new HashMap<>();
        Map<String, String> handles = ruleTexts(text);
        for (Object item : items) {
            if (item instanceof Map<?, ?> m && m.get("chain") instanceof Map<?, ?> chain) {
                String key = chain.get("family") + " " + chain.get("table") + " " + chain.get("name");
                if (chain.get("hook") != null) {
                    hooks.put(key, String.valueOf(chain.get("hook")));
                    if ("drop".equals(chain.get("policy"))) {
                        notes.add("nft chain " + key + " (hook " + chain.get("hook") + ") has policy drop");
                    }
                }
            }
        }
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m) || !(m.get("rule") instanceof Map<?, ?> rule)) {
                continue;
            }
            if (!(rule.get("expr") instanceof List<?> expr) || !matchesPort((List<Object>) expr, port, proto)) {
                continue;
            }
            String key = rule.get("family") + " " + rule.get("table") + " " + rule.get("chain");
            String handle = String.valueOf(rule.get("handle"));
            String shown = handles.getOrDefault(key + " " + handle, "handle " + handle);
            rules.add(new Rule("nft", key, hooks.get(key), verdict((List<Object>) expr), shown));
        }
    }

    /** Whether one of the rule's matches is a destination port equal to, in a set or range with, {@code port}. */
    private static boolean matchesPort(List<Object> expr, int port, String proto) {
        for (Object e : expr) {
            if (!(e instanceof Map<?, ?> m) || !(m.get("match") instanceof Map<?, ?> match)) {
                continue;
            }
            if (!(match.get("left") instanceof Map<?, ?> left) || !(left.get("payload") instanceof Map<?, ?> payload)) {
                continue;
            }
            Object protocol = payload.get("protocol");
            if (!"dport".equals(payload.get("field")) || !(proto.equals(protocol) || "th".equals(protocol))) {
                continue;
            }
            boolean negated = "!=".equals(match.get("op"));
            if (contains(match.get("right"), port) != negated) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(Object right, int port) {
        if (right instanceof Number n) {
            return n.longValue() == port;
        }
        if (right instanceof Map<?, ?> m) {
            if (m.get("set") instanceof List<?> set) {
                return set.stream().anyMatch(v -> contains(v, port));
            }
            if (m.get("range") instanceof List<?> range && range.size() == 2
                    && range.get(0) instanceof Number lo && range.get(1) instanceof Number hi) {
                return lo.longValue() <= port && port <= hi.longValue();
            }
        }
        return false;
    }

    private static String verdict(List<Object> expr) {
        for (Object e : expr) {
            if (e instanceof Map<?, ?> m) {
                for (String v : List.of("drop", "reject", "accept", "jump", "goto", "queue", "return")) {
                    if (m.containsKey(v)) {
                        return v;
                    }
                }
            }
        }
        return "continue";
    }

    /** "family table chain handle" to the rule's text, from {@code nft -a list ruleset}. */
    static Map<String, String> ruleTexts(String text) {
        Map<String, String> texts = new HashMap<>();
        String table = null;
        String chain = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("table ")) {
                String[] w = line.split("\\s+");
                table = w.length >= 3 ? w[1] + " " + w[2] : null;
                chain = null;
            } else if (line.startsWith("chain ")) {
                chain = line.split("\\s+")[1];
            } else if (table != null && chain != null && line.contains("# handle ") && !line.startsWith("type ")) {
                int at = line.lastIndexOf("# handle ");
                texts.put(table + " " + chain + " " + line.substring(at + 9).trim(), line.substring(0, at).trim());
            }
        }
        return texts;
    }

    // --- iptables ---

    static void iptablesRules(String tool, String save, int port, String proto, List<Rule> rules) {
        String table = "filter";
        for (String raw : save.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("*")) {
                table = line.substring(1);
                continue;
            }
            if (!line.startsWith("-A ")) {
                continue;
            }
            String[] w = line.split("\\s+");
            String chain = w[1];
            String protocol = null;
            boolean port_ = false;
            String target = "continue";
            for (int i = 2; i < w.length - 1; i++) {
                switch (w[i]) {
                    case "-p", "--protocol" -> protocol = w[i + 1];
                    case "--dport", "--destination-port" -> port_ |= inPorts(w[i + 1], port);
                    case "--dports", "--destination-ports" -> port_ |= inPorts(w[i + 1], port);
                    case "-j", "--jump" -> target = w[i + 1].toLowerCase(java.util.Locale.ROOT);
                    default -> {
                    }
                }
            }
            if (port_ && (protocol == null || protocol.equals(proto))) {
                String hook = switch (chain) {
                    case "INPUT" -> "input";
                    case "OUTPUT" -> "output";
                    case "FORWARD" -> "forward";
                    case "PREROUTING" -> "prerouting";
                    case "POSTROUTING" -> "postrouting";
                    default -> null;
                };
                rules.add(new Rule(tool, table + " " + chain, hook, target, line));
            }
        }
    }

    private static boolean inPorts(String list, int port) {
        for (String p : list.split(",")) {
            String[] range = p.split(":");
            try {
                int lo = range[0].isEmpty() ? 0 : Integer.parseInt(range[0]);
                int hi = range.length > 1 ? (range[1].isEmpty() ? 65535 : Integer.parseInt(range[1])) : lo;
                if (lo <= port && port <= hi) {
                    return true;
                }
            } catch (NumberFormatException e) {
                // a service name: iptables-save prints numbers
            }
        }
        return false;
    }

    // --- running the tools ---

    private record Output(int code, String out, String err) {
    }

    private static Output run(int timeoutMillis, String... command) {
        Path tool = null;
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, command[0]);
            if (Files.isExecutable(p)) {
                tool = p;
                break;
            }
        }
        if (tool == null) {
            return null;
        }
        List<String> full = new ArrayList<>(List.of(command));
        full.set(0, tool.toString());
        try {
            Path out = Files.createTempFile("netdiag-fw", ".out");
            Path err = Files.createTempFile("netdiag-fw", ".err");
            try {
                Process p = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                if (!p.waitFor(Math.max(1000, timeoutMillis), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return new Output(-1, "", command[0] + " did not finish in " + timeoutMillis + " ms");
                }
                return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Output(-1, "", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Output(-1, "", "interrupted");
        }
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
