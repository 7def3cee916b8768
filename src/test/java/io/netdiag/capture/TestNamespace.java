package io.netdiag.capture;

import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A network namespace of the test's own, with its own loopback, deleted on close. */
final class TestNamespace implements AutoCloseable {
    final String name;

    TestNamespace(String tag) {
        this.name = "ndcap" + tag + ProcessHandle.current().pid() % 100000;
        Host.run("ip", "netns", "del", name);
        check(Host.run("ip", "netns", "add", name));
        check(Host.run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"));
    }

    Host.Run exec(long timeoutSeconds, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(List.of(command));
        return Host.run(all, timeoutSeconds);
    }

    /** Starts a command in the namespace and returns the process (for tcpdump). */
    Process start(Path output, String... command) throws java.io.IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(List.of(command));
        return new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Runs {@link TrafficGenerator} in the namespace with the test's own class path. */
    Host.Run traffic(String... args) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name, Jar.java().toString(), "-cp",
                System.getProperty("java.class.path")));
        all.add(TrafficGenerator.class.getName());
        all.addAll(List.of(args));
        Host.Run run = Host.run(all, 120);
        check(run);
        return run;
    }

    static void check(Host.Run run) {
        if (run.exitCode() != 0) {
            throw new AssertionError("command failed: " + run);
        }
    }

    @Override
    public void close() {
        Host.run("ip", "netns", "del", name);
    }
}
