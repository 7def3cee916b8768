package io.netdiag.sockets;

import io.netdiag.output.Json;
import io.netdiag.testing.Cli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --diagnose on real stuck sockets: every kind of stuck queue is found, with who is not reading. */
class QueueDiagnosisTest {
    private static LoopbackSockets sockets;
    private static SocketChannel overflowing;

    @BeforeAll
    static void open() throws Exception {
        sockets = new LoopbackSockets();
        // one connection more than the full accept queue holds: its SYN is dropped (ListenOverflows)
        overflowing = SocketChannel.open();
        overflowing.configureBlocking(false);
        overflowing.connect(sockets.fullListener.getLocalAddress());
        LoopbackSockets.settle();
    }

    @AfterAll
    static void close() throws Exception {
        overflowing.close();
        sockets.close();
    }

    private static SocketFilter ours() throws Exception {
        SocketFilter f = new SocketFilter.UnixPath(SocketFilter.Side.SOURCE, sockets.unixPath.toString(), false);
        for (int port : new int[] {sockets.port(sockets.fullListener), sockets.port(sockets.pairListener), sockets.udpPort()}) {
            f = new SocketFilter.Or(f, SocketFilter.anyPort(port));
        }
        return f;
    }

    private static QueueDiagnosis.Finding find(List<QueueDiagnosis.Finding> findings, String kind, long localPort) {
        return findings.stream().filter(f -> f.kind().equals(kind) && f.local().port() == localPort).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " on " + localPort + " in\n" + findings));
    }

    @Test
    void everyStuckQueueIsFoundAndExplained() throws Exception {
        QueueDiagnosis.Result r = QueueDiagnosis.run(SocketQuery.all().where(ours())
                .inFamilies(java.util.EnumSet.of(SocketEntry.Family.INET6, SocketEntry.Family.UNIX)), 2, 300);
        long pid = ProcessHandle.current().pid();
        List<QueueDiagnosis.Finding> f = r.findings();

        QueueDiagnosis.Finding listener = find(f, "accept-queue-full", sockets.port(sockets.fullListener));
        assertEquals("resource-exhausted", listener.category());
        assertEquals(List.of(3L, 3L), listener.recvQ());
        assertTrue(listener.message().contains("is not calling accept(); new connections are being dropped: ListenOverflows +"),
                listener.message());

        QueueDiagnosis.Finding reader = find(f, "not-reading", sockets.port(sockets.pairListener));
        assertEquals("would-block", reader.category());
        assertTrue(reader.message().contains("process " + pid + " "), reader.message());
        assertTrue(reader.message().endsWith("is not reading from this socket"), reader.message());

        QueueDiagnosis.Finding writer = find(f, "peer-not-reading", sockets.port(sockets.client));
        assertTrue(writer.message().endsWith("the peer is not reading"), writer.message());
        assertEquals(sockets.bytesSent, reader.recvQ().getLast() + writer.sendQ().getLast());

        QueueDiagnosis.Finding udp = find(f, "datagrams-unread", sockets.udpPort());
        assertTrue(udp.recvQ().getFirst() > 300);

        assertTrue(f.stream().anyMatch(x -> x.kind().equals("not-reading") && x.netid().equals("u_str")
                && x.recvQ().getLast() == LoopbackSockets.UNIX_BYTES), f::toString);
        assertTrue(f.stream().anyMatch(x -> x.kind().equals("connect-stalled")), "the dropped SYN's connect: " + f);
        for (QueueDiagnosis.Finding x : f) {
            assertTrue(x.next() != null && x.next().contains("netdiag") || x.next().contains("jstack"), x::toString);
        }
    }

    @Test
    void commandExitsOneWhenSomethingIsStuckAndPrintsJson() throws Exception {
        int port = sockets.port(sockets.pairListener);
        Cli.Result r = Cli.run("--json", "sockets", "--diagnose", "--samples", "2", "--interval", "0.2", "-6t", "sport = :" + port);
        assertEquals(1, r.exitCode(), r::toString);
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> findings = (List<Map<String, Object>>) doc.get("findings");
        assertEquals("not-reading", findings.getFirst().get("kind"));

        Cli.Result text = Cli.run("sockets", "--diagnose", "--samples", "2", "--interval", "0.2", "-6t", "sport = :" + port);
        assertTrue(text.out().contains("[would-block]") && text.out().contains("is not reading from this socket"), text::toString);
    }

    @Test
    void drainedQueuesAreNotFlagged() throws Exception {
        // the listener of the connected pair has an empty accept queue: nothing to report there
        int port = sockets.port(sockets.pairListener);
        Cli.Result r = Cli.run("sockets", "--diagnose", "--samples", "2", "--interval", "0.1", "-6tl", "sport = :" + port);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("No stuck queue"), r::toString);
        assertEquals("", r.err());
        Cli.Result one = Cli.run("sockets", "--diagnose", "--samples", "1");
        assertEquals(2, one.exitCode(), one::toString);
    }

    @Test
    void watchOffTerminalPrintsEveryRefreshWithMarks() throws Exception {
        int port = sockets.port(sockets.fullListener);
        Cli.Result r = Cli.run("sockets", "--watch", "0.2", "--count", "2", "-6tl", "sport = :" + port);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("--- netdiag sockets --watch")).count(), r::toString);
        assertEquals(2, r.out().lines().filter(l -> l.contains("127.0.0.1]:" + port) && l.contains("LISTEN")).count(), r::toString);
        int pair = sockets.port(sockets.pairListener);
        Cli.Result stuck = Cli.run("sockets", "--watch", "0.2", "--count", "2", "-6t", "sport = :" + pair + " or dport = :" + pair);
        assertTrue(stuck.out().contains("! stuck [would-block] tcp [::ffff:127.0.0.1]:" + pair), stuck::toString);
        assertTrue(stuck.out().contains("is not reading from this socket"), stuck::toString);
        assertTrue(stuck.out().contains("the peer is not reading"), stuck::toString);
        Cli.Result s = Cli.run("sockets", "--watch", "0.2", "--count", "2", "-s", "-t");
        assertTrue(s.out().contains("change since the previous sample"), s::toString);
        Cli.Result j = Cli.run("--json", "sockets", "--watch", "0.2", "--count", "2", "-6tl", "sport = :" + port);
        assertEquals(2, j.out().lines().count(), j::toString);
        for (String line : j.out().lines().toList()) {
            assertTrue(Json.parse(line) instanceof Map<?, ?>, line);
        }
    }
}
