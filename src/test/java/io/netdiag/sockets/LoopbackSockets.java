package io.netdiag.sockets;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real sockets on loopback with known queues, opened by the tests: a TCP listener whose accept queue is
 * full, a connected pair whose server never reads while the client sent until blocked, a UDP socket with
 * unread datagrams, and UNIX stream sockets with unread bytes.
 */
final class LoopbackSockets implements AutoCloseable {
    static final int BACKLOG = 2;
    static final int DATAGRAMS = 3;
    static final int UNIX_BYTES = 777;

    final List<AutoCloseable> open = new ArrayList<>();
    final ServerSocketChannel fullListener;
    final ServerSocketChannel pairListener;
    final SocketChannel client;
    final SocketChannel server;
    final long bytesSent;
    final DatagramChannel udp;
    final ServerSocketChannel unixListener;
    final SocketChannel unixClient;
    final SocketChannel unixServer;
    final Path unixPath;
    final ServerSocketChannel v6Listener;

    LoopbackSockets() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        fullListener = keep(ServerSocketChannel.open()).bind(new InetSocketAddress(lo, 0), BACKLOG);
        for (int i = 0; i < BACKLOG + 1; i++) {
            keep(SocketChannel.open(fullListener.getLocalAddress())); // a backlog of N holds N+1 here
        }
        pairListener = keep(ServerSocketChannel.open()).bind(new InetSocketAddress(lo, 0), 8);
        client = keep(SocketChannel.open(pairListener.getLocalAddress()));
        server = keep(pairListener.accept());
        client.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long sent = 0;
        int idle = 0;
        // send until the kernel refuses more: both queues then stay where they are
        while (idle < 20) {
            chunk.clear();
            int n = client.write(chunk);
            sent += n;
            if (n == 0) {
                idle++;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } else {
                idle = 0;
            }
        }
        bytesSent = sent;
        udp = keep(DatagramChannel.open()).bind(new InetSocketAddress(lo, 0));
        try (DatagramChannel sender = DatagramChannel.open()) {
            for (int i = 0; i < DATAGRAMS; i++) {
                sender.send(ByteBuffer.allocate(100), udp.getLocalAddress());
            }
        }
        unixPath = Files.createTempDirectory("ndsock").resolve("s.sock");
        unixListener = keep(ServerSocketChannel.open(StandardProtocolFamily.UNIX)).bind(UnixDomainSocketAddress.of(unixPath), 4);
        unixClient = keep(SocketChannel.open(UnixDomainSocketAddress.of(unixPath)));
        unixServer = keep(unixListener.accept());
        unixClient.write(ByteBuffer.allocate(UNIX_BYTES));
        v6Listener = keep(ServerSocketChannel.open(StandardProtocolFamily.INET6)).bind(new InetSocketAddress("::1", 0), 5);
        settle();
    }

    /** Loopback delivers at once, but give ACKs and window updates a moment to finish. */
    static void settle() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int port(ServerSocketChannel c) throws IOException {
        return ((InetSocketAddress) c.getLocalAddress()).getPort();
    }

    int port(SocketChannel c) throws IOException {
        return ((InetSocketAddress) c.getLocalAddress()).getPort();
    }

    int udpPort() throws IOException {
        return ((InetSocketAddress) udp.getLocalAddress()).getPort();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        Files.deleteIfExists(unixPath);
        Files.deleteIfExists(unixPath.getParent());
    }
}
