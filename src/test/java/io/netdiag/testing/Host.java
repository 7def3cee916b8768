package io.netdiag.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the machine's own tools (ss, ping, tshark, ip) from tests, and says whether we are root. */
public final class Host {
    private Host() {
    }

    /** The output and exit code of an external command. */
    public record Run(int exitCode, String out, String err) {
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || io.netdiag.os.Libc.geteuid() == 0;
    }

    /** Set in CI ({@code CI=true}): there a test that needs root must fail rather than skip, since CI runs as root. */
    public static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
    }

    /**
     * The test needs {@code tool}, and a comparison must never be skipped because a tool is missing: mvn verify
     * installs every package in src/test/setup/packages.tsv first (tools.sh), so a missing tool fails the test.
     * On Debian the tool's package must also be in packages.tsv (or be Essential), so that a fresh machine gets it.
     */
    public static void require(String tool) {
        if (!has(tool)) {
            throw new AssertionError(tool + " is not installed: mvn verify installs the packages in "
                    + "src/test/setup/packages.tsv (src/test/setup/tools.sh); add the one that provides " + tool + " there");
        }
        String missing = Packages.unlisted(tool);
        if (missing != null) {
            throw new AssertionError(tool + " comes from " + missing + ", which src/test/setup/packages.tsv does not "
                    + "install: add its package there, or a fresh machine will not have " + tool);
        }
    }

    /** Every tool in {@code tools}, as {@link #require(String)}. */
    public static void require(String... tools) {
        for (String tool : tools) {
            require(tool);
        }
    }

    /**
     * The test needs root ({@code why} says for what). On a developer's machine it is skipped without root; in
     * CI, which runs as root, not being root fails it, so that nothing is skipped there silently.
     */
    public static void requireRoot(String why) {
        if (isRoot()) {
            return;
        }
        if (inCi()) {
            throw new AssertionError((why.startsWith("needs root") ? why : "needs root: " + why) + "; CI must run as root");
        }
        org.junit.jupiter.api.Assumptions.abort(why.startsWith("needs root") ? why : "needs root: " + why);
    }

    /** The path of {@code tool} on PATH or in the system directories, or null. */
    static java.io.File find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (new java.io.File(dir, tool).canExecute()) {
                return new java.io.File(dir, tool);
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (new java.io.File(dir, tool).canExecute()) {
                return new java.io.File(dir, tool);
            }
        }
        return null;
    }

    public static boolean has(String tool) {
        return find(tool) != null;
    }

    /**
     * Runs a command with a time limit; fails the test on time-out rather than hanging. A tool named without a
     * path must be one that mvn verify installs ({@link #require}), so no comparison depends on what a machine
     * happens to have.
     */
    public static Run run(List<String> command, long timeoutSeconds) {
        if (!command.getFirst().contains("/")) {
            require(command.getFirst());
        }
        return exec(command, timeoutSeconds);
    }

    /** {@link #run} without the check that the tool comes from packages.tsv (for that check's own dpkg-query). */
    static Run exec(List<String> command, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).start();
            p.getOutputStream().close();
            var out = p.getInputStream();
            var err = p.getErrorStream();
            var outText = new java.util.concurrent.CompletableFuture<String>();
            var errText = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> outText.complete(read(out)));
            Thread.ofVirtual().start(() -> errText.complete(read(err)));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command);
            }
            return new Run(p.exitValue(), outText.get(5, TimeUnit.SECONDS), errText.get(5, TimeUnit.SECONDS));
        } catch (IOException | InterruptedException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot run " + command + ": " + e, e);
        }
    }

    public static Run run(String... command) {
        return run(List.of(command), 60);
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
