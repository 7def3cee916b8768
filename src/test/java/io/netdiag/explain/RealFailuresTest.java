package io.netdiag.explain;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;
import io.netdiag.testing.Host;
import io.netdiag.testing.Namespaces;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real failures provoked on loopback and in a network namespace, fed to the classifier as the JDK reports them. */
class RealFailuresTest {
    private final Classifier classifier = Classifier.standard();
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    @Test
    void connectionRefusedOnAClosedPort() throws IOException {
        int port = closedPort();
        ConnectException e = assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(LOOPBACK, port), 2000);
            }
        });
        Explanation why = classifier.classify(e);
        assertEquals("ECONNREFUSED", why.symbol(), e.toString());
        assertEquals(Category.REFUSED, why.category());
    }

    @Test
    void connectionResetByPeerThatClosesWithLingerZero() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
             Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
            try (Socket accepted = server.accept()) {
                accepted.setSoLinger(true, 0); // close() now sends RST instead of FIN
            }
            client.setSoTimeout(5000);
            InputStream in = client.getInputStream();
            SocketException e = assertThrows(SocketException.class, in::read);
            Explanation why = classifier.classify(e);
            assertEquals("ECONNRESET", why.symbol(), e.toString());
            assertEquals(Category.PEER_GONE, why.category());
        }
    }

    @Test
    void brokenPipeWhenWritingToAClosedPeer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
             SocketChannel client = SocketChannel.open(new InetSocketAddress(LOOPBACK, server.getLocalPort()))) {
            server.accept().close(); // FIN; the first write draws an RST, the next one fails
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    client.write(ByteBuffer.wrap(new byte[1024]));
                    Thread.sleep(5);
                }
            });
            Explanation why = classifier.classify(e);
            assertEquals(Category.PEER_GONE, why.category(), e.toString());
            if (String.valueOf(e.getMessage()).contains("Broken pipe")) {
                assertEquals("EPIPE", why.symbol());
            } else {
                assertEquals("ECONNRESET", why.symbol(), e.toString());
            }
        }
    }

    @Test
    void brokenPipeOnAJavaNetSocket() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
             Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
            server.accept().close();
            OutputStream out = client.getOutputStream();
            SocketException e = assertThrows(SocketException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    out.write(new byte[1024]);
                    Thread.sleep(5);
                }
            });
            Explanation why = classifier.classify(e);
            assertEquals(Category.PEER_GONE, why.category(), e.toString());
            assertTrue(List.of("EPIPE", "ECONNRESET").contains(why.symbol()), why.symbol());
        }
    }

    @Test
    void readTimeoutFromSoTimeout() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
             Socket client = new Socket(LOOPBACK, server.getLocalPort());
             Socket accepted = server.accept()) {
            client.setSoTimeout(100);
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
            Explanation why = classifier.classify(e);
            assertEquals("READ_TIMEOUT", why.symbol(), e.toString());
            assertEquals(Category.TIMEOUT, why.category());
            assertTrue(accepted.isConnected());
        }
    }

    @Test
    void unknownHostIsANameResolutionFailure() {
        UnknownHostException e = assertThrows(UnknownHostException.class, () -> InetAddress.getByName("nonexistent.invalid"));
        Explanation why = classifier.classify(e);
        // With a resolver the answer is NXDOMAIN (EAI_NONAME); without one it is EAI_AGAIN. Both are name resolution.
        assertTrue(why.category() == Category.NAME_PERMANENT || why.category() == Category.NAME_TRANSIENT, why.summary());
        assertTrue(why.symbol().startsWith("EAI_"), why.symbol());
    }

    @Test
    void addressInUseWhenBindingATakenPort() throws IOException {
        try (ServerSocket first = new ServerSocket(0, 1, LOOPBACK)) {
            BindException e = assertThrows(BindException.class, () -> {
                try (ServerSocket second = new ServerSocket()) {
                    second.bind(new InetSocketAddress(LOOPBACK, first.getLocalPort()));
                }
            });
            Explanation why = classifier.classify(e);
            assertEquals("EADDRINUSE", why.symbol(), e.toString());
            assertEquals(Category.LOCAL_CONFIG, why.category());
        }
    }

    @Test
    void udpPortUnreachableComesBackAsRefused() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.connect(new InetSocketAddress(LOOPBACK, port));
            channel.write(ByteBuffer.wrap(new byte[] {1}));
            Thread.sleep(50); // the ICMP port unreachable arrives on the socket's error queue
            PortUnreachableException e = assertThrows(PortUnreachableException.class,
                    () -> channel.read(ByteBuffer.allocate(16)));
            Explanation why = classifier.classify(e);
            assertEquals(Category.REFUSED, why.category(), e.toString());
        }
    }

    @Test
    void icmpDatagramSocketRefusedByPingGroupRangeGetsTheSysctlHint() {
        assumeTrue(Platform.current() == Platform.LINUX);
        String range = Host.run("cat", "/proc/sys/net/ipv4/ping_group_range").out().strip();
        assumeTrue(range.equals("1\t0") || range.equals("1 0"), "ping sockets are allowed here: " + range);
        ErrnoException e = assertThrows(ErrnoException.class, () -> Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM,
                Libc.IPPROTO_ICMP, "socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)"));
        Explanation why = classifier.classify(e);
        assertEquals("EACCES", why.symbol());
        assertEquals(Category.PERMISSION, why.category());
        assertTrue(why.hint().contains("net.ipv4.ping_group_range"), why.hint());
        assertTrue(why.summary().contains("ping_group_range"), why.summary());
    }

    @Test
    void hostUnreachableAndConnectTimeoutThroughARejectAndADropRuleInANamespace() throws Exception {
        assumeTrue(Platform.current() == Platform.LINUX);
        Host.requireRoot("namespaces, raw sockets or capture");
        Host.require("ip", "iptables");
        Namespaces namespaces = new Namespaces("expl");
        int x = freeSubnet();
        String host = "10.200." + x + ".1";
        String peer = "10.200." + x + ".2";
        String hostVeth = "ve" + namespaces.stem();
        try {
            String ns = namespaces.create("a");
            Namespaces.veth(null, hostVeth, ns, "eth0");
            sh("ip", "addr", "add", host + "/24", "dev", hostVeth);
            sh("ip", "netns", "exec", ns, "ip", "addr", "add", peer + "/24", "dev", "eth0");
            sh("ip", "netns", "exec", ns, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", "9", "-j", "REJECT",
                    "--reject-with", "icmp-host-unreachable");
            sh("ip", "netns", "exec", ns, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", "10", "-j", "DROP");
            sh("ip", "netns", "exec", ns, "iptables", "-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-j",
                    "REJECT", "--reject-with", "icmp-admin-prohibited");

            NoRouteToHostException unreachable = assertThrows(NoRouteToHostException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(peer, 9), 5000);
                }
            });
            Explanation why = classifier.classify(unreachable);
            assertEquals("EHOSTUNREACH", why.symbol(), unreachable.toString());
            assertEquals(Category.UNREACHABLE, why.category());

            SocketTimeoutException timeout = assertThrows(SocketTimeoutException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(peer, 10), 300);
                }
            });
            Explanation slow = classifier.classify(timeout);
            assertEquals("CONNECT_TIMEOUT", slow.symbol(), timeout.toString());
            assertEquals(Category.TIMEOUT, slow.category());

            Host.require("ping");
            // iputils prints "From 10.200.X.2 icmp_seq=1 Packet filtered" for ICMP 3/13.
            Host.Run ping = Host.run("ping", "-n", "-c", "1", "-W", "2", peer);
            List<Finding> findings = classifier.scan(ping.out().lines().toList(), Numbering.LINUX);
            assertEquals("ICMP 3/13", findings.getFirst().explanation().symbol(), ping.out());
            assertEquals(Category.PERMISSION, findings.getFirst().explanation().category());
        } finally {
            // deleting the namespace deletes the pair, host end included
            namespaces.close();
        }
    }

    /** A 10.200.X.0/24 that no interface on this host uses yet (other test runs may hold some). */
    private static int freeSubnet() {
        String addresses = Host.run("ip", "-o", "addr", "show").out();
        for (int attempt = 0; attempt < 50; attempt++) {
            int x = 150 + ThreadLocalRandom.current().nextInt(100);
            if (!addresses.contains("10.200." + x + ".")) {
                return x;
            }
        }
        throw new AssertionError("no free 10.200.X.0/24");
    }

    private static void sh(String... command) {
        Host.Run run = Host.run(command);
        assertEquals(0, run.exitCode(), String.join(" ", command) + ": " + run.err());
    }

    @Test
    void unknownFailuresAreOtherNeverNull() {
        Explanation why = classifier.classify(new IllegalStateException("something else"));
        assertInstanceOf(Explanation.class, why);
        assertEquals(Category.OTHER, why.category());
    }
}
