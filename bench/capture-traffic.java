// Traffic for bench/capture.sh, run with the JDK's source launcher: java bench/capture-traffic.java MODE ...
//   pingpong PORT ROUNDS      TCP request/response of 100 bytes each way (handshake, data, ACKs, close)
//   udp PORT COUNT            small UDP datagrams as fast as possible
//   udprate PORT RATE SECONDS small UDP datagrams at RATE packets per second
//   http PORT CONNECTIONS     short HTTP/1.1 conversations on fresh client ports: GET, 200 with a small
//                             body, close (about 10 packets each), from two client threads
//   dnstls PORT COUNT KEYSTORE DNS queries and answers over UDP (PORT) interleaved with TLS 1.3 connections
//                             (PORT+1, JDK's TLS, a key from KEYSTORE with password "benchpass") that each
//                             exchange five small requests; COUNT DNS queries, one TLS connection per 20
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
            case "http" -> http(lo, port, Integer.parseInt(args[2]));
            case "dnstls" -> dnsTls(lo, port, Integer.parseInt(args[2]), args[3]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void http(InetAddress lo, int port, int connections) throws Exception {
        try (ServerSocket server = new ServerSocket(port, 200, lo)) {
            Thread accept = Thread.ofPlatform().daemon(true).start(() -> {
                while (true) {
                    try {
                        Socket c = server.accept();
                        Thread.ofVirtual().start(() -> serveHttp(c));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Thread[] clients = new Thread[2];
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < clients.length; t++) {
                clients[t] = Thread.ofPlatform().start(() -> {
                    byte[] buf = new byte[4096];
                    for (int i = next.getAndIncrement(); i < connections; i = next.getAndIncrement()) {
                        try (Socket c = new Socket(lo, port)) {
                            c.getOutputStream().write(("GET /items/" + i + " HTTP/1.1\r\nHost: bench.example\r\nUser-Agent: bench/1\r\n"
                                    + "Accept: */*\r\nConnection: close\r\n\r\n").getBytes());
                            InputStream in = c.getInputStream();
                            while (in.read(buf) >= 0) {
                                // read to the server's FIN
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
            }
            for (Thread t : clients) {
                t.join();
            }
        }
    }

    static void serveHttp(Socket c) {
        try (c) {
            InputStream in = c.getInputStream();
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
            String body = "{\"id\": 1, \"name\": \"bench item\", \"tags\": [\"a\", \"b\"]}\n";
            c.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes());
        } catch (IOException ignored) {
            // the client went away
        }
    }

    static void dnsTls(InetAddress lo, int port, int queries, String keystore) throws Exception {
        char[] password = "benchpass".toCharArray();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore)) {
            ks.load(in, password);
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, password);
        javax.net.ssl.SSLContext serverContext = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        serverContext.init(kmf.getKeyManagers(), null, null);
        javax.net.ssl.TrustManager[] trustAll = {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }};
        javax.net.ssl.SSLContext clientContext = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        clientContext.init(null, trustAll, null);
        try (DatagramSocket dns = new DatagramSocket(port, lo);
             ServerSocket tls = serverContext.getServerSocketFactory().createServerSocket(port + 1, 100, lo)) {
            Thread.ofPlatform().daemon(true).start(() -> {
                byte[] buf = new byte[512];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                while (true) {
                    try {
                        dns.receive(p);
                        byte[] q = java.util.Arrays.copyOf(buf, p.getLength());
                        byte[] a = java.util.Arrays.copyOf(q, q.length + 16);
                        a[2] = (byte) 0x81;
                        a[3] = (byte) 0x80;
                        a[7] = 1; // one answer: a pointer to the question's name, type A, class IN, TTL 60, 127.0.0.1
                        byte[] rr = {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1};
                        System.arraycopy(rr, 0, a, q.length, 16);
                        dns.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Thread.ofPlatform().daemon(true).start(() -> {
                while (true) {
                    try {
                        Socket c = tls.accept();
                        Thread.ofVirtual().start(() -> {
                            try (c) {
                                DataInputStream in = new DataInputStream(c.getInputStream());
                                byte[] b = new byte[64];
                                for (int i = 0; i < 5; i++) {
                                    in.readFully(b);
                                    c.getOutputStream().write(new byte[200]);
                                    c.getOutputStream().flush();
                                }
                            } catch (IOException ignored) {
                                // client gone
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            try (DatagramSocket client = new DatagramSocket()) {
                client.setSoTimeout(2000);
                byte[] answer = new byte[512];
                javax.net.ssl.SSLSocketFactory factory = clientContext.getSocketFactory();
                for (int i = 0; i < queries; i++) {
                    String name = "host" + i + ".bench.example";
                    ByteArrayOutputStream q = new ByteArrayOutputStream();
                    q.write(new byte[] {(byte) (i >> 8), (byte) i, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0});
                    for (String label : name.split("\\.")) {
                        q.write(label.length());
                        q.write(label.getBytes());
                    }
                    q.write(new byte[] {0, 0, 1, 0, 1});
                    client.send(new DatagramPacket(q.toByteArray(), q.size(), lo, port));
                    try {
                        client.receive(new DatagramPacket(answer, answer.length));
                    } catch (SocketTimeoutException e) {
                        // counted as lost; go on
                    }
                    if (i % 20 == 0) {
                        try (Socket s = factory.createSocket(lo, port + 1)) {
                            DataInputStream in = new DataInputStream(s.getInputStream());
                            byte[] reply = new byte[200];
                            for (int k = 0; k < 5; k++) {
                                s.getOutputStream().write(new byte[64]);
                                s.getOutputStream().flush();
                                in.readFully(reply);
                            }
                        }
                    }
                }
            }
        }
    }
}
