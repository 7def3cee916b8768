package io.netdiag.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces built by a test and deleted on close: unique names ({@code nd<pkg><pid><random><tag>}),
 * loopback up, veth pairs between them, and commands, test classes or the packaged jar run inside them.
 */
public final class Namespaces implements AutoCloseable {
    private final List<String> created = new ArrayList<>();
    private final String prefix;

    /** Namespaces for the tests of {@code pkg} (a short word: ping, fill, expl). */
    public Namespaces(String pkg) {
        prefix = "nd" + pkg + (ProcessHandle.current().pid() % 10000)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
    }

    /** A new namespace named after {@code tag}, with lo up. */
    public String create(String tag) {
        String name = prefix + tag;
        check(Host.run("ip", "netns", "add", name));
        created.add(name);
        check(exec(name, "ip", "link", "set", "lo", "up"));
        return name;
    }

    /** A short interface-name-safe stem (Linux limits names to 15 characters). */
    public String stem() {
        return prefix.substring(2);
    }

    /**
     * A veth pair, end {@code a} in {@code nsA} and end {@code b} in {@code nsB} ({@code null}: the host's
     * namespace), both up. Deleting either namespace deletes the pair.
     */
    public static void veth(String nsA, String a, String nsB, String b) {
        List<String> add = new ArrayList<>(List.of("ip", "link", "add", a));
        if (nsA != null) {
            add.addAll(List.of("netns", nsA));
        }
        add.addAll(List.of("type", "veth", "peer", "name", b));
        if (nsB != null) {
            add.addAll(List.of("netns", nsB));
        }
        check(Host.run(add, 30));
        check(in(nsA, "ip", "link", "set", a, "up"));
        check(in(nsB, "ip", "link", "set", b, "up"));
    }

    /**
     * A veth pair between {@code nsA} and {@code nsB} with {@code net4.hostA/24} and {@code net6 hostA/64} (no duplicate
     * address detection) on end {@code devA}, and the same with {@code hostB} on {@code devB}:
     * {@code link(a, "x", b, "y", "10.71.1", "fd71:1::", 1, 2)} gives 10.71.1.1 and fd71:1::1 to a, .2 and ::2 to b.
     */
    public static void link(String nsA, String devA, String nsB, String devB, String net4, String net6, int hostA, int hostB) {
        veth(nsA, devA, nsB, devB);
        check(exec(nsA, "ip", "addr", "add", net4 + "." + hostA + "/24", "dev", devA));
        check(exec(nsB, "ip", "addr", "add", net4 + "." + hostB + "/24", "dev", devB));
        check(exec(nsA, "ip", "-6", "addr", "add", net6 + hostA + "/64", "dev", devA, "nodad"));
        check(exec(nsB, "ip", "-6", "addr", "add", net6 + hostB + "/64", "dev", devB, "nodad"));
    }

    /**
     * client -- router -- server, the path most multi-host tests need: namespaces tagged c, r and s; a near link
     * ({@code near4}.0/24 and {@code near6}/64: client .2, router .1) and a far one ({@code far4}, {@code far6}: router .1,
     * server .2); default routes through the router; forwarding on it; ICMP error rate limits off on the router and the
     * server, so that every probe gets its error; neighbour discovery settled by a ping each way before it returns.
     * {@code near6} and {@code far6} end in "::" ({@code "fd72:4::"}).
     */
    public RoutedPath routedPath(String near4, String near6, String far4, String far6) {
        RoutedPath path = new RoutedPath(create("c"), create("r"), create("s"), stem(), near4, near6, far4, far6);
        link(path.client(), path.clientLink(), path.router(), path.routerNearLink(), near4, near6, 2, 1);
        link(path.router(), path.routerFarLink(), path.server(), path.serverLink(), far4, far6, 1, 2);
        check(exec(path.client(), "ip", "route", "add", "default", "via", path.routerNear4()));
        check(exec(path.client(), "ip", "-6", "route", "add", "default", "via", path.routerNear6()));
        check(exec(path.server(), "ip", "route", "add", "default", "via", path.routerFar4()));
        check(exec(path.server(), "ip", "-6", "route", "add", "default", "via", path.routerFar6()));
        check(exec(path.router(), "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"));
        for (String ns : List.of(path.router(), path.server())) {
            check(exec(ns, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0"));
        }
        // IPv6 neighbour discovery on fresh links takes seconds for the first packets: settled here, once
        exec(path.client(), "ping", "-c", "1", "-W", "5", path.server6());
        check(exec(path.client(), "ping", "-c", "1", "-W", "5", path.server4()));
        return path;
    }

    private static Host.Run in(String ns, String... command) {
        return ns == null ? Host.run(List.of(command), 120) : exec(ns, command);
    }

    public static Host.Run exec(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return Host.run(full, 120);
    }

    /** Starts {@code command} in the namespace, stdout and stderr to {@code output}, for a tool the test stops (tcpdump). */
    public static Process start(String ns, Path output, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** The {@code main} of a test class (a traffic generator) in the namespace, on the test's own class path. */
    public static Host.Run testMain(String ns, Class<?> main, String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns, Jar.java().toString(), "-cp",
                System.getProperty("java.class.path"), main.getName()));
        full.addAll(List.of(args));
        return Host.run(full, 120);
    }

    /** Runs {@code command} in the namespace and fails the test when it fails: for the commands that build a lab. */
    public static Host.Run run(String ns, String... command) {
        return check(exec(ns, command));
    }

    public static Host.Run check(Host.Run run) {
        if (run.exitCode() != 0) {
            throw new AssertionError("command failed: " + run);
        }
        return run;
    }

    /** The packaged jar inside the namespace, as root or (with {@code nobody}) as uid 65534 without capabilities. */
    public static Host.Run jar(String ns, boolean nobody, String... args) {
        return Host.run(jarCommand(ns, nobody, args), 120);
    }

    /** The command line {@link #jar} runs: {@link Jar#command} inside the namespace, for a test that streams its output. */
    public static List<String> jarCommand(String ns, boolean nobody, String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(Jar.command(nobody, args));
        return full;
    }

    @Override
    public void close() {
        for (String ns : created) {
            Host.run("ip", "netns", "del", ns);
        }
        created.clear();
    }
}
