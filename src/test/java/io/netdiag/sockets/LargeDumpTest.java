package io.netdiag.sockets;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Dumps large enough to fill many of the netlink reader's batches, one after the other: a dump decoded into entries
 * copies its batches into pooled arrays that drain hands back for the next batches of any dump (Netlink.Dump), and
 * the listings must still see every socket, with and without tcp_info (larger messages), the same ones each time.
 */
class LargeDumpTest {
    private static final int CONNECTIONS = 1_200;

    @Test
    void everySocketIsSeenInEachOfSeveralLargeDumps() throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), CONNECTIONS);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            Set<Integer> expected = new TreeSet<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                open.add(client);
                open.add(listener.accept());
                expected.add(((InetSocketAddress) client.getLocalAddress()).getPort());
            }
            for (int round = 0; round < 4; round++) {
                SocketQuery query = SocketQuery.tcp().withInfo(round % 2 == 1);
                Set<Integer> clients = new TreeSet<>();
                int accepted = 0;
                for (SocketEntry e : SocketInventory.list(query)) {
                    if (e.peer().port() == port) {
                        clients.add((int) e.local().port());
                    } else if (e.local().port() == port && !e.listening()) {
                        accepted++;
                    }
                }
                assertEquals(expected, clients, "round " + round + ": the client ends");
                assertEquals(CONNECTIONS, accepted, "round " + round + ": the accepted ends");
            }
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }
}
