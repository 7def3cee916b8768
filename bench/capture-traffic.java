// Traffic for bench/capture.sh, run with the JDK's source launcher: java bench/capture-traffic.java MODE ...
//   pingpong PORT ROUNDS      TCP request/response of 100 bytes each way (handshake, data, ACKs, close)
//   udp PORT COUNT            small UDP datagrams as fast as possible
//   udprate PORT RATE SECONDS small UDP datagrams at RATE packets per second
import java.io.*;
import java.net.*;

public class CaptureTraffic {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        switch (args[0]) {
            case "pingpong" -> {
                int rounds = Integer.parseInt(args[2]);
                try (ServerSocket server = new ServerSocket(port, 5, lo)) {
                    Thread t = Thread.ofPlatform().start(() -> {
                        try (Socket c = server.accept()) {
                            c.setTcpNoDelay(true);
                            DataInputStream in = new DataInputStream(c.getInputStream());
                            OutputStream out = c.getOutputStream();
                            byte[] buf = new byte[100];
                            for (int i = 0; i < rounds; i++) {
                                in.readFully(buf);
                                out.write(buf);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    try (Socket c = new Socket(lo, port)) {
                        c.setTcpNoDelay(true);
                        DataInputStream in = new DataInputStream(c.getInputStream());
                        OutputStream out = c.getOutputStream();
                        byte[] buf = new byte[100];
                        for (int i = 0; i < rounds; i++) {
                            out.write(buf);
                            in.readFully(buf);
                        }
                    }
                    t.join();
                }
            }
            case "udp" -> {
                long count = Long.parseLong(args[2]);
                try (DatagramSocket u = new DatagramSocket()) {
                    DatagramPacket p = new DatagramPacket(new byte[32], 32, lo, port);
                    for (long i = 0; i < count; i++) {
                        u.send(p);
                    }
                }
            }
            case "udprate" -> {
                long rate = Long.parseLong(args[2]);
                long seconds = Long.parseLong(args[3]);
                try (DatagramSocket u = new DatagramSocket()) {
                    DatagramPacket p = new DatagramPacket(new byte[32], 32, lo, port);
                    long start = System.nanoTime();
                    long sent = 0;
                    long total = rate * seconds;
                    while (sent < total) {
                        long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                        while (sent < due && sent < total) {
                            u.send(p);
                            sent++;
                        }
                        Thread.onSpinWait();
                    }
                    double took = (System.nanoTime() - start) / 1e9;
                    System.err.printf("offered %d packets in %.2f s (%.0f/s)%n", sent, took, sent / took);
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
