package io.netdiag.sockets;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnerMapTest {
    @Test
    void sortKeepsEqualInodesInTheirOrder() {
        long[] keys = {30, 10, 20, 10, 30, 5, 10};
        assertArrayEquals(new int[] {5, 1, 3, 6, 2, 0, 4}, OwnerMap.sortedByInode(keys));
        assertArrayEquals(new int[0], OwnerMap.sortedByInode(new long[0]));
        assertArrayEquals(new int[] {0}, OwnerMap.sortedByInode(new long[] {7}));
    }

    @Test
    void findsThisProcessAsTheOwnerOfItsListener() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SocketEntry entry = SocketInventory.list(SocketQuery.tcp()).stream()
                    .filter(e -> e.listening() && e.local().port() == listener.getLocalPort())
                    .findFirst().orElseThrow();
            OwnerMap map = OwnerMap.read();
            List<Owner> owners = map.owners(entry.inode());
            assertEquals(1, owners.size(), owners::toString);
            assertEquals(ProcessHandle.current().pid(), owners.getFirst().pid());
            assertTrue(owners.getFirst().fd() >= 0);
            assertTrue(map.size() > 0);
            assertEquals(List.of(), map.owners(0));
            assertEquals(List.of(), map.owners(Long.MAX_VALUE));
        }
    }
}
