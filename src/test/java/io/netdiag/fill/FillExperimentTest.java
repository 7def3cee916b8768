package io.netdiag.fill;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The experiment on real loopback sockets, checked against the real ss at the same moment. */
class FillExperimentTest {
    static FillRequest local(SocketAddress at, Integer sndbuf, Integer rcvbuf) {
        return new FillRequest(FillRequest.Mode.LOCAL, at, sndbuf, rcvbuf, 65536, false, Duration.ofSeconds(1),
                new ReaderPolicy.Never(), null, null, Duration.ZERO, Duration.ofSeconds(5));
    }

    static InetSocketAddress loopback(String address) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), 0);
    }

    /** Runs a fill and, while the settled sockets are still open, runs ss on them. */
    record Observed(FillResult result, List<EndpointQueues> queues, SsRows ss) {
    }

    static Observed runWithSs(FillRequest request) throws Exception {
        AtomicReference<List<EndpointQueues>> ours = new AtomicReference<>();
        AtomicReference<SsRows> theirs = new AtomicReference<>();
        FillResult result = new FillExperiment().run(request, new FillExperiment.Observer() {
            @Override
            public void settled(List<EndpointQueues> queues) {
                ours.set(queues);
                EndpointQueues server = queues.getFirst();
                theirs.set(server.proto().equals("unix") ? SsRows.unix(server.local())
                        : SsRows.tcp(Integer.parseInt(server.local().replaceAll(".*:", ""))));
            }
        });
        return new Observed(result, ours.get(), theirs.get());
    }

    @Test
    void bytesSentEqualServerRecvQPlusClientSendQAsSsSeesThem() throws Exception {
        for (String address : List.of("127.0.0.1", "::1")) {
            Observed o = runWithSs(local(loopback(address), null, null));
            FillResult result = o.result();
            String json = Json.pretty(result);
            assertNotNull(result.failure(), json);
            assertEquals(11, result.failure().errno(), json);
            assertEquals("EAGAIN", result.failure().symbol(), json);
            assertTrue(result.settledAfter() >= 0, json);
            EndpointQueues server = o.queues().getFirst();
            EndpointQueues client = o.queues().getLast();
            // the queues and tcp_info come from netlink sock_diag, the source netdiag sockets and ss read
            assertEquals("netlink", server.source(), json);
            assertEquals("netlink", client.source(), json);
            assertEquals("netlink", result.queueSource(), json);
            assertEquals(null, result.queueNote(), json);
            // the invariant, exact on loopback once nothing is in flight
            assertEquals(result.bytesAtBlock(), server.recvQ() + client.sendQ(), json);
            assertTrue(result.accounting().exact(), json);
            assertTrue(server.recvQ() > 0 && client.sendQ() > 0, json);
            // the same numbers as the real ss, on the same sockets, at the same moment
            SsRows ss = o.ss();
            assertEquals(server.recvQ(), ss.byLocal(server.local()).recvQ(), ss.text());
            assertEquals(0, ss.byLocal(server.local()).sendQ(), ss.text());
            assertEquals(client.sendQ(), ss.byLocal(client.local()).sendQ(), ss.text());
            assertEquals(0, ss.byLocal(client.local()).recvQ(), ss.text());
            assertEquals("ESTAB", ss.byLocal(client.local()).state(), ss.text());
            // the cause: the server advertises a zero window; ss prints snd_wnd only when it is not zero
            assertEquals(0, result.window().peerWindow(), json);
            assertFalse(ss.byLocal(client.local()).info().contains("snd_wnd:"), ss.text());
            assertTrue(ss.byLocal(server.local()).info().contains("bytes_received:" + server.recvQ()), ss.text());
            // the rest of struct tcp_info as netdiag reads it (offsets up to tcpi_snd_wnd) is what ss decodes
            String clientInfo = " " + ss.byLocal(client.local()).info() + " ";
            String serverInfo = " " + ss.byLocal(server.local()).info() + " ";
            assertTrue(clientInfo.contains(" mss:" + client.tcp().sndMss() + " "), clientInfo);
            assertTrue(clientInfo.contains(" bytes_acked:" + client.tcp().bytesAcked() + " "), clientInfo);
            assertTrue(clientInfo.contains(" notsent:" + client.tcp().notsentBytes() + " "), clientInfo);
            assertTrue(serverInfo.contains(" rcv_space:" + server.tcp().rcvSpace() + " "), serverInfo);
            assertTrue(serverInfo.contains(" rcv_ssthresh:" + server.tcp().rcvSsthresh() + " "), serverInfo);
            assertTrue(serverInfo.contains(" rto:" + server.tcp().rtoUs() / 1000 + " "), serverInfo);
            // what the client does about it: it probes the closed window
            assertTrue(result.window().zeroWindowProbes() >= 1, json);
            assertTrue(result.window().backoff() >= 1, json);
            assertEquals(client.sendQ(), result.window().notSent(), json);
            assertEquals(0, result.window().unacked(), json);
            // what the server acknowledged is what sits in its Recv-Q (tcpi_bytes_acked minus the SYN)
            assertEquals(server.recvQ(), result.accounting().peerAcked(), json);
        }
    }

    @Test
    void holdKeepsTheSocketsOpenForOtherToolsAndTheyAreClosedAfterwards() throws Exception {
        FillRequest request = new FillRequest(FillRequest.Mode.LOCAL, loopback("127.0.0.1"), null, null, 65536, false,
                Duration.ofSeconds(1), new ReaderPolicy.Never(), null, null, Duration.ofMillis(2000), Duration.ofSeconds(5));
        AtomicReference<Integer> port = new AtomicReference<>();
        AtomicReference<SsRows> during = new AtomicReference<>();
        AtomicReference<Thread> looker = new AtomicReference<>();
        FillResult r = new FillExperiment().run(request, new FillExperiment.Observer() {
            @Override
            public void settled(List<EndpointQueues> queues) {
                port.set(Integer.parseInt(queues.getFirst().local().replaceAll(".*:", "")));
                // another tool, looking half-way through the hold
                looker.set(Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                    during.set(SsRows.tcp(port.get()));
                }));
            }
        });
        looker.get().join();
        String json = Json.pretty(r);
        SsRows ss = during.get();
        assertEquals(2, ss.rows().size(), ss.text());
        assertTrue(ss.rows().stream().allMatch(row -> row.state().equals("ESTAB")), ss.text());
        assertEquals(r.accounting().serverRecvQ(), ss.rows().stream().mapToLong(SsRows.Row::recvQ).sum(), ss.text());
        assertEquals(r.accounting().clientSendQ(), ss.rows().stream().mapToLong(SsRows.Row::sendQ).sum(), ss.text());
        assertTrue(r.timeline().stream().anyMatch(s -> s.event().equals("hold")), json);
        assertTrue(r.window().zeroWindowProbes() >= 1, json);
        // nothing is left behind: the server closed with unread data (a reset), then the client
        assertEquals(List.of(), SsRows.tcp(port.get()).rows(), "no socket left on the port");
    }

    @Test
    void unixStreamSocketsQueueEveryByteAtTheServer() throws Exception {
        Path path = Files.createTempDirectory("nd-fill").resolve("fill.sock");
        Observed o = runWithSs(local(UnixDomainSocketAddress.of(path), null, null));
        FillResult result = o.result();
        String json = Json.pretty(result);
        assertEquals(11, result.failure().errno(), json);
        assertEquals("unix", result.transport());
        EndpointQueues server = o.queues().getFirst();
        EndpointQueues client = o.queues().getLast();
        assertEquals("netlink", server.source(), json);
        assertEquals("netlink", client.source(), json);
        assertEquals(result.bytesAtBlock(), server.recvQ(), json);
        assertTrue(result.accounting().exact(), json);
        assertTrue(client.sendQ() >= server.recvQ(), "UNIX Send-Q is memory (truesize), at least the payload: " + json);
        SsRows.Row ssServer = o.ss().byLocal(server.local());
        assertEquals(server.recvQ(), ssServer.recvQ(), o.ss().text());
        assertEquals(client.sendQ(), o.ss().peerOf(ssServer).sendQ(), o.ss().text());
        assertFalse(Files.exists(path), "the socket file is removed");
        assertTrue(result.window() == null);
    }

    @Test
    void smallerSendBuffersBlockSoonerInProportion() throws Exception {
        long previous = 0;
        long first = 0;
        for (int sndbuf : new int[] {32 * 1024, 128 * 1024, 512 * 1024}) {
            FillResult r = new FillExperiment().run(local(loopback("127.0.0.1"), sndbuf, 16 * 1024), FillExperiment.QUIET);
            String json = Json.pretty(r);
            BufferSetting b = r.buffers().getFirst();
            assertEquals(2L * sndbuf, b.initial(), "Linux doubles SO_SNDBUF: " + json);
            assertFalse(b.autotuned());
            long sendQ = r.accounting().clientSendQ();
            assertTrue(sendQ <= b.initial() && sendQ >= b.initial() / 2, "Send-Q fills most of SO_SNDBUF: " + json);
            assertTrue(r.accounting().exact(), json);
            assertTrue(r.bytesAtBlock() > previous, json);
            if (first == 0) {
                first = r.bytesAtBlock();
            }
            previous = r.bytesAtBlock();
        }
        // 16 times the buffer takes well over 8 times the bytes
        assertTrue(previous > 8 * first, previous + " vs " + first);
    }

    @Test
    void smallerReceiveBuffersHoldLessInRecvQ() throws Exception {
        long previous = 0;
        for (int rcvbuf : new int[] {16 * 1024, 64 * 1024, 256 * 1024}) {
            FillResult r = new FillExperiment().run(local(loopback("127.0.0.1"), 1 << 20, rcvbuf), FillExperiment.QUIET);
            String json = Json.pretty(r);
            BufferSetting b = r.buffers().get(1);
            assertEquals("SO_RCVBUF", b.option());
            assertEquals(2L * rcvbuf, b.initial(), "Linux doubles SO_RCVBUF: " + json);
            long recvQ = r.accounting().serverRecvQ();
            assertTrue(recvQ <= b.initial() && recvQ >= b.initial() / 2, "Recv-Q fills most of SO_RCVBUF: " + json);
            assertTrue(recvQ > previous, json);
            assertEquals(0, r.window().peerWindow(), json);
            previous = recvQ;
        }
    }

    @Test
    void aReaderThatStartsLateOpensTheWindowAndTheSendFinishes() throws Exception {
        long total = 8L << 20;
        FillRequest request = new FillRequest(FillRequest.Mode.LOCAL, loopback("127.0.0.1"), null, null, 65536, false,
                Duration.ofSeconds(1), new ReaderPolicy.After(Duration.ofSeconds(1)), total, null, Duration.ZERO,
                Duration.ofSeconds(5));
        FillResult r = new FillExperiment().run(request, FillExperiment.QUIET);
        String json = Json.pretty(r);
        assertTrue(r.blocks() >= 1, "blocked before the reader started: " + json);
        assertEquals(11, r.failure().errno(), json);
        assertTrue(r.resumedAfter() > 0, json);
        assertEquals(total, r.totalSent(), json);
        assertEquals(total, r.totalRead(), json);
        assertTrue(r.completed(), json);
        assertTrue(r.timeline().stream().anyMatch(s -> s.event().equals("resume")), json);
        // the window was closed while blocked and open again afterwards
        assertTrue(r.timeline().stream().anyMatch(s -> s.peerWindow() == 0), json);
        assertTrue(r.accounting().exact(), json);
    }

    @Test
    void aRateReaderKeepsTheSendQueueFull() throws Exception {
        FillRequest request = new FillRequest(FillRequest.Mode.LOCAL, loopback("127.0.0.1"), 64 * 1024, 64 * 1024, 16384,
                false, Duration.ofSeconds(1), new ReaderPolicy.Rate(256 * 1024), null, Duration.ofMillis(1500),
                Duration.ZERO, Duration.ofSeconds(5));
        FillResult r = new FillExperiment().run(request, FillExperiment.QUIET);
        String json = Json.pretty(r);
        assertTrue(r.blocks() > 1, json);
        assertTrue(r.totalRead() > 0 && r.totalSent() > r.bytesAtBlock(), json);
        double seconds = r.timeline().getLast().millis() / 1000.0;
        assertTrue(r.totalRead() <= 256 * 1024 * seconds + 256 * 1024, "the reader keeps to its rate: " + json);
        assertFalse(r.completed());
    }

    @Test
    void blockingSendHangsThenFailsWithEagainAfterTheTimeout() throws Exception {
        FillRequest request = new FillRequest(FillRequest.Mode.LOCAL, loopback("127.0.0.1"), 64 * 1024, 64 * 1024, 65536,
                true, Duration.ofMillis(200), new ReaderPolicy.Never(), null, null, Duration.ZERO, Duration.ofSeconds(5));
        FillResult r = new FillExperiment().run(request, FillExperiment.QUIET);
        String json = Json.pretty(r);
        assertEquals(11, r.failure().errno(), json);
        assertTrue(r.sendMode().startsWith("blocking"), json);
        assertTrue(r.blockedFor() > 0, json);
        assertTrue(r.accounting().exact(), json);
    }

    @Test
    void aPeerThatResetsEndsTheFillWithECONNRESETAndKeepsThePartialFigures() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    Thread.sleep(500);
                    s.setSoLinger(true, 0); // close with unread data and linger 0: an RST
                } catch (Exception ignored) {
                    // the test fails on the client's side if the reset never comes
                }
            });
            FillRequest request = new FillRequest(FillRequest.Mode.CONNECT,
                    new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getLocalPort()), null, null, 65536,
                    false, Duration.ofSeconds(1), new ReaderPolicy.Never(), null, null, Duration.ofSeconds(3),
                    Duration.ofSeconds(5));
            FillResult r = new FillExperiment().run(request, FillExperiment.QUIET);
            peer.join();
            String json = Json.pretty(r);
            assertTrue(r.bytesAtBlock() > 0, json);
            assertTrue(r.failure().errno() == 104 || r.failure().errno() == 32, json);
            assertEquals("peer-gone", r.failure().category(), json);
            assertTrue(r.timeline().stream().anyMatch(s -> s.event().equals("eagain")), json);
            assertTrue(r.timeline().stream().anyMatch(s -> s.event().equals("error")), json);
        }
    }

    @Test
    void connectWithBytesSendsThroughTheBlocksToASlowServer() throws Exception {
        long total = 1L << 20;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            server.setReceiveBufferSize(32 * 1024);
            Thread slow = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    byte[] buffer = new byte[16 * 1024];
                    long read = 0;
                    while (read < total) {
                        Thread.sleep(10); // about 1.6 MB/s: slower than the client sends
                        int n = s.getInputStream().read(buffer);
                        if (n < 0) {
                            return;
                        }
                        read += n;
                    }
                } catch (Exception ignored) {
                    // the client's assertions tell
                }
            });
            FillRequest request = new FillRequest(FillRequest.Mode.CONNECT,
                    new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getLocalPort()), 32 * 1024, null, 65536,
                    false, Duration.ofSeconds(1), new ReaderPolicy.Never(), total, null, Duration.ZERO, Duration.ofSeconds(5));
            FillResult r = new FillExperiment().run(request, FillExperiment.QUIET);
            slow.join();
            String json = Json.pretty(r);
            assertTrue(r.blocks() >= 1, json);
            assertEquals(total, r.totalSent(), json);
            assertTrue(r.completed(), "all sent and acknowledged: " + json);
            assertEquals(0, r.accounting().clientSendQ(), json);
            assertEquals(total, r.accounting().peerAcked(), json);
        }
    }

    @Test
    void zeroWindowSegmentsAppearInACaptureOfTheFill() throws Exception {
        Host.requireRoot("needs root, tcpdump and tshark");
        Host.require("tcpdump", "tshark");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Path pcap = Files.createTempFile("nd-fill", ".pcap");
        long probes;
        // -Z root: tcpdump would otherwise drop to its own user, which cannot write our temporary file
        Process tcpdump = new ProcessBuilder("tcpdump", "-Z", "root", "--immediate-mode", "-i", "lo", "-U", "-s", "128", "-w", pcap.toString(),
                "tcp port " + port).redirectErrorStream(true).start();
        try {
            // tcpdump says "listening on lo" once its filter is in place
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(tcpdump.getInputStream()));
            String line = out.readLine();
            assertTrue(line != null && line.contains("listening on lo"), String.valueOf(line));
            FillResult r = new FillExperiment().run(local(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port),
                    null, null), FillExperiment.QUIET);
            assertEquals(0, r.window().peerWindow(), Json.pretty(r));
            probes = r.window().zeroWindowProbes();
            Thread.sleep(200);
        } finally {
            tcpdump.destroy();
            tcpdump.waitFor();
        }
        Host.Run tshark = Host.run("tshark", "-r", pcap.toString());
        long size = Files.size(pcap);
        Files.deleteIfExists(pcap);
        List<String> zero = tshark.out().lines().filter(l -> l.contains("[TCP ZeroWindow]")).toList();
        assertFalse(zero.isEmpty(), () -> size + " bytes captured\n" + tshark.out() + tshark.err());
        // the zero windows come from the server (the listening port) to the client
        assertTrue(zero.stream().allMatch(l -> l.contains(port + " → ")), tshark.out());
        assertTrue(zero.stream().allMatch(l -> l.contains("Win=0")), tshark.out());
        // Linux probes a zero window with an empty segment one byte below snd_una: tshark calls it a keep-alive
        long keepAlives = tshark.out().lines().filter(l -> l.contains("[TCP Keep-Alive]") && l.contains(" → " + port + " "))
                .count();
        assertTrue(keepAlives >= 1, tshark.out());
        // and there are as many on the wire as the client's tcp_info counted
        assertEquals(probes, keepAlives, tshark.out());
    }
}
