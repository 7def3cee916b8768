package io.netdiag.sockets;

import io.netdiag.testing.Host;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine against real sockets, and against ss run on the same sockets at the same moment. */
class SocketInventoryTest {
    private static LoopbackSockets sockets;

    @BeforeAll
    static void open() throws Exception {
        sockets = new LoopbackSockets();
    }

    @AfterAll
    static void close() throws Exception {
        sockets.close();
    }

    /** Java's sockets are dual-stack IPv6 ones: other tests' IPv4 sockets may reuse the same port numbers. */
    private static SocketEntry one(SocketQuery query) {
        SocketQuery q = query.inFamilies(java.util.EnumSet.of(SocketEntry.Family.INET6));
        List<SocketEntry> found = SocketInventory.list(q);
        assertEquals(1, found.size(), () -> "expected one socket for " + q + ", got " + found);
        return found.getFirst();
    }

    /** ss -H output for a filter: state, recv-q, send-q, local, peer. */
    private static String[] ss(String flags, String filter) {
        Host.Run r = Host.run("ss", "-H", "-n", "-6", flags, filter);
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.out().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), () -> "ss " + flags + " " + filter + " printed " + r.out());
        return lines.getFirst().trim().split("\\s+");
    }

    /** The words of each printed row that mentions one of {@code ports} (":PORT"), sorted. */
    private static List<String> rowsAbout(SocketRows rows, List<Integer> ports) {
        return rows.lines(false).stream().skip(1)
                .filter(l -> ports.stream().anyMatch(p -> l.contains(":" + p + " ") || l.endsWith(":" + p)))
                .map(l -> String.join(" ", l.trim().split("\\s+"))).sorted().toList();
    }

    /**
     * A plain listing decodes sock_diag messages straight into rows, without SocketEntry objects: it must print
     * what the entry path prints (dual-stack wildcards, IPv4-mapped addresses, port 0, every state). The two dumps
     * are taken one after the other, so only the rows of this test's sockets are compared.
     */
    @Test
    void directRowsPrintWhatEntryRowsPrint() throws Exception {
        // a dual-stack wildcard listener and UDP socket (:: printed as *, port 0 as *) on top of the shared sockets
        try (java.nio.channels.ServerSocketChannel wildcard = java.nio.channels.ServerSocketChannel.open()
                .bind(new java.net.InetSocketAddress(0));
             java.nio.channels.DatagramChannel wildUdp = java.nio.channels.DatagramChannel.open()
                     .bind(new java.net.InetSocketAddress(0))) {
            int wildPort = ((java.net.InetSocketAddress) wildcard.getLocalAddress()).getPort();
            int wildUdpPort = ((java.net.InetSocketAddress) wildUdp.getLocalAddress()).getPort();
            int v6Port = sockets.port(sockets.v6Listener);
            List<Integer> ports = List.of(sockets.port(sockets.fullListener), sockets.port(sockets.pairListener),
                    sockets.port(sockets.client), sockets.udpPort(), v6Port, wildPort, wildUdpPort);
            SocketQuery query = SocketQuery.of(Netid.TCP, Netid.UDP);
            SocketRows.Layout layout = new SocketRows.Layout(true, true, false, false, true, null);
            SocketRows direct = new SocketRows(layout);
            SocketInventory.stream(query, direct);
            SocketRows entries = new SocketRows(layout);
            SocketInventory.stream(query, entries::add);
            List<String> expected = rowsAbout(entries, ports);
            assertTrue(expected.size() >= 8, () -> "listeners, both ends of the pair, queued connections, UDP: " + expected);
            assertEquals(expected, rowsAbout(direct, ports));
            assertTrue(expected.contains("tcp LISTEN 0 50 *:" + wildPort + " *:*"), () -> "the wildcard listener: " + expected);
            assertTrue(expected.contains("udp UNCONN 0 0 *:" + wildUdpPort + " *:*"), () -> "the wildcard UDP socket: " + expected);
            assertTrue(expected.stream().anyMatch(l -> l.contains("[::1]:" + v6Port + " ")),
                    () -> "the IPv6 listener: " + expected);
        }
    }

    @Test
    void listenerShowsAcceptQueueAndBacklogLikeSs() throws Exception {
        int port = sockets.port(sockets.fullListener);
        SocketEntry e = one(SocketQuery.tcp().inStates(java.util.EnumSet.of(SocketState.LISTEN)).where(SocketFilter.localPort(port)));
        String[] ss = ss("-tl", "sport = :" + port);
        assertEquals(SocketState.LISTEN, e.state());
        assertEquals(LoopbackSockets.BACKLOG + 1, e.recvQ(), "accept queue holds backlog+1");
        assertEquals(LoopbackSockets.BACKLOG, e.sendQ(), "Send-Q of a listener is the backlog");
        assertEquals(ss[1], Long.toString(e.recvQ()));
        assertEquals(ss[2], Long.toString(e.sendQ()));
        assertEquals(ss[3], "[::ffff:127.0.0.1]:" + port, "Java opens dual-stack sockets");
        assertEquals("::ffff:127.0.0.1", e.local().address());
        assertTrue(e.inode() > 0);
    }

    @Test
    void stuckPairQueuesMatchSsAndAddUpToWhatWasSent() throws Exception {
        int serverPort = sockets.port(sockets.pairListener);
        int clientPort = sockets.port(sockets.client);
        SocketEntry client = one(SocketQuery.tcp().where(SocketFilter.localPort(clientPort)));
        SocketEntry server = one(SocketQuery.tcp().where(SocketFilter.localPort(serverPort).and(SocketFilter.peerPort(clientPort))));
        String[] ssClient = ss("-t", "sport = :" + clientPort);
        String[] ssServer = ss("-t", "sport = :" + serverPort + " and dport = :" + clientPort);
        assertEquals(ssClient[1] + "/" + ssClient[2], client.recvQ() + "/" + client.sendQ());
        assertEquals(ssServer[1] + "/" + ssServer[2], server.recvQ() + "/" + server.sendQ());
        assertTrue(server.recvQ() > 0 && client.sendQ() > 0, () -> client + "\n" + server);
        assertEquals(sockets.bytesSent, server.recvQ() + client.sendQ(), "every byte sent is in one of the two queues");
    }

    @Test
    void udpQueueIsMemoryNotPayload() throws Exception {
        int port = sockets.udpPort();
        SocketEntry e = one(SocketQuery.of(Netid.UDP).where(SocketFilter.localPort(port)));
        String[] ss = ss("-ua", "sport = :" + port);
        assertEquals(SocketState.CLOSE, e.state());
        assertEquals(ss[1], Long.toString(e.recvQ()));
        assertTrue(e.recvQ() > LoopbackSockets.DATAGRAMS * 100L, "truesize, not 300 payload bytes: " + e.recvQ());
    }

    @Test
    void unixStreamSocketsWithPathInodeAndQueue() throws Exception {
        List<SocketEntry> unix = SocketInventory.list(SocketQuery.of(Netid.UNIX_STREAM));
        String path = sockets.unixPath.toString();
        SocketEntry listener = unix.stream().filter(e -> e.local().address().equals(path) && e.listening()).findFirst().orElseThrow();
        assertEquals(4, listener.sendQ(), "UNIX listener: Send-Q is the backlog");
        SocketEntry server = unix.stream().filter(e -> e.local().address().equals(path) && !e.listening()).findFirst().orElseThrow();
        assertEquals(LoopbackSockets.UNIX_BYTES, server.recvQ());
        SocketEntry client = unix.stream().filter(e -> e.inode() == server.peer().port()).findFirst().orElseThrow();
        assertEquals(server.inode(), client.peer().port(), "peers point at each other");
        Host.Run run = Host.run("ss", "-H", "-x", "src " + path);
        String[] ss = run.out().lines().filter(l -> !l.isBlank()).findFirst().orElseThrow().trim().split("\\s+");
        assertEquals(Long.toString(server.recvQ()), ss[2]);
    }

    @Test
    void ipv6ListenerAndInfo() throws Exception {
        int port = sockets.port(sockets.v6Listener);
        SocketEntry e = one(SocketQuery.tcp().where(SocketFilter.localPort(port)).withInfo(true));
        assertEquals(SocketEntry.Family.INET6, e.family());
        assertEquals("::1", e.local().address());
        assertEquals(5, e.sendQ());
        assertTrue(e.v6only(), "binding ::1 makes the socket v6only");
    }

    @Test
    void tcpInfoAndMemoryForTheStuckPair() throws Exception {
        int clientPort = sockets.port(sockets.client);
        SocketEntry client = one(SocketQuery.tcp().where(SocketFilter.localPort(clientPort)).withInfo(true));
        TcpInfo info = client.tcpInfo().orElseThrow();
        assertEquals(0, info.sndWnd(), "the peer's window is zero: it is not reading");
        assertTrue(info.rttUs() > 0);
        assertTrue(client.memory().orElseThrow().sndbuf() > 0);
        assertTrue(client.congestion() != null && !client.congestion().isEmpty());
    }

    @Test
    void aConnectionLookedUpByItsEndsIsTheOneTheDumpLists() throws Exception {
        java.net.InetSocketAddress local = (java.net.InetSocketAddress) sockets.client.getLocalAddress();
        java.net.InetSocketAddress peer = (java.net.InetSocketAddress) sockets.client.getRemoteAddress();
        SocketEntry listed = one(SocketQuery.tcp().where(SocketFilter.localPort(local.getPort())).withInfo(true));
        SocketEntry looked = SocketInventory.tcpConnection(local, peer, true).orElseThrow();
        assertEquals(listed.inode(), looked.inode());
        assertEquals(listed.family(), looked.family(), "Java's dual-stack socket is found by its IPv4 ends");
        assertEquals(listed.local(), looked.local());
        assertEquals(listed.peer(), looked.peer());
        assertEquals(listed.recvQ(), looked.recvQ());
        assertEquals(listed.sendQ(), looked.sendQ());
        assertTrue(looked.sendQ() > 0);
        assertEquals(0, looked.tcpInfo().orElseThrow().sndWnd());
        assertEquals(listed.tcpInfo().orElseThrow().bytesAcked(), looked.tcpInfo().orElseThrow().bytesAcked());
        // the other end, from the server's side, without tcp_info
        SocketEntry server = SocketInventory.tcpConnection(peer, local, false).orElseThrow();
        assertEquals(sockets.bytesSent, server.recvQ() + looked.sendQ());
        assertTrue(server.tcpInfo().isEmpty());
        // no such connection: the kernel's lookup falls back to the listener on that port, which is not it
        java.net.InetSocketAddress nobody = new java.net.InetSocketAddress(local.getAddress(), 1);
        assertTrue(SocketInventory.tcpConnection(peer, nobody, false).isEmpty());
        assertTrue(SocketInventory.tcpConnection(nobody, peer, false).isEmpty());
    }

    @Test
    void aUnixSocketLookedUpByInodeIsTheOneTheDumpLists() throws Exception {
        SocketEntry listed = SocketInventory.list(SocketQuery.of(Netid.UNIX_STREAM)
                        .where(new SocketFilter.UnixPath(SocketFilter.Side.SOURCE, sockets.unixPath.toString(), false)))
                .stream().filter(e -> !e.listening()).findFirst().orElseThrow();
        SocketEntry looked = SocketInventory.unixSocket(listed.inode(), true).orElseThrow();
        assertEquals(LoopbackSockets.UNIX_BYTES, looked.recvQ());
        assertEquals(listed.recvQ(), looked.recvQ());
        assertEquals(listed.peer(), looked.peer());
        assertEquals(sockets.unixPath.toString(), looked.local().address());
        assertTrue(looked.memory().isPresent());
        assertTrue(SocketInventory.unixSocket(1, false).isEmpty(), "no socket has inode 1");
    }

    @Test
    void procFallbackAgreesWithNetlink() throws Exception {
        int clientPort = sockets.port(sockets.client);
        SocketQuery q = SocketQuery.tcp().where(SocketFilter.localPort(clientPort));
        q = q.inFamilies(java.util.EnumSet.of(SocketEntry.Family.INET6));
        SocketInventory.Listing viaNetlink = SocketInventory.snapshot(q.from(Source.NETLINK));
        SocketInventory.Listing viaProc = SocketInventory.snapshot(q.from(Source.PROC));
        assertEquals("netlink", viaNetlink.report().sourceName());
        assertEquals("proc", viaProc.report().sourceName());
        SocketEntry n = viaNetlink.sockets().getFirst();
        SocketEntry p = viaProc.sockets().getFirst();
        assertEquals(n.local(), p.local());
        assertEquals(n.peer(), p.peer());
        assertEquals(n.inode(), p.inode());
        assertEquals(n.uid(), p.uid());
        assertEquals(n.recvQ() + "/" + n.sendQ(), p.recvQ() + "/" + p.sendQ());
        int udpPort = sockets.udpPort();
        SocketQuery udp = SocketQuery.of(Netid.UDP).where(SocketFilter.localPort(udpPort))
                .inFamilies(java.util.EnumSet.of(SocketEntry.Family.INET6));
        assertEquals(SocketInventory.list(udp.from(Source.NETLINK)).getFirst().recvQ(),
                SocketInventory.list(udp.from(Source.PROC)).getFirst().recvQ());
        int v6 = sockets.port(sockets.v6Listener);
        assertEquals("::1", SocketInventory.list(SocketQuery.tcp().where(SocketFilter.localPort(v6)).from(Source.PROC))
                .getFirst().local().address());
    }

    @Test
    void channelAddressesSelectExactlyOneEndOfThePair() throws Exception {
        // what another command (fill) does: find both ends of its own connection from the channels
        var clientAddress = (java.net.InetSocketAddress) sockets.client.getLocalAddress();
        var serverAddress = (java.net.InetSocketAddress) sockets.client.getRemoteAddress();
        // local and peer: Linux reuses an ephemeral port for connections to other destinations
        List<SocketEntry> client = SocketInventory.list(SocketQuery.tcp()
                .where(SocketFilter.local(clientAddress).and(SocketFilter.peer(serverAddress))));
        List<SocketEntry> server = SocketInventory.list(SocketQuery.tcp()
                .where(SocketFilter.local(serverAddress).and(SocketFilter.peer(clientAddress))));
        assertEquals(1, client.size(), client::toString);
        assertEquals(1, server.size(), server::toString);
        assertEquals(sockets.bytesSent, client.getFirst().sendQ() + server.getFirst().recvQ());
    }

    @Test
    void ownersNameThisProcess() throws Exception {
        int port = sockets.port(sockets.fullListener);
        SocketEntry e = one(SocketQuery.tcp().inStates(java.util.EnumSet.of(SocketState.LISTEN))
                .where(SocketFilter.localPort(port)).withOwners(true));
        assertEquals(1, e.owners().size(), e::toString);
        assertEquals(ProcessHandle.current().pid(), e.owners().getFirst().pid());
    }
}
