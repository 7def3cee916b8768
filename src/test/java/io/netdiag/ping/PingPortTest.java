package io.netdiag.ping;

import io.netdiag.output.Json;
import io.netdiag.testing.Cli;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --tcp and --udp against real sockets on loopback: open, closed, and what the summary says. */
class PingPortTest {
    private static int unusedTcpPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void tcpOpenPortCountsAsRepliesWithHandshakeTimes() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Cli.Result r = Cli.run("ping", "--tcp", Integer.toString(listener.getLocalPort()), "-c", "2", "-i", "0.1", "127.0.0.1");
            assertEquals(0, r.exitCode(), r::toString);
            List<String> lines = r.out().lines().toList();
            assertEquals("TCP PING 127.0.0.1 (127.0.0.1) port " + listener.getLocalPort() + ".", lines.get(0));
            assertTrue(lines.get(1).matches("connected to 127\\.0\\.0\\.1:\\d+: tcp_seq=1 open time=\\d+(\\.\\d+)? ms"), r::toString);
            assertTrue(r.out().contains("2 packets transmitted, 2 received, 0% packet loss"), r::toString);
            assertTrue(r.out().lines().anyMatch(l -> l.matches(PingLoopbackTest.RTT)), r::toString);
        }
    }

    @Test
    void tcpClosedPortIsRefusedExplainedAndExitOne() throws Exception {
        int port = unusedTcpPort();
        Cli.Result r = Cli.run("ping", "--tcp", Integer.toString(port), "-c", "2", "-i", "0.1", "127.0.0.1");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("From 127.0.0.1:" + port + " tcp_seq=1 Connection refused (closed)"), r::toString);
        assertTrue(r.out().contains("2 packets transmitted, 0 received, +2 errors, 100% packet loss"), r::toString);
        assertTrue(r.out().contains("why: 2 x Connection refused (closed): ECONNREFUSED"), r::toString);
        assertTrue(r.out().contains("\ntry: "), r::toString);
    }

    @Test
    void udpReplyIsOpenAndPortUnreachableIsClosed() throws Exception {
        try (DatagramChannel echo = DatagramChannel.open()) {
            echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) echo.getLocalAddress()).getPort();
            Thread server = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer b = ByteBuffer.allocate(2048);
                try {
                    for (int i = 0; i < 2; i++) {
                        b.clear();
                        var from = echo.receive(b);
                        b.flip();
                        echo.send(b, from);
                    }
                } catch (Exception ignored) {
                    // closed at the end of the test
                }
            });
            Cli.Result open = Cli.run("--json", "ping", "--udp", Integer.toString(port), "-c", "2", "-i", "0.1", "127.0.0.1");
            assertEquals(0, open.exitCode(), open::toString);
            List<Map<?, ?>> objects = open.out().lines().<Map<?, ?>>map(l -> (Map<?, ?>) Json.parse(l)).toList();
            assertEquals(List.of("start", "probe", "probe", "summary"), objects.stream().map(o -> o.get("type")).toList());
            assertEquals("open", objects.get(1).get("state"));
            server.join(2000);
        }
        Cli.Result closed = Cli.run("ping", "--udp", "9", "-c", "1", "127.0.0.1");
        assertEquals(1, closed.exitCode(), closed::toString);
        assertTrue(closed.out().contains("From 127.0.0.1:9 udp_seq=1 Connection refused (closed)"), closed::toString);
        assertTrue(closed.out().contains("ICMP port unreachable"), closed::toString);
    }

    @Test
    void severalTargetsWithTcpMakeATableOfOpenAndClosed() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(listener.getLocalPort());
            Cli.Result r = Cli.run("ping", "--tcp", port, "-c", "1", "127.0.0.1", "127.0.0.2");
            assertEquals(1, r.exitCode(), "not every target open: " + r);
            assertTrue(r.out().contains("127.0.0.1 : [0], tcp/" + port + " open, "), r::toString);
            assertTrue(r.out().contains("127.0.0.2 : [0], tcp/" + port + " closed, Connection refused"), r::toString);
            assertTrue(r.out().lines().anyMatch(l -> l.matches("127\\.0\\.0\\.1 +127\\.0\\.0\\.1 +1 +1 +0% .* open")), r::toString);
            assertTrue(r.out().lines().anyMatch(l -> l.matches("127\\.0\\.0\\.2 +127\\.0\\.0\\.2 +1 +0 +100% +- +Connection refused \\(closed\\)")),
                    r::toString);
        }
    }

    @Test
    void udpProbesOfDnsAndNtpCarryRequestsThoseServicesAnswer() {
        byte[] dns = UdpPayloads.forPort(53);
        assertEquals(17, dns.length, "12-byte header, root name, type, class");
        assertEquals(1, dns[5], "one question");
        assertEquals(0x23, UdpPayloads.forPort(123)[0], "NTP v4 client request");
        assertEquals(48, UdpPayloads.forPort(123).length);
    }
}
