package io.netdiag.cli;

import io.netdiag.exporter.Exporter;
import io.netdiag.testing.Cli;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** netdiag exporter's refusals: one line, exit 2, and nothing served. */
class ExporterCommandTest {
    @Test
    void missingConfigIsOneLineAndExitTwo() throws IOException {
        int port = freePort();
        Cli.Result r = Cli.run("exporter", "--listen", "127.0.0.1:" + port, "-c", "/nonexistent/netdiag-exporter.yaml");
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("netdiag exporter: config /nonexistent/netdiag-exporter.yaml: no such file\n", r.err());
        assertEquals("", r.out());
        assertNothingServed(port);
    }

    @Test
    void invalidConfigIsOneLineAndExitTwo() throws IOException {
        Path file = Files.createTempFile("netdiag-exporter", ".yaml");
        try {
            Files.writeString(file, "probes:\n  - {module: tcp, target: \"127.0.0.1:5432\"\n");
            int port = freePort();
            Cli.Result r = Cli.run("exporter", "--listen", "127.0.0.1:" + port, "-c", file.toString());
            assertEquals(2, r.exitCode(), r::toString);
            assertTrue(r.err().startsWith("netdiag exporter: config " + file + ": line 3 column 1: "), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertNothingServed(port);

            Files.writeString(file, "probes:\n  - {module: tcp, target: \"127.0.0.1\"}\n");
            r = Cli.run("exporter", "--listen", "127.0.0.1:" + port, "-c", file.toString());
            assertEquals(2, r.exitCode(), r::toString);
            assertEquals("netdiag exporter: config " + file + ": probes[1]: target '127.0.0.1' of a tcp probe needs "
                    + "HOST:PORT ([ADDRESS]:PORT for IPv6)\n", r.err());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, Cli.run("exporter", "--listen", "127.0.0.1").exitCode());
        assertEquals(2, Cli.run("exporter", "--listen", "::1:9917").exitCode());
        assertEquals(2, Cli.run("exporter", "--max-sockets", "0").exitCode());
        Cli.Result r = Cli.run("exporter", "--sample-interval", "often");
        assertEquals(2, r.exitCode());
        assertEquals("netdiag exporter: --sample-interval DURATION: invalid argument: 'often': not a duration: "
                + "100ms <= value <= 3600s (as 500ms, 5s, 1.5)\n", r.err());
    }

    @Test
    void aTakenAddressIsRefusedWithTheReason() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Cli.Result r = Cli.run("exporter", "--listen", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(2, r.exitCode(), r::toString);
            assertTrue(r.err().startsWith("netdiag exporter: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "), r.err());
            assertTrue(r.err().contains("\ntry: "), r.err());
            assertTrue(!r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void theDefaultAddressIsLoopback() {
        assertEquals("127.0.0.1:9917", Exporter.DEFAULT_LISTEN);
        assertTrue(ExporterCommand.listenAddress(Exporter.DEFAULT_LISTEN).getAddress().isLoopbackAddress());
        assertEquals(9917, ExporterCommand.listenAddress(Exporter.DEFAULT_LISTEN).getPort());
        assertTrue(ExporterCommand.listenAddress(":9917").getAddress().isAnyLocalAddress());
        assertTrue(ExporterCommand.listenAddress("[::1]:0").getAddress().isLoopbackAddress());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void assertNothingServed(int port) {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }
}
