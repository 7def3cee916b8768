package io.netdiag.diagnose;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How this system resolves names: the {@code hosts:} line of nsswitch.conf (which sources, in which order),
 * the addresses /etc/hosts gives a name, and the resolvers, search list and options of resolv.conf. Read the
 * way glibc reads them, at the paths {@code ip netns exec} bind-mounts per namespace.
 *
 * @param sources     nsswitch sources for hosts, in order (files, dns, myhostname, resolve, mdns4_minimal ...)
 * @param nameservers resolv.conf's nameserver lines (glibc's default 127.0.0.1 when there are none)
 * @param search      the search list
 * @param ndots       options ndots (default 1)
 * @param timeoutSeconds options timeout (default 5)
 * @param attempts    options attempts (default 2)
 */
record ResolverConfig(List<String> sources, List<InetAddress> nameservers, List<String> search, int ndots,
                      int timeoutSeconds, int attempts) {

    static ResolverConfig read(Path etc) {
        List<String> sources = new ArrayList<>();
        for (String line : lines(etc.resolve("nsswitch.conf"))) {
            String l = strip(line);
            if (l.startsWith("hosts:")) {
                for (String word : l.substring(6).trim().split("\\s+")) {
                    if (!word.isEmpty() && !word.startsWith("[")) {
                        sources.add(word);
                    }
                }
            }
        }
        if (sources.isEmpty()) {
            sources = List.of("dns", "files"); // glibc's default without a hosts line
        }
        List<InetAddress> servers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        int ndots = 1;
        int timeout = 5;
        int attempts = 2;
        for (String line : lines(etc.resolve("resolv.conf"))) {
            String[] w = strip(line).split("\\s+");
            if (w.length < 2) {
                continue;
            }
            switch (w[0]) {
                case "nameserver" -> {
                    try {
                        if (w[1].matches("[0-9A-Fa-f:.%\\w]+") && (w[1].indexOf(':') >= 0 || w[1].matches("[0-9.]+"))) {
                            servers.add(InetAddress.getByName(w[1]));
                        }
                    } catch (IOException e) {
                        // not an address: glibc ignores the line too
                    }
                }
                case "search", "domain" -> {
                    search.clear();
                    search.addAll(List.of(w).subList(1, w.length));
                }
                case "options" -> {
                    for (int i = 1; i < w.length; i++) {
                        String o = w[i];
                        if (o.startsWith("ndots:")) {
                            ndots = number(o.substring(6), ndots);
                        } else if (o.startsWith("timeout:")) {
                            timeout = number(o.substring(8), timeout);
                        } else if (o.startsWith("attempts:")) {
                            attempts = number(o.substring(9), attempts);
                        }
                    }
                }
                default -> {
                }
            }
        }
        if (servers.isEmpty()) {
            servers.add(InetAddress.getLoopbackAddress());
        }
        return new ResolverConfig(List.copyOf(sources), List.copyOf(servers), List.copyOf(search), ndots, timeout, attempts);
    }

    /** The addresses /etc/hosts gives {@code name} (any of a line's names, case-insensitive), in file order. */
    static List<InetAddress> hostsEntries(Path etc, String name) {
        List<InetAddress> found = new ArrayList<>();
        for (String line : lines(etc.resolve("hosts"))) {
            String[] w = strip(line).split("\\s+");
            if (w.length < 2) {
                continue;
            }
            for (int i = 1; i < w.length; i++) {
                if (w[i].equalsIgnoreCase(name)) {
                    try {
                        InetAddress a = InetAddress.getByName(w[0].contains("%") ? w[0].substring(0, w[0].indexOf('%')) : w[0]);
                        if (!found.contains(a)) {
                            found.add(a);
                        }
                    } catch (IOException e) {
                        // a bad address: skipped, as glibc does
                    }
                    break;
                }
            }
        }
        return found;
    }

    /** Whether nsswitch consults {@code source} before {@code other} (both present). */
    boolean before(String source, String other) {
        int a = sources.indexOf(source);
        int b = sources.indexOf(other);
        return a >= 0 && (b < 0 || a < b);
    }

    /** The names glibc asks the resolvers for, in order: as written first when it has ndots dots, then with each search domain. */
    List<String> queryNames(String host) {
        String bare = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (host.endsWith(".")) {
            return List.of(bare);
        }
        List<String> names = new ArrayList<>();
        long dots = bare.chars().filter(c -> c == '.').count();
        if (dots >= ndots) {
            names.add(bare);
        }
        for (String domain : search) {
            names.add(bare + "." + domain);
        }
        if (dots < ndots) {
            names.add(bare);
        }
        return names;
    }

    private static int number(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The line without its comment (# anywhere; resolv.conf also takes ;). */
    private static String strip(String line) {
        int end = line.length();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '#' || c == ';') {
                end = i;
                break;
            }
        }
        return line.substring(0, end).trim();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
