package io.netdiag.explain;

import io.netdiag.os.Platform;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Error text printed by real tools (Python, tshark) for real failures on loopback, read back by the classifier. */
class RealToolTextTest {
    private final Classifier classifier = Classifier.standard();

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Explanation first(String text) {
        Lookup lookup = classifier.lookup(text, Numbering.of(Platform.current()));
        assertTrue(lookup.found(), "no match for: " + text);
        return lookup.matches().getFirst().explanation();
    }

    @Test
    void pythonsOwnExceptionLines() throws IOException {
        Host.require("python3");
        int port = closedPort();
        String script = String.join("\n",
                "import socket, traceback",
                "def show(f):",
                "    try:",
                "        f()",
                "    except Exception as e:",
                "        print(traceback.format_exception_only(type(e), e)[-1].strip())",
                "def refused():",
                "    socket.create_connection(('127.0.0.1', " + port + "), timeout=2)",
                "def unknown():",
                "    socket.getaddrinfo('nonexistent.invalid', 80)",
                "def timeout():",
                "    srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)",
                "    c = socket.create_connection(srv.getsockname(), timeout=0.1)",
                "    c.recv(1)",
                "def blocking():",
                "    srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)",
                "    c = socket.create_connection(srv.getsockname()); c.setblocking(False); c.recv(1)",
                "for f in (refused, unknown, timeout, blocking):",
                "    show(f)");
        Host.Run run = Host.run("python3", "-c", script);
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(4, lines.size(), run.out());
        assertEquals(Category.REFUSED, first(lines.get(0)).category(), lines.get(0));
        Category dns = first(lines.get(1)).category();
        assertTrue(dns == Category.NAME_PERMANENT || dns == Category.NAME_TRANSIENT, lines.get(1));
        assertEquals(Category.TIMEOUT, first(lines.get(2)).category(), lines.get(2));
        assertEquals("EAGAIN", first(lines.get(3)).symbol(), lines.get(3));
    }

    @Test
    void tsharksPortUnreachableLine() throws Exception {
        assumeTrue(Platform.current() == Platform.LINUX);
        Host.requireRoot("namespaces, raw sockets or capture");
        Host.require("tshark");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process tshark = new ProcessBuilder("tshark", "-n", "-l", "-i", "lo", "-c", "1", "-a", "duration:20",
                "-f", "icmp and icmp[0] = 3").redirectErrorStream(false).start();
        try {
            // tshark reports "Capturing on" on stderr once the filter is installed.
            var err = tshark.errorReader(StandardCharsets.UTF_8);
            String line;
            while ((line = err.readLine()) != null && !line.contains("Capturing on")) {
                // skip tshark's start-up notes
            }
            try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                for (int i = 0; i < 50 && tshark.isAlive(); i++) {
                    sender.send(new DatagramPacket(new byte[] {1}, 1, InetAddress.getLoopbackAddress(), port));
                    Thread.sleep(100);
                }
            }
            assertTrue(tshark.waitFor(20, TimeUnit.SECONDS), "tshark did not finish");
            String out = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(out.contains("Destination unreachable (Port unreachable)"), out);
            Explanation why = first(out);
            assertEquals("ICMP 3/3", why.symbol(), out);
            assertEquals(Category.REFUSED, why.category());
        } finally {
            tshark.destroy();
        }
    }
}
