package io.netdiag.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether src/test/setup/packages.tsv brings a tool onto a fresh Debian machine: the package that installed the
 * tool must be listed there, be pulled in by a listed one (python3 brings python3-minimal), or be Essential.
 * Read from dpkg's database; on a machine without dpkg nothing is checked.
 */
final class Packages {
    private static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();
    private static final String FINE = "";
    private static Set<String> provided;

    private Packages() {
    }

    /** What is wrong with where {@code tool} comes from ("the package X", "no package"), or null when tools.sh provides it. */
    static String unlisted(String tool) {
        String answer = ANSWERS.computeIfAbsent(tool, Packages::lookUp);
        return answer.isEmpty() ? null : answer;
    }

    private static String lookUp(String tool) {
        if (!Files.exists(Path.of("/var/lib/dpkg/status"))) {
            return FINE;
        }
        // a fresh machine has the system directories' copy; PATH may put a hand-installed one (pyenv) first here
        java.io.File file = null;
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (file == null && new java.io.File(dir, tool).canExecute()) {
                file = new java.io.File(dir, tool);
            }
        }
        if (file == null) {
            return "no Debian package (" + Host.find(tool) + " was installed by hand)";
        }
        String pkg = owner(file.toPath());
        if (pkg == null) {
            return "no Debian package (" + file + " was installed by hand)";
        }
        return providedByPackagesTsv().contains(pkg) ? FINE : "the Debian package " + pkg;
    }

    /** The package that installed the file; Debian's merged /usr registers /bin/ip rather than /usr/bin/ip, so try both. */
    private static String owner(Path path) {
        List<Path> candidates = new ArrayList<>(List.of(path));
        try {
            candidates.add(path.toRealPath());
        } catch (IOException ignored) {
            // the path itself is all there is
        }
        for (Path p : List.copyOf(candidates)) {
            String text = p.toString();
            candidates.add(Path.of(text.startsWith("/usr/") ? text.substring(4) : "/usr" + text));
        }
        for (Path p : candidates) {
            Host.Run r = Host.exec(List.of("dpkg-query", "-S", p.toString()), 30);
            // "diversion by dash from: /bin/sh" lines come before the owner's "dash: /bin/sh"
            var owner = r.out().lines().filter(l -> !l.startsWith("diversion by ") && l.contains(":")).findFirst();
            if (r.exitCode() == 0 && owner.isPresent()) {
                return owner.get().split(":")[0].strip();
            }
        }
        return null;
    }

    /** Every installed package that packages.tsv brings in (listed, or a dependency of one), and the Essential ones. */
    private static synchronized Set<String> providedByPackagesTsv() {
        if (provided != null) {
            return provided;
        }
        Host.Run all = Host.exec(List.of("dpkg-query", "-W", "-f=${Package}\t${Essential}\t${Pre-Depends}, ${Depends}\n"), 60);
        Map<String, List<String>> depends = new HashMap<>();
        Set<String> result = new HashSet<>();
        for (String line : all.out().lines().toList()) {
            String[] f = line.split("\t", -1);
            if (f.length < 3) {
                continue;
            }
            if (f[1].equals("yes")) {
                result.add(f[0]);
            }
            List<String> names = new ArrayList<>();
            for (String clause : f[2].split("[,|]")) {
                String name = clause.strip().replaceAll("[ (].*", "").replaceAll(":.*", "");
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
            depends.put(f[0], names);
        }
        Set<String> listed = listed();
        for (String pkg : listed) {
            if (!depends.containsKey(pkg)) {
                // listed but not installed here (its dependency was installed by hand): ask apt what it would bring
                Host.Run apt = Host.exec(List.of("apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                        "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", pkg), 60);
                for (String line : apt.out().lines().toList()) {
                    String name = line.strip().replaceFirst("^\\|?(Pre)?Depends: ", "").replaceAll("[<>:].*", "").strip();
                    if (!name.isEmpty()) {
                        result.add(name);
                    }
                }
            }
        }
        ArrayDeque<String> queue = new ArrayDeque<>(listed);
        while (!queue.isEmpty()) {
            String pkg = queue.poll();
            if (result.add(pkg) || listed.contains(pkg)) {
                for (String dep : depends.getOrDefault(pkg, List.of())) {
                    if (!result.contains(dep)) {
                        queue.add(dep);
                    }
                }
            }
        }
        provided = result;
        return result;
    }

    private static Set<String> listed() {
        Path tsv = Path.of(System.getProperty("netdiag.project.dir", "."), "src", "test", "setup", "packages.tsv");
        Set<String> names = new HashSet<>();
        try {
            for (String line : Files.readAllLines(tsv)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("\t")[0].strip());
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + tsv, e);
        }
        return names;
    }
}
