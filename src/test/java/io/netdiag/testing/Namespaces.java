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
