package io.netdiag.ping;

import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces built by a test and deleted on close: unique names ({@code ndping<pid><random>}),
 * loopback up, commands and the packaged jar run inside them.
 */
final class Namespaces implements AutoCloseable {
    private final List<String> created = new ArrayList<>();
    private final String prefix = "ndping" + (ProcessHandle.current().pid() % 10000)
            + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);

    /** A new namespace named after {@code tag}, with lo up. */
    String create(String tag) {
        String name = prefix + tag;
        check(Host.run("ip", "netns", "add", name));
        created.add(name);
        check(exec(name, "ip", "link", "set", "lo", "up"));
        return name;
    }

    /** A short interface-name-safe stem (Linux limits names to 15 characters). */
    String stem() {
        return prefix.substring(2);
    }

    static Host.Run exec(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return Host.run(full, 120);
    }

    static Host.Run check(Host.Run run) {
        if (run.exitCode() != 0) {
            throw new AssertionError("command failed: " + run);
        }
        return run;
    }

    /** The packaged jar inside the namespace, as root or (with {@code nobody}) as uid 65534 without capabilities. */
    static Host.Run jar(String ns, boolean nobody, String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        if (nobody) {
            full.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"));
        }
        full.addAll(List.of(Jar.java().toString(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=/tmp", "-jar", Jar.jar().toString()));
        full.addAll(List.of(args));
        return Host.run(full, 120);
    }

    @Override
    public void close() {
        for (String ns : created) {
            Host.run("ip", "netns", "del", ns);
        }
        created.clear();
    }
}
