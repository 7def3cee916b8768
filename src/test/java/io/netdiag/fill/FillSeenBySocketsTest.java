package io.netdiag.fill;

import io.netdiag.output.Json;
import io.netdiag.sockets.SocketEntry;
import io.netdiag.sockets.SocketFilter;
import io.netdiag.sockets.SocketInventory;
import io.netdiag.sockets.SocketQuery;
import io.netdiag.testing.Cli;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fill and sockets tell one story: the queues fill reports are the ones the sockets engine lists for the same
 * sockets, and {@code netdiag sockets --diagnose} run against a held fill names the server as not reading
 * and the client's peer window as closed.
 */
class FillSeenBySocketsTest {
    private static FillRequest local(java.net.SocketAddress at, Duration hold) {
        return new FillRequest(FillRequest.Mode.LOCAL, at, null, null, 65536, false, Duration.ofSeconds(1),
                new ReaderPolicy.Never(), null, null, hold, Duration.ofSeconds(5));
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.replaceAll(".*:", ""));
    }

    /** What the sockets engine lists for the pair, read while the settled sockets are still open. */
    record Seen(FillResult result, List<EndpointQueues> queues, SocketInventory.Listing listing) {
    }

    private static Seen fillAndList(FillRequest request) throws Exception {
        AtomicReference<List<EndpointQueues>> ours = new AtomicReference<>();
        AtomicReference<SocketInventory.Listing> theirs = new AtomicReference<>();
        FillResult result = new FillExperiment().run(request, new FillExperiment.Observer() {
            @Override
            public void settled(List<EndpointQueues> queues) {
                ours.set(queues);
                EndpointQueues server = queues.getFirst();
                SocketQuery q = server.proto().equals("unix")
                        ? SocketQuery.of(io.netdiag.sockets.Netid.UNIX_STREAM).where(new SocketFilter.UnixPath(
                                SocketFilter.Side.SOURCE, server.local(), false))
                        : SocketQuery.tcp().where(SocketFilter.anyPort(port(server.local())));
                theirs.set(SocketInventory.snapshot(q.withInfo(true)));
            }
        });
        return new Seen(result, ours.get(), theirs.get());
    }

    @Test
    void fillsRowsAreTheRowsTheSocketsEngineListsForTheSamePair() throws Exception {
        for (String address : List.of("127.0.0.1", "::1")) {
            Seen seen = fillAndList(local(new InetSocketAddress(InetAddress.getByName(address), 0), Duration.ZERO));
            String json = Json.pretty(seen.result());
            assertEquals("netlink", seen.listing().report().sourceName(), seen.listing().report().toString());
            assertEquals("netlink", seen.result().queueSource(), json);
            List<SocketEntry> listed = seen.listing().sockets();
            assertEquals(2, listed.size(), listed.toString());
            EndpointQueues server = seen.queues().getFirst();
            EndpointQueues client = seen.queues().getLast();
            SocketEntry s = listed.stream().filter(e -> e.local().port() == port(server.local())).findFirst().orElseThrow();
            SocketEntry c = listed.stream().filter(e -> e.local().port() == port(client.local())).findFirst().orElseThrow();
            assertEquals(s.recvQ(), server.recvQ(), json);
            assertEquals(s.sendQ(), server.sendQ(), json);
            assertEquals(c.recvQ(), client.recvQ(), json);
            assertEquals(c.sendQ(), client.sendQ(), json);
            // tcp_info is the same struct, decoded by the same code: equal field for field where it does not move
            assertEquals(c.tcpInfo().orElseThrow().sndWnd(), client.tcp().sndWnd(), json);
            assertEquals(0, client.tcp().sndWnd(), json);
            assertEquals(c.tcpInfo().orElseThrow().notsentBytes(), client.tcp().notsentBytes(), json);
            assertEquals(c.tcpInfo().orElseThrow().bytesAcked(), client.tcp().bytesAcked(), json);
            assertEquals(s.tcpInfo().orElseThrow().bytesReceived(), server.tcp().bytesReceived(), json);
            assertEquals(seen.result().bytesAtBlock(), s.recvQ() + c.sendQ(), json);
        }
    }

    @Test
    void unixPairsAreReadThroughUnixDiag() throws Exception {
        Path path = Files.createTempDirectory("nd-fillsock").resolve("fill.sock");
        Seen seen = fillAndList(local(UnixDomainSocketAddress.of(path), Duration.ZERO));
        String json = Json.pretty(seen.result());
        assertEquals("netlink", seen.result().queueSource(), json);
        EndpointQueues server = seen.queues().getFirst();
        EndpointQueues client = seen.queues().getLast();
        assertEquals(path.toString(), server.local(), json);
        assertEquals(path.toString(), client.peer(), "the client's peer is named by the server's path: " + json);
        assertEquals("CONNECTED", server.state(), json);
        SocketEntry listed = seen.listing().sockets().stream().filter(e -> !e.listening()).findFirst().orElseThrow();
        assertEquals(listed.recvQ(), server.recvQ(), json);
        assertEquals(seen.result().bytesAtBlock(), server.recvQ(), json);
        assertTrue(client.sendQ() >= server.recvQ(), json);
    }

    @Test
    void whenNetlinkIsNotToBeUsedTheIoctlsServeAndTheReportSaysSo() throws Exception {
        System.setProperty(SocketInventory.SOURCE_PROPERTY, "proc");
        FillResult r;
        try {
            r = new FillExperiment().run(local(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), Duration.ZERO),
                    FillExperiment.QUIET);
        } finally {
            System.clearProperty(SocketInventory.SOURCE_PROPERTY);
        }
        String json = Json.pretty(r);
        assertEquals("ioctl", r.queueSource(), json);
        assertTrue(r.queues().stream().allMatch(q -> q.source().equals("ioctl")), json);
        assertNotNull(r.queueNote(), json);
        assertTrue(r.queueNote().contains("netdiag.sockets.source=proc"), json);
        // the same kernel counters: the invariant holds exactly through the fallback too
        assertTrue(r.accounting().exact(), json);
        assertEquals(r.bytesAtBlock(), r.accounting().serverRecvQ() + r.accounting().clientSendQ(), json);
        assertEquals(0, r.window().peerWindow(), json);
        String text = FillRenderer.text(r);
        assertTrue(text.contains("read with ioctl(SIOCINQ/SIOCOUTQ) and getsockopt(TCP_INFO):"), text);
        assertTrue(text.contains("  note: netlink sock_diag not used (netdiag.sockets.source=proc"), text);
    }

    /**
     * {@code netdiag fill --hold} in one terminal, {@code netdiag sockets --diagnose --port PORT} in another:
     * the diagnosis flags the server as not reading and the client as blocked by the peer's zero window.
     */
    @Test
    void socketsDiagnoseOnAHeldFillFindsTheServerNotReadingAndTheWindowClosed() throws Exception {
        AtomicReference<List<EndpointQueues>> settled = new AtomicReference<>();
        AtomicReference<Cli.Result> diagnosis = new AtomicReference<>();
        AtomicReference<SocketInventory.Listing> info = new AtomicReference<>();
        AtomicReference<Thread> otherTerminal = new AtomicReference<>();
        FillResult r = new FillExperiment().run(local(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                Duration.ofSeconds(4)), new FillExperiment.Observer() {
            @Override
            public void settled(List<EndpointQueues> queues) {
                settled.set(queues);
                int serverPort = port(queues.getFirst().local());
                otherTerminal.set(Thread.ofPlatform().start(() -> {
                    diagnosis.set(Cli.run("sockets", "--diagnose", "--samples", "2", "--interval", "0.3",
                            "--port", Integer.toString(serverPort)));
                    info.set(SocketInventory.snapshot(SocketQuery.tcp().where(SocketFilter.anyPort(serverPort)).withInfo(true)));
                }));
            }
        });
        otherTerminal.get().join();
        String json = Json.pretty(r);
        EndpointQueues server = settled.get().getFirst();
        EndpointQueues client = settled.get().getLast();
        Cli.Result d = diagnosis.get();
        assertEquals(1, d.exitCode(), d::toString);
        assertTrue(d.out().contains("2 stuck queues:"), d::toString);
        long pid = ProcessHandle.current().pid();
        assertTrue(d.out().contains("tcp " + server.local() + " <- " + client.local() + ": Recv-Q " + server.recvQ()
                + " bytes and not draining: process " + pid + " "), d + "\n" + json);
        assertTrue(d.out().contains("is not reading from this socket"), d::toString);
        assertTrue(d.out().contains("tcp " + client.local() + " -> " + server.local() + ": Send-Q " + client.sendQ()
                + " bytes, not draining, and the peer's window is 0: the peer is not reading"), d + "\n" + json);
        // and the window itself, as sockets -i reads it during the hold
        SocketEntry c = info.get().sockets().stream().filter(e -> e.local().port() == port(client.local())).findFirst().orElseThrow();
        assertEquals(0, c.tcpInfo().orElseThrow().sndWnd(), info.get().toString());
        assertEquals(0, r.window().peerWindow(), json);
    }
}
