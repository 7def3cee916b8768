package io.netdiag.fill;

import io.netdiag.os.Libc;
import io.netdiag.os.StreamSocket;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe on a connection that its client resets: netlink while the kernel lists it, the ioctls after. */
class SockDiagQueueProbeTest {
    @Test
    void aResetSocketLeavesSockDiagAndIsReadByIoctlWithANote() throws Exception {
        try (StreamSocket listener = StreamSocket.open(Libc.AF_INET)) {
            listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            listener.listen(4);
            InetSocketAddress at = (InetSocketAddress) listener.localAddress();
            SockDiagQueueProbe probe = new SockDiagQueueProbe();
            StreamSocket server;
            try (Socket client = new Socket(at.getAddress(), at.getPort())) {
                server = listener.accept(Duration.ofSeconds(5));
                assertNotNull(server);
                client.getOutputStream().write(new byte[1000]);
                Thread.sleep(100);
                EndpointQueues before = probe.read("server", server);
                assertEquals("netlink", before.source(), before::toString);
                assertEquals("ESTABLISHED", before.state(), before::toString);
                assertEquals(1000, before.recvQ(), before::toString);
                assertEquals(server.receiveQueue(), before.recvQ(), "the same counter as SIOCINQ");
                client.setSoLinger(true, 0); // close with linger 0: an RST
            }
            try (server) {
                Thread.sleep(100);
                // the server's ends now match no connection, and the kernel's lookup answers with the listener on
                // that port instead: the probe must not take the listener's row for the connection's
                EndpointQueues after = probe.read("server", server);
                assertEquals("ioctl", after.source(), after::toString);
                assertEquals("CLOSE", after.state(), after::toString);
                assertEquals(null, probe.fallbackReason(), "netlink itself still works");
                List<EndpointQueues> rows = List.of(after);
                assertEquals("ioctl", QueueSource.of(rows));
                assertTrue(QueueSource.note(rows, null).startsWith("server not listed by sock_diag"), QueueSource.note(rows, null));
            }
        }
    }
}
