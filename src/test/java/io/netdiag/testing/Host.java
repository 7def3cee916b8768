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

    public static boolean has(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (new java.io.File(dir, tool).canExecute()) {
                return true;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (new java.io.File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command with a time limit; fails the test on time-out rather than hanging. */
    public static Run run(List<String> command, long timeoutSeconds) {
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
