package io.netdiag.fill;

import io.netdiag.output.Json;
import io.netdiag.testing.Cli;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** netdiag fill as a user runs it: the screen, the JSON document, the exit codes and the error lines. */
class FillCommandTest {
    private static int openDescriptors() {
        return Objects.requireNonNull(new File("/proc/self/fd").list()).length;
    }

    @Test
    void theDefaultRunTellsTheStoryOnOneScreen() {
        Cli.Result r = Cli.run("fill");
        assertEquals(1, r.exitCode(), "a blocked send is a negative result: " + r);
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.size() <= 40, "one screen: " + r);
        assertTrue(lines.getFirst().startsWith("netdiag fill: local TCP pair, the server never reads"), r::toString);
        assertTrue(r.out().contains("failed: EAGAIN (Resource temporarily unavailable)"), r::toString);
        assertTrue(r.out().contains("Proto  Recv-Q   Send-Q  Local Address"), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("tcp +\\d+ +0 +127\\.0\\.0\\.1:\\d+ +127\\.0\\.0\\.1:\\d+ +ESTABLISHED +server: received, not read")),
                r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("tcp +0 +\\d+ +127\\.0\\.0\\.1:\\d+ +127\\.0\\.0\\.1:\\d+ +ESTABLISHED +client: sent, not acknowledged")),
                r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Where the bytes are: ") && l.endsWith("(exact)")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches(" +peer window +0 bytes +the server advertises no room.*")), r::toString);
        assertTrue(r.out().contains("In short: the server does not read, so its receive buffer filled"), r::toString);
        // nothing for a terminal when the output is captured
        assertFalse(r.out().contains("\r"), r::toString);
    }

    @Test
    void unixAndIpv6PairsSayWhatTheyAre() {
        Cli.Result unix = Cli.run("fill", "--unix");
        assertEquals(1, unix.exitCode(), unix::toString);
        assertTrue(unix.out().startsWith("netdiag fill: local UNIX stream pair, the server never reads"), unix::toString);
        assertTrue(unix.out().contains("UNIX sockets have no window"), unix::toString);
        assertTrue(unix.out().lines().anyMatch(l -> l.matches("unix +\\d+ +0 +/.*fill.*\\.sock +\\* +CONNECTED +server: received, not read")),
                unix::toString);
        Cli.Result v6 = Cli.run("fill", "-6", "--chunk", "32k");
        assertEquals(1, v6.exitCode(), v6::toString);
        assertTrue(v6.out().lines().anyMatch(l -> l.matches("tcp6 +\\d+ +0 +\\[::1\\]:\\d+ +\\[::1\\]:\\d+ +ESTABLISHED +server: received, not read")),
                v6::toString);
        assertTrue(v6.out().contains("send() of 32,768-byte chunks"), v6::toString);
    }

    @Test
    void blockingSendsSayHowLongTheSendHung() {
        Cli.Result r = Cli.run("fill", "--blocking", "--timeout", "300ms", "--sndbuf", "64k", "--rcvbuf", "64k");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("blocking (SO_SNDTIMEO 300 ms) send()"), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  send #\\d+ hung [\\d,.]+ ms in the kernel, then failed: EAGAIN .*")),
                r::toString);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonIsOneDocumentWithTheTimeline() {
        Cli.Result r = Cli.run("--json", "fill", "--sndbuf", "64k", "--rcvbuf", "64k", "--chunk", "16k");
        assertEquals(1, r.exitCode(), r::toString);
        Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
        assertEquals("local", doc.get("mode"));
        assertEquals(16384L, doc.get("chunk"));
        Map<String, Object> failure = (Map<String, Object>) doc.get("failure");
        assertEquals(11L, failure.get("errno"));
        Map<String, Object> accounting = (Map<String, Object>) doc.get("accounting");
        assertEquals(true, accounting.get("exact"));
        assertEquals(accounting.get("sent"), doc.get("bytes_at_block"));
        List<Map<String, Object>> buffers = (List<Map<String, Object>>) doc.get("buffers");
        assertEquals(65536L, buffers.getFirst().get("requested"));
        assertEquals(131072L, buffers.getFirst().get("initial"));
        List<Map<String, Object>> timeline = (List<Map<String, Object>>) doc.get("timeline");
        assertTrue(timeline.stream().anyMatch(s -> "eagain".equals(s.get("event"))), r::toString);
        assertTrue(timeline.stream().anyMatch(s -> "settle".equals(s.get("event"))), r::toString);
        assertEquals(2, ((List<?>) doc.get("queues")).size());
    }

    @Test
    void aReaderThatCatchesUpCompletesTheConfiguredBytesWithExitZero() {
        Cli.Result r = Cli.run("fill", "--reader", "after:1s", "--bytes", "6m");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("the reader opened the window: the send resumed"), r::toString);
        assertTrue(r.out().contains("in all: 6,291,456 bytes sent, 6,291,456 read by the server (completed)"), r::toString);
    }

    @Test
    void aRefusedConnectIsExplainedWithExitOne() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        int before = openDescriptors();
        Cli.Result r = Cli.run("fill", "--connect", "127.0.0.1:" + port);
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("netdiag fill: connect(127.0.0.1:" + port + "): ECONNREFUSED (Connection refused)"), r::toString);
        assertTrue(r.err().lines().skip(1).findFirst().orElse("").startsWith("try: "), r::toString);
        assertEquals("", r.out());
        assertEquals(before, openDescriptors(), "the client socket is closed");
    }

    @Test
    void aPortInUseIsEADDRINUSEWithExitOneAndNoLeakedSocket() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int before = openDescriptors();
            Cli.Result r = Cli.run("fill", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--duration", "1");
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.err().startsWith("netdiag fill: bind(127.0.0.1:" + taken.getLocalPort()
                    + "): EADDRINUSE (Address already in use)"), r::toString);
            assertEquals(before, openDescriptors(), "the listener is closed");
        }
    }

    @Test
    void aFailedLocalSetupLeaksNothing() {
        int before = openDescriptors();
        Cli.Result r = Cli.run("fill", "--unix", "/nonexistent-dir/fill.sock");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("netdiag fill: bind(/nonexistent-dir/fill.sock): "), r::toString);
        assertEquals(before, openDescriptors());
    }

    @Test
    void aUnixPathThatIsTakenIsReportedAndLeftAlone() throws Exception {
        java.nio.file.Path taken = java.nio.file.Files.createTempFile("nd-fill", ".sock");
        try {
            Cli.Result r = Cli.run("fill", "--unix", taken.toString());
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.err().startsWith("netdiag fill: bind(" + taken + "): EADDRINUSE"), r::toString);
            assertTrue(java.nio.file.Files.exists(taken), "someone else's file is not deleted");
        } finally {
            java.nio.file.Files.deleteIfExists(taken);
        }
    }

    @Test
    void theListenServerReportsItsRecvQAsItGrows() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        CompletableFuture<Cli.Result> server = CompletableFuture.supplyAsync(
                () -> Cli.run("--json", "fill", "--listen", "127.0.0.1:" + port, "--duration", "2"));
        Thread.sleep(500);
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.getOutputStream().write(new byte[20_000]);
            Thread.sleep(400);
            client.getOutputStream().write(new byte[30_000]);
            Thread.sleep(400);
        }
        Cli.Result r = server.get();
        assertEquals(0, r.exitCode(), r::toString);
        List<Map<String, Object>> events = r.out().lines().map(l -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) Json.parse(l);
            return m;
        }).toList();
        assertEquals("listening", events.getFirst().get("event"), r::toString);
        assertTrue(events.stream().anyMatch(e -> "accepted".equals(e.get("event"))), r::toString);
        assertTrue(events.stream().anyMatch(e -> "queue".equals(e.get("event")) && Long.valueOf(50_000).equals(e.get("recv_q"))),
                r::toString);
        assertTrue(events.stream().anyMatch(e -> "closed".equals(e.get("event"))), r::toString);
        // the Recv-Q is read as netdiag sockets reads it, and the events say so
        assertTrue(events.stream().filter(e -> "queue".equals(e.get("event")) || "closed".equals(e.get("event")))
                .allMatch(e -> "netlink".equals(e.get("source"))), r::toString);
        // in CLOSE_WAIT sock_diag counts the client's FIN in rcv_nxt (ss shows 50001); the event counts bytes
        assertTrue(events.stream().anyMatch(e -> "closed".equals(e.get("event")) && "CLOSE_WAIT".equals(e.get("state"))
                && Long.valueOf(50_000).equals(e.get("recv_q"))), r::toString);
        assertEquals("end", events.getLast().get("event"));
    }

    @Test
    void theListenServerPrintsALinePerChangeAsText() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        CompletableFuture<Cli.Result> server = CompletableFuture.supplyAsync(
                () -> Cli.run("fill", "--listen", "127.0.0.1:" + port, "--duration", "1.5"));
        Thread.sleep(400);
        try (Socket client = new Socket("127.0.0.1", port)) {
            Thread.sleep(200);
            client.getOutputStream().write(new byte[12_345]);
            Thread.sleep(400);
        }
        Cli.Result r = server.get();
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.getFirst().matches(" +[\\d.]+ ms  listening on 127\\.0\\.0\\.1:" + port + " \\(never reading; Ctrl-C to stop\\)"),
                r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches(" +[\\d.]+ ms  127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + port + "  Recv-Q 12,345")),
                r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches(" +[\\d.]+ ms  accepted 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + port
                + "  \\(queues read as netdiag sockets reads them: netlink sock_diag\\)")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.contains(" closed (CLOSE_WAIT)  Recv-Q 12,345 never read")), r::toString);
        assertTrue(lines.getLast().endsWith("stopped; read 0 bytes in all"), r::toString);
    }

    @Test
    void badValuesAreOneLineWithExitTwo() {
        for (String[] args : List.of(new String[] {"fill", "--chunk", "0"}, new String[] {"fill", "--reader", "sometimes"},
                new String[] {"fill", "--connect", "nohostport"}, new String[] {"fill", "--sndbuf", "lots"},
                new String[] {"fill", "--connect", "127.0.0.1:1", "--listen", "5000"}, new String[] {"fill", "--hold", "soon"},
                new String[] {"fill", "--unix", "--connect", "127.0.0.1:1"}, new String[] {"fill", "-6", "--unix"})) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.exitCode(), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.err().startsWith("netdiag fill: "), r::toString);
        }
    }
}
