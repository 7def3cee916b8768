package io.netdiag.diagnose;

import io.netdiag.output.Json;
import io.netdiag.testing.Cli;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Causes made for real on this host's loopback: real listeners, a port nobody holds, a listener that never
 * accepts, servers that reset or close after accepting or speak first. Each run is asserted for its cause,
 * category, the endpoint or process it blames, the exit code and the --timeout bound.
 */
class DiagnoseLoopbackTest {
    /** A whole run may take at most about three --timeouts (plus the JVM's own start in a cold test). */
    private static void bounded(long startNanos, double timeoutSeconds) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        assertTrue(millis < timeoutSeconds * 3000 + 2000, () -> "took " + millis + " ms with --timeout " + timeoutSeconds);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> verdict(Cli.Result r) {
        Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
        return (Map<String, Object>) doc.get("verdict");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> step(Cli.Result r, String name) {
        Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
        for (Object s : (List<Object>) doc.get("steps")) {
            if (((Map<String, Object>) s).get("name").equals(name)) {
                return (Map<String, Object>) s;
            }
        }
        return null;
    }

    @Test
    void aListenerThatAcceptsIsOkWithTimingsAndExitZero() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> acceptForever(server, null));
            long start = System.nanoTime();
            Cli.Result r = Cli.run("diagnose", "-t", "3", "127.0.0.1:" + server.getLocalPort());
            bounded(start, 3);
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().startsWith("STEP "), r::toString);
            assertTrue(r.out().contains("\nverdict: ok\n"), r::toString);
            assertTrue(r.out().contains("why: 127.0.0.1:" + server.getLocalPort() + " works: handshake in "), r::toString);
            assertTrue(r.out().matches("(?s).*\nreach +ok +\\d+ ms +127\\.0\\.0\\.1: connected in [0-9.]+ ms.*"), r::toString);
            assertTrue(r.out().contains("route     ok"), r::toString);
            assertTrue(r.out().contains("this host's own address dev lo"), r::toString);
        }
    }

    @Test
    void jsonIsOneDocumentWithTargetAddressesStepsAndVerdict() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> acceptForever(server, null));
            Cli.Result r = Cli.run("--json", "diagnose", "-t", "3", "http://127.0.0.1:" + server.getLocalPort() + "/x?y");
            assertEquals(0, r.exitCode(), r::toString);
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
            assertEquals(List.of("target", "addresses", "steps", "verdict"), List.copyOf(doc.keySet()));
            @SuppressWarnings("unchecked")
            Map<String, Object> target = (Map<String, Object>) doc.get("target");
            assertEquals((long) server.getLocalPort(), target.get("port"));
            assertEquals("127.0.0.1", target.get("host"));
            assertEquals("tcp", target.get("protocol"));
            assertEquals(List.of("127.0.0.1"), doc.get("addresses"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> steps = (List<Map<String, Object>>) doc.get("steps");
            for (Map<String, Object> s : steps) {
                assertEquals(List.of("name", "status", "millis", "detail"), List.copyOf(s.keySet()));
            }
            assertEquals(List.of("target", "resolve", "route", "reach", "local", "firewall", "after"),
                    steps.stream().map(s -> s.get("name")).toList());
            Map<String, Object> v = verdict(r);
            assertEquals(List.of("cause", "category", "text", "next"), List.copyOf(v.keySet()));
            assertEquals("ok", v.get("cause"));
            assertNull(v.get("category"));
        }
    }

    @Test
    void aPortNobodyHoldsIsRefusedByTheHost() throws IOException {
        int port = freePort();
        long start = System.nanoTime();
        Cli.Result r = Cli.run("--json", "diagnose", "-t", "3", "127.0.0.1:" + port);
        bounded(start, 3);
        assertEquals(1, r.exitCode(), r::toString);
        Map<String, Object> v = verdict(r);
        assertEquals("refused", v.get("cause"), r::toString);
        assertEquals("refused", v.get("category"));
        assertTrue(((String) v.get("text")).contains("the host 127.0.0.1 answers, but with a RST: nothing listens on TCP port "
                + port), r::toString);
        assertEquals("fail", step(r, "reach").get("status"));
        assertTrue(((String) step(r, "local").get("detail")).contains("nothing on this host listens on the port"), r::toString);
    }

    @Test
    void aListenerOnIpv4LoopbackOnlyIsListeningElsewhereForIpv6() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread.ofPlatform().daemon().start(() -> acceptForever(server, null));
            int port = server.getLocalPort();
            long start = System.nanoTime();
            Cli.Result r = Cli.run("diagnose", "-t", "3", "[::1]:" + port);
            bounded(start, 3);
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.out().contains("\nverdict: listening-elsewhere [refused]\n"), r::toString);
            // the process and the address it holds are named
            String pid = String.valueOf(ProcessHandle.current().pid());
            assertTrue(r.out().contains("why: nothing listens on [::1]:" + port + ", but process java (pid " + pid
                    + ") listens on 127.0.0.1:" + port), r::toString);
        }
    }

    @Test
    void aListenerThatNeverAcceptsFillsItsQueueAndSynsAreDropped() throws Exception {
        List<Socket> waiting = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            // backlog 1 holds 2 completed connections; the third SYN is dropped
            for (int i = 0; i < 2; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                waiting.add(s);
            }
            long start = System.nanoTime();
            Cli.Result r = Cli.run("diagnose", "-t", "2", "127.0.0.1:" + port);
            bounded(start, 2);
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.out().contains("\nverdict: accept-queue-full [timeout]\n"), r::toString);
            String pid = String.valueOf(ProcessHandle.current().pid());
            assertTrue(r.out().contains("why: process java (pid " + pid + ") listens on 127.0.0.1:" + port
                    + " but its accept queue is full (2 waiting, backlog 1)"), r::toString);
            assertTrue(r.out().contains("ListenOverflows +"), r::toString);
        } finally {
            for (Socket s : waiting) {
                s.close();
            }
        }
    }

    @Test
    void aServerThatResetsAfterAcceptingIsResetAfterConnect() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> acceptForever(server, s -> {
                s.setSoLinger(true, 0); // close with a RST
                s.close();
            }));
            long start = System.nanoTime();
            Cli.Result r = Cli.run("--json", "diagnose", "-t", "3", "127.0.0.1:" + server.getLocalPort());
            bounded(start, 3);
            assertEquals(1, r.exitCode(), r::toString);
            Map<String, Object> v = verdict(r);
            assertEquals("reset-after-connect", v.get("cause"), r::toString);
            assertEquals("peer-gone", v.get("category"));
            assertTrue(((String) v.get("text")).startsWith("the server at 127.0.0.1:" + server.getLocalPort()
                    + " accepts the connection, then resets it"), r::toString);
            // the second connection sees the reset (or the probe's first one already did, when the RST beat it)
            assertEquals("fail", step(r, "after").get("status"), r::toString);
        }
    }

    @Test
    void aServerThatClosesAtOnceIsClosedAfterConnect() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> acceptForever(server, Socket::close));
            Cli.Result r = Cli.run("--json", "diagnose", "-t", "3", "127.0.0.1:" + server.getLocalPort());
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals("closed-after-connect", verdict(r).get("cause"), r::toString);
        }
    }

    @Test
    void aServerThatSpeaksFirstShowsItsBanner() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> acceptForever(server, s -> {
                OutputStream out = s.getOutputStream();
                out.write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }));
            Cli.Result r = Cli.run("diagnose", "-t", "3", "127.0.0.1:" + server.getLocalPort());
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().contains("the peer speaks first: SSH-2.0-OpenSSH_9.2p1 Debian-2"), r::toString);
        }
    }

    @Test
    void tlsAskedOfAPlainServerSaysThereIsNoTlsAnswer() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> acceptForever(server, s -> {
                s.getInputStream().read(new byte[512]);
                s.getOutputStream().write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.close();
            }));
            Cli.Result r = Cli.run("--json", "diagnose", "--tls", "-t", "3", "127.0.0.1:" + server.getLocalPort());
            Map<String, Object> after = step(r, "after");
            assertNotNull(after, r::toString);
            assertEquals("warn", after.get("status"), r::toString);
            assertTrue(((String) after.get("detail")).contains("TLS: no TLS answer"), r::toString);
        }
    }

    @Test
    void tlsAskedOfATlsServerReportsItsVersionAndCertificate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=diag.test",
                "-validity", "1", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertEquals(0, keytool.waitFor());
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, "changeit".toCharArray());
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        try (ServerSocket server = context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> acceptForever(server, s -> {
                ((javax.net.ssl.SSLSocket) s).startHandshake();
            }));
            Cli.Result r = Cli.run("--json", "diagnose", "--tls", "-t", "3", "127.0.0.1:" + server.getLocalPort());
            assertEquals(0, r.exitCode(), r::toString);
            String after = (String) step(r, "after").get("detail");
            assertTrue(after.contains("TLS: TLSv1.3 TLS_"), r::toString);
            assertTrue(after.contains("certificate CN=diag.test"), r::toString);
        }
    }

    @Test
    void badTargetsAreUsageErrorsWithOneLine() {
        for (String bad : new String[] {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "[::1:80", "ftp//x", "a b:80",
                "gopher://host/"}) {
            Cli.Result r = Cli.run("diagnose", bad);
            assertEquals(2, r.exitCode(), r::toString);
            assertTrue(r.err().startsWith("netdiag diagnose: "), r::toString);
            assertTrue(r.out().isEmpty(), r::toString);
            assertTrue(!r.err().contains("Exception"), r::toString);
        }
        assertEquals(2, Cli.run("diagnose", "-4", "-6", "127.0.0.1:80").exitCode());
        assertEquals(2, Cli.run("diagnose", "-t", "0", "127.0.0.1:80").exitCode());
    }

    @Test
    void targetsParseAsClientsWriteThem() {
        assertEquals(new Target("https://example.com/a", "example.com", 443, false), Target.parse("https://example.com/a", 0, false));
        assertEquals(8443, Target.parse("https://user@example.com:8443/", 0, false).port());
        assertEquals("::1", Target.parse("[::1]:22", 0, false).host());
        assertEquals(22, Target.parse("::1", 22, false).port());
        assertEquals("[::1]:22", Target.parse("::1", 22, false).hostPort());
        assertEquals(53, Target.parse("10.0.0.1:53", 0, true).port());
        assertEquals("udp", Target.parse("10.0.0.1:53", 0, true).protocol());
        assertEquals(5432, Target.parse("postgres://db.internal/app", 0, false).port());
    }

    private interface Handler {
        void handle(Socket s) throws IOException;
    }

    private static void acceptForever(ServerSocket server, Handler handler) {
        List<Socket> open = new ArrayList<>();
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                if (handler != null) {
                    handler.handle(s);
                }
                open.add(s);
            } catch (IOException e) {
                // closed at the end of the test, or the client went away
            }
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
