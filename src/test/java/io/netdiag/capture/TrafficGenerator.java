package io.netdiag.capture;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Real traffic for the capture tests, run as its own process inside a test's network namespace
 * ({@code ip netns exec NS java -cp ... io.netdiag.capture.TrafficGenerator SCENARIO}).
 */
public final class TrafficGenerator {
    private TrafficGenerator() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "basic" -> basic();
            case "zerowindow" -> zeroWindow();
            case "bulk" -> bulk(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "udp" -> udpBurst(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "bigudp" -> bigUdp();
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Handshakes, an HTTP-like exchange, UDP, a DNS query and answer, a reset after data, IPv6, port reuse. */
    static void basic() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(18080, 50, lo)) {
            Thread t = Thread.ofPlatform().start(() -> {
                try (Socket c = server.accept()) {
                    byte[] buf = new byte[1000];
                    int n = c.getInputStream().read(buf);
                    if (n > 0) {
                        c.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket c = new Socket(lo, 18080)) {
                c.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                c.getInputStream().readAllBytes();
            }
            t.join();
        }
        pause();
        // UDP to a listener, then to a closed port (ICMP port unreachable)
        try (DatagramSocket listener = new DatagramSocket(new InetSocketAddress(lo, 19090));
             DatagramSocket u = new DatagramSocket()) {
            u.send(new DatagramPacket("hello udp".getBytes(StandardCharsets.US_ASCII), 9, lo, 19090));
            listener.receive(new DatagramPacket(new byte[100], 100));
            u.send(new DatagramPacket("x".getBytes(StandardCharsets.US_ASCII), 1, lo, 9999));
        }
        pause();
        // a DNS query and its answer on port 53
        try (DatagramSocket dns = new DatagramSocket(new InetSocketAddress(lo, 53)); DatagramSocket q = new DatagramSocket()) {
            ByteBuffer query = ByteBuffer.allocate(100);
            query.putShort((short) 0x1234).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
            query.put(new byte[] {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0}).putShort((short) 1).putShort((short) 1);
            q.send(new DatagramPacket(query.array(), query.position(), lo, 53));
            DatagramPacket in = new DatagramPacket(new byte[512], 512);
            dns.receive(in);
            ByteBuffer answer = ByteBuffer.allocate(200);
            answer.putShort((short) 0x1234).putShort((short) 0x8180).putShort((short) 1).putShort((short) 1).putShort((short) 0).putShort((short) 0);
            answer.put(new byte[] {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0}).putShort((short) 1).putShort((short) 1);
            answer.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(300).putShort((short) 4).put(new byte[] {93, (byte) 184, (byte) 216, 34});
            dns.send(new DatagramPacket(answer.array(), answer.position(), in.getSocketAddress()));
            q.receive(new DatagramPacket(new byte[512], 512));
            // a name that does not exist
            query.putShort(0, (short) 0x4321);
            q.send(new DatagramPacket(query.array(), query.position(), lo, 53));
            dns.receive(in);
            ByteBuffer nx = ByteBuffer.wrap(query.array().clone(), 0, query.position());
            nx.putShort(2, (short) 0x8183);
            dns.send(new DatagramPacket(nx.array(), query.position(), in.getSocketAddress()));
        }
        pause();
        // the server closes with unread data: the kernel resets the connection
        try (ServerSocket server = new ServerSocket(18081, 50, lo); Socket c = new Socket(lo, 18081)) {
            Socket accepted = server.accept();
            c.getOutputStream().write(new byte[300]);
            Thread.sleep(50);
            accepted.close();
            Thread.sleep(50);
        }
        pause();
        // IPv6
        InetAddress lo6 = InetAddress.getByName("::1");
        try (ServerSocket server = new ServerSocket(18082, 50, lo6); Socket c = new Socket(lo6, 18082)) {
            Socket accepted = server.accept();
            c.getOutputStream().write("0123456789".getBytes(StandardCharsets.US_ASCII));
            accepted.getInputStream().readNBytes(10);
            c.shutdownOutput();
            accepted.getInputStream().read();
            accepted.close();
            c.getInputStream().read();
        }
        try (DatagramSocket u = new DatagramSocket()) {
            u.send(new DatagramPacket(new byte[20], 20, lo6, 9998));
        }
        pause();
        // the same client port twice: the server closes first, so the port can be reused at once
        try (ServerSocket server = new ServerSocket(18083, 50, lo)) {
            for (int i = 0; i < 2; i++) {
                try (Socket c = new Socket()) {
                    c.setReuseAddress(true);
                    c.bind(new InetSocketAddress(lo, 38083));
                    c.connect(new InetSocketAddress(lo, 18083));
                    Socket accepted = server.accept();
                    c.getOutputStream().write(new byte[] {1, 2, 3});
                    accepted.getInputStream().readNBytes(3);
                    accepted.close();
                    c.getInputStream().read();
                }
                pause();
            }
        }
    }

    /** A server that never reads: the client fills both buffers until the window is zero, then probes. */
    static void zeroWindow() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(lo, 18090));
            try (SocketChannel client = SocketChannel.open()) {
                client.setOption(StandardSocketOptions.SO_SNDBUF, 8192);
                client.connect(new InetSocketAddress(lo, 18090));
                Socket accepted = server.accept();
                // keep-alives on an idle connection next to it
                Socket idle = new Socket();
                idle.setKeepAlive(true);
                idle.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, 1);
                idle.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 1);
                idle.connect(new InetSocketAddress(lo, 18090));
                Socket idleAccepted = server.accept();
                client.configureBlocking(false);
                ByteBuffer chunk = ByteBuffer.allocate(1000);
                long deadline = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < deadline) {
                    chunk.clear();
                    if (client.write(chunk) == 0) {
                        Thread.sleep(20);
                    }
                }
                // the reader wakes up: window updates, then the rest flows
                InputStream in = accepted.getInputStream();
                byte[] buf = new byte[65536];
                long until = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < until && in.available() > 0) {
                    in.read(buf);
                }
                Thread.sleep(100);
                idle.close();
                idleAccepted.close();
                accepted.close();
            }
        }
    }

    /** A bulk transfer (for the loss scenario: drops come from an nft rule around it). */
    static void bulk(int port, int bytes) throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(port, 50, lo)) {
            Thread t = Thread.ofPlatform().start(() -> {
                try (Socket c = server.accept()) {
                    c.getInputStream().readAllBytes();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket c = new Socket(lo, port)) {
                OutputStream out = c.getOutputStream();
                byte[] chunk = new byte[1400];
                for (int sent = 0; sent < bytes; sent += chunk.length) {
                    out.write(chunk);
                }
            }
            t.join();
        }
    }

    /** Datagrams larger than the MTU, over IPv4 and IPv6: fragments, then the reassembled datagram. */
    static void bigUdp() throws Exception {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            InetAddress lo = InetAddress.getByName(host);
            try (DatagramSocket listener = new DatagramSocket(new InetSocketAddress(lo, 19095)); DatagramSocket u = new DatagramSocket()) {
                u.send(new DatagramPacket(new byte[4000], 4000, lo, 19095));
                listener.receive(new DatagramPacket(new byte[5000], 5000));
                u.send(new DatagramPacket(new byte[3000], 3000, lo, 9996));
            }
            pause();
        }
    }

    /** UDP datagrams at a rate, for live capture and the benchmark. */
    static void udpBurst(int port, int count) throws Exception {
        try (DatagramSocket u = new DatagramSocket()) {
            byte[] payload = new byte[32];
            DatagramPacket p = new DatagramPacket(payload, payload.length, InetAddress.getByName("127.0.0.1"), port);
            for (int i = 0; i < count; i++) {
                u.send(p);
            }
        }
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(30);
    }
}
