package io.netdiag.sockets;

import io.netdiag.os.ErrnoException;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both TCP tables from one TCPDIAG_GETSOCK dump (SockDiag.startTcp) against one SOCK_DIAG_BY_FAMILY dump per family,
 * as ss asks: the same sockets, split by family, in the same order, also when the kernel refuses the request. Real
 * IPv4 and IPv6 sockets on loopback; only the rows of this test's ports are compared, since other programs' sockets
 * come and go between two dumps.
 */
class BothFamiliesDumpTest {
    private static final int AHEAD = 64 * 1024; // a few batches: the halves must not depend on the reader's lead

    /**
     * This test's sockets: IPv4 and IPv6 listeners with connections, and a dual-stack wildcard listener. Each is known
     * by its family, local port and peer port (0 for a listener): other programs may use the same port numbers (a
     * benchmark can hold every ephemeral port of 127.0.0.1), but not with the same ends.
     */
    private static final class Sockets implements AutoCloseable {
        final List<AutoCloseable> open = new ArrayList<>();
        final java.util.Set<String> keys = new java.util.HashSet<>();

        Sockets() throws Exception {
            InetAddress v4 = InetAddress.getByName("127.0.0.1");
            InetAddress v6 = InetAddress.getByName("::1");
            for (int i = 0; i < 40; i++) { // enough connections to span several batches of the dump
                listenAndConnect(StandardProtocolFamily.INET, v4);
                listenAndConnect(StandardProtocolFamily.INET6, v6);
            }
            ServerSocketChannel wildcard = keep(ServerSocketChannel.open(StandardProtocolFamily.INET6))
                    .bind(new InetSocketAddress(0));
            keys.add(key(true, port(wildcard.getLocalAddress()), 0));
        }

        private static int port(java.net.SocketAddress address) {
            return ((InetSocketAddress) address).getPort();
        }

        static String key(boolean v6, long localPort, long peerPort) {
            return (v6 ? "6 " : "4 ") + localPort + " " + peerPort;
        }

        private void listenAndConnect(StandardProtocolFamily family, InetAddress address) throws Exception {
            ServerSocketChannel listener = keep(ServerSocketChannel.open(family)).bind(new InetSocketAddress(address, 0));
            SocketChannel client = keep(SocketChannel.open(family));
            client.connect(listener.getLocalAddress());
            keep(listener.accept());
            boolean v6 = family == StandardProtocolFamily.INET6;
            int server = port(listener.getLocalAddress());
            int local = port(client.getLocalAddress());
            keys.add(key(v6, server, 0));
            keys.add(key(v6, local, server));
            keys.add(key(v6, server, local));
        }

        private <T extends AutoCloseable> T keep(T c) {
            open.add(c);
            return c;
        }

        boolean mine(SocketEntry e) {
            return keys.contains(key(e.family() == SocketEntry.Family.INET6, e.local().port(), e.peer().port()));
        }

