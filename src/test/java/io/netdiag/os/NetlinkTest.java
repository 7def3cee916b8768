package io.netdiag.os;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real sock_diag dumps through {@link Netlink.Dump}. The reader thread must see the end of a dump by itself
 * (the trailing NLMSG_DONE, or a leading NLMSG_ERROR): a reader that missed it would wait in recv for ever,
 * and is still alive after {@link Netlink.Dump#close}, or keeps the last chunk to itself, and the drain never returns
 * (the timeout turns that into a failure).
 */
@Timeout(30)
class NetlinkTest {
    private static final int SOCK_DIAG_BY_FAMILY = 20;

    /** struct inet_diag_req_v2 for every TCP socket of {@code family}. */
    private static byte[] tcpRequest(int family) {
        byte[] req = new byte[56];
        req[0] = (byte) family;
        req[1] = (byte) Libc.IPPROTO_TCP;
        NativeBytes.putS32(req, 4, -1); // every state
        return req;
    }

    private static boolean readerAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("netlink-dump") && t.isAlive());
    }

    @Test
    void aDumpEndsOnItsOwnAndListsOurListener() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = listener.getLocalPort();
            int[] messages = new int[1];
            boolean[] found = new boolean[1];
            // Java's socket is AF_INET6 (bound to ::ffff:127.0.0.1) or AF_INET, as the JDK chose: dump both
            for (int family : new int[] {Libc.AF_INET, Libc.AF_INET6}) {
                try (Netlink.Dump dump = Netlink.startDump(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG",
                        SOCK_DIAG_BY_FAMILY, tcpRequest(family), "test dump")) {
                    dump.drain((type, bytes, at, length) -> {
                        messages[0]++;
                        assertEquals(SOCK_DIAG_BY_FAMILY, type);
                        // struct inet_diag_msg: family, state, timer, retrans, then the sockid's big-endian sport
                        if (NativeBytes.be16(bytes, at + 4) == port && NativeBytes.u8(bytes, at + 1) == 10) { // LISTEN
                            found[0] = true;
                        }
                    });
                }
                assertFalse(readerAlive(), "the reader saw NLMSG_DONE and ended");
            }
            assertTrue(messages[0] >= 1);
            assertTrue(found[0], "the listener on port " + port);
        }
    }

    @Test
    void aRefusedDumpEndsWithTheKernelsErrno() {
        // no address family 99: sock_diag answers the request with NLMSG_ERROR (EINVAL) at once
        try (Netlink.Dump dump = Netlink.startDump(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG", SOCK_DIAG_BY_FAMILY,
                tcpRequest(99), "test dump")) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> dump.drain((type, bytes, at, length) -> { }));
            assertEquals(22, e.errno(), e.getMessage()); // EINVAL
        }
        assertFalse(readerAlive(), "the reader saw NLMSG_ERROR and ended");
    }
}
