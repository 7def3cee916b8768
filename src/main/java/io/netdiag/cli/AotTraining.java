package io.netdiag.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The workload the launcher trains the JDK's AOT cache on (JEP 483/514): typical short invocations,
 * including a usage error, so that the classes they load and link are in the cache. A class the
 * training run loads but never links (picocli's exception types, when nothing fails) is left out of
 * the cache, and so is everything whose verification depends on it. The JVM loads every cached class
 * at start, so the workload stays small: libpcap's JNA classes (doctor, capture) are left out.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) {
        String[][] runs = {
                {"--help"}, {"--version"}, {"explain", "EAGAIN"}, {"--json", "explain", "ECONNRESET"},
                {"ping", "--help"}, {"sockets", "--help"}, {"fill", "--help"}, {"capture", "--help"},
                {"doctor", "--help"}, {"--no-such-option"}, {"explain", "--no-such-option"},
                // real, read-only work: the FFM linker, netlink and /proc paths that these commands take
                {"sockets", "-tan"}, {"--json", "sockets", "-s"},
                {"ping", "-c", "1", "-W", "1", "127.0.0.1"}};
        for (String[] run : runs) {
            PrintWriter sink = new PrintWriter(new StringWriter());
            Main.run(sink, sink, run);
        }
        // Main exits through System.exit, whose exit logging (JDK 21+) loads the System.Logger classes.
        System.exit(0);
    }
}