        @Override
        public void close() throws Exception {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    private static String row(SocketEntry e) {
        return e.family() + " " + e.state() + " " + e.recvQ() + " " + e.sendQ() + " " + e.local() + " " + e.peer() + " "
                + e.inode();
    }

    private static List<String> drained(SockDiag.Pending pending, Sockets sockets) throws ErrnoException {
        List<String> rows = new ArrayList<>();
        try (pending) {
            pending.drain(e -> {
                if (sockets.mine(e)) {
                    rows.add(row(e));
                }
            });
        }
        return rows;
    }

    private static int allStates() {
        return SocketQuery.tcp().stateBits();
    }

    @Test
    void oneWalkListsEachFamilyAsItsOwnDumpDoes() throws Exception {
        try (Sockets sockets = new Sockets()) {
            List<String> v4 = drained(SockDiag.startInet(Netid.TCP, io.netdiag.os.Libc.AF_INET, allStates(), false, AHEAD), sockets);
            List<String> v6 = drained(SockDiag.startInet(Netid.TCP, io.netdiag.os.Libc.AF_INET6, allStates(), false, AHEAD), sockets);
            assertEquals(120, v4.size(), () -> "40 listeners and 40 connections over IPv4: " + v4);
            assertEquals(121, v6.size(), () -> "the same over IPv6, and the wildcard listener: " + v6);
            assertTrue(v4.stream().allMatch(r -> r.startsWith("INET ")), () -> "IPv4 only: " + v4);
            assertTrue(v6.stream().allMatch(r -> r.startsWith("INET6 ")), () -> "IPv6 only: " + v6);

            SockDiag.Pending[] halves = SockDiag.startTcp(allStates(), false, AHEAD);
            assertEquals(v4, drained(halves[0], sockets), "the IPv4 half");
            assertEquals(v6, drained(halves[1], sockets), "the IPv6 half, after the IPv4 one");

            // with tcp_info asked for: larger messages, the same sockets
            SockDiag.Pending[] withInfo = SockDiag.startTcp(allStates(), true, AHEAD);
            assertEquals(v4, drained(withInfo[0], sockets));
            assertEquals(v6, drained(withInfo[1], sockets));
        }
    }

    @Test
    void aRefusedRequestFallsBackToOneDumpPerFamily() throws Exception {
        try (Sockets sockets = new Sockets()) {
            List<String> v4 = drained(SockDiag.startInet(Netid.TCP, io.netdiag.os.Libc.AF_INET, allStates(), false, AHEAD), sockets);
            List<String> v6 = drained(SockDiag.startInet(Netid.TCP, io.netdiag.os.Libc.AF_INET6, allStates(), false, AHEAD), sockets);
            SockDiag.tcpRequestType = 30; // not a sock_diag request: the kernel answers EINVAL before anything else
            try {
                SockDiag.Pending[] halves = SockDiag.startTcp(allStates(), false, AHEAD);
                assertEquals(v4, drained(halves[0], sockets));
                assertEquals(v6, drained(halves[1], sockets));
                // the IPv6 half drained alone (its IPv4 half never was) dumps its own table
                SockDiag.Pending[] alone = SockDiag.startTcp(allStates(), false, AHEAD);
                alone[0].close();
                assertEquals(v6, drained(alone[1], sockets));
            } finally {
                SockDiag.tcpRequestType = SockDiag.TCPDIAG_GETSOCK;
            }
        }
    }

    /** The listing's rows for this test's sockets come in ss's order: every IPv4 socket, then every IPv6 one. */
    @Test
    void listingKeepsSsOrder() throws Exception {
        try (Sockets sockets = new Sockets()) {
            SocketRows rows = new SocketRows(new SocketRows.Layout(false, true, false, false, true, null));
            SocketInventory.stream(SocketQuery.tcp(), rows);
            List<String> ours = mineOnly(rows.lines(false).stream().skip(1).toList(), sockets);
            Host.Run ss = Host.run("ss", "-H", "-t", "-a", "-n");
            assertEquals(0, ss.exitCode(), ss::toString);
            List<String> expected = mineOnly(ss.out().lines().toList(), sockets);
            assertEquals(241, expected.size(), () -> "ss lists this test's sockets: " + expected);
            assertEquals(expected, ours);
        }
    }

    /** The state, queues and both ends of each row about one of this test's ports, in the order printed. */
    private static List<String> mineOnly(List<String> lines, Sockets sockets) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 5 && sockets.keys.contains(Sockets.key(w[3].startsWith("[") || w[3].startsWith("*"), port(w[3]), port(w[4])))) {
                out.add(String.join(" ", w[0], w[1], w[2], w[3], w[4]));
            }
        }
        return out;
    }

    /** The port of an ss address column ({@code 127.0.0.1:80}, {@code [::1]:80}, {@code *:*}); 0 for {@code *}. */
    private static int port(String address) {
        String port = address.substring(address.lastIndexOf(':') + 1);
        return port.equals("*") ? 0 : Integer.parseInt(port);
    }
}
