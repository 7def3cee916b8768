package io.netdiag.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads files under /proc and /sys. Their size is reported as 0 (or as a page), and on JDK 25
 * {@code Files.readString} and {@code Files.readAllBytes} trust that size and return a truncated text
 * ({@code "1"} for a ping_group_range of {@code "1\t0"}); a stream read to the end is always whole.
 */
public final class ProcFiles {
    private ProcFiles() {
    }

    public static String read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
