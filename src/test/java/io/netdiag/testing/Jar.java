package io.netdiag.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the packaged jar (integration tests, after {@code package}) as a user would start it, as root or
 * as the unprivileged user {@code nobody}.
 */
public final class Jar {
    private static Path copy;

    private Jar() {
    }

    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The jar, copied once into a world-readable folder so that other users can start it too. */
    public static synchronized Path jar() {
        if (copy == null) {
            Path built = Path.of(System.getProperty("netdiag.project.dir", "."), "target", "netdiag.jar");
            if (!Files.exists(built)) {
                throw new AssertionError("no packaged jar at " + built + ": run through mvn verify");
            }
            try {
                Path dir = Files.createTempDirectory("netdiag-jar");
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                copy = dir.resolve("netdiag.jar");
                Files.copy(built, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return copy;
    }

    public static Host.Run run(String... args) {
        return run(false, args);
    }

    /** Runs the jar; with {@code asNobody} under setpriv as uid/gid 65534 with no capabilities. */
    public static Host.Run run(boolean asNobody, String... args) {
        return Host.run(command(asNobody, args), 120);
    }

    /** The command line {@link #run} starts, for a caller that prefixes it (ip netns exec) or streams its output. */
    public static List<String> command(boolean asNobody, String... args) {
        List<String> command = new ArrayList<>();
        if (asNobody) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                    "--reset-env"));
        }
        command.addAll(List.of(java().toString(), "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=/tmp",
                "-jar", jar().toString()));
        command.addAll(List.of(args));
        return command;
    }
}
