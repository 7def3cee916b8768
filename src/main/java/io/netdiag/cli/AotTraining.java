package io.netdiag.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The workloads the launcher trains the JDK's AOT caches on (JEP 483/514), one cache per subcommand:
 * typical invocations of that subcommand, including a usage error, so that the classes they load and
 * link are in its cache. The JVM loads every class of its cache at start, so a cache holding every
 * subcommand's classes made each start pay for all of them (about 10 ms); one per subcommand keeps
 * each small, and lets capture and doctor have libpcap's FFM bindings without the others paying.
 *
 * <p>A class the training run loads but never links (picocli's exception types, when nothing fails) is
 * left out of the cache, and so is everything whose verification depends on it: hence the usage errors.
 */
public final class AotTraining {
    private AotTraining() {
    }

    /**
     * The caches the launcher keeps: "netdiag" (help, --version and the rest) and one per subcommand named here. The
     * launcher's {@code case} list of subcommands names the same ones.
     */
    static final java.util.List<String> CACHES = java.util.List.of(
            "netdiag", "diagnose", "ping", "trace", "sockets", "fill", "capture", "explain", "doctor", "exporter");

    /**
     * The workload for one cache, named by {@code args[0]}: a subcommand, or "netdiag" for everything else. With
     * {@code --every}, the workloads of every cache in one run: the launcher's runtime is made from what that run
     * resolves (src/main/dist/make-runtime.sh).
     */
    public static void main(String[] args) {
        InterruptHandler.prepareProcess(); // as Main.main starts every run
        String first = args.length > 0 ? args[0] : "netdiag";
        for (String cache : first.equals("--every") ? CACHES : java.util.List.of(first)) {
            for (String[] run : workload(cache)) {
                // standard output as Main.main makes it, so that the byte-stream paths (sockets) are trained too
                PrintWriter out = new ProcessOutput(java.io.OutputStream.nullOutputStream());
                PrintWriter err = new PrintWriter(new StringWriter());
                Main.run(out, err, run);
            }
        }
        // Main.main ends the same way (System.exit, and its logging classes, where a shutdown hook needs it), but
        // through the JVM's exit, which writes the cache
        io.netdiag.os.ProcessExit.throughJvm();
        io.netdiag.os.ProcessExit.exit(0);
    }

    static String[][] workload(String cache) {
        return switch (cache) {
            case "explain" -> new String[][] {
                    {"explain", "EAGAIN"}, {"--json", "explain", "ECONNRESET"}, {"explain", "111"},
                    {"explain", "java.net.ConnectException: Connection refused"}, {"explain", "icmp", "3/3"},
                    {"explain", "--help"}, {"explain", "--no-such-option"}, {"explain", "NO_SUCH_NAME"}};
            // real, read-only work: the FFM linker, netlink and /proc paths that these commands take
            case "sockets" -> new String[][] {
                    {"sockets", "-tan"}, {"sockets", "-uan"}, {"--json", "sockets", "-tan"}, {"sockets", "-s"},
                    {"sockets", "-tlnp"}, {"sockets", "--help"}, {"sockets", "--no-such-option"}};
            case "ping" -> new String[][] {
                    {"ping", "-c", "1", "-W", "1", "127.0.0.1"}, {"--json", "ping", "-c", "1", "-W", "1", "127.0.0.1"},
                    {"ping", "--help"}, {"ping", "--no-such-option"}};
            // real diagnoses on loopback (a port nobody holds: refused, with the local and firewall steps)
            case "diagnose" -> new String[][] {
                    {"diagnose", "-t", "1", "127.0.0.1:1"}, {"--json", "diagnose", "-t", "1", "localhost:1"},
                    {"diagnose", "--help"}, {"diagnose", "--no-such-option"}};
            case "trace" -> new String[][] {
                    {"trace", "-c", "1", "-n", "-W", "0.5", "127.0.0.1"},
                    {"--json", "trace", "-c", "1", "-n", "-W", "0.5", "127.0.0.1"},
                    {"trace", "--help"}, {"trace", "--no-such-option"}};
            // a real run on loopback: a second or so, once per build
            case "fill" -> new String[][] {{"fill"}, {"fill", "--help"}, {"fill", "--no-such-option"}};
            case "capture" -> new String[][] {{"capture", "-D"}, {"capture", "--help"}, {"capture", "--no-such-option"}};
            case "doctor" -> new String[][] {{"doctor"}, {"--json", "doctor"}, {"doctor", "--no-such-option"}};
            // the server itself runs until stopped: its help, a config that is not there and a usage error
            case "exporter" -> new String[][] {
                    {"exporter", "--help"}, {"exporter", "-c", "/no-such-dir/netdiag.yaml"}, {"exporter", "--no-such-option"}};
            default -> new String[][] {
                    {"--help"}, {"--version"}, {"--no-such-option"}, {"no-such-command"}, {"help", "ping"}};
        };
    }
}
