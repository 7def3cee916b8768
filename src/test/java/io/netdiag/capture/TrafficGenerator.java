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
            case "http" -> http(Integer.parseInt(args[1]));
            case "dnstcp" -> dnsOverTcp(Integer.parseInt(args[1]));
            case "tls" -> tls(Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]));
            case "tlsreuse" -> tlsPortReuse(Integer.parseInt(args[1]), args[2]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /**
     * HTTP/1.x the way tshark has to follow it across segments: bodies by Content-Length (in one segment,
     * split, 200 kB), chunked (split), until the server's FIN; headers split; media types (text, JSON, XML,
     * octet-stream, none); no body (204, 304, HEAD); two responses in one segment and one that ends in the
     * next; a POST with a form body; pipelined requests; a request split inside its first line. Every write
     * is its own segment: TCP_NODELAY and a pause between writes.
     */
    static void http(int port) throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        java.util.Map<String, String[]> responses = new java.util.LinkedHashMap<>();
        String ok = "HTTP/1.1 200 OK\r\n";
        responses.put("/plain", new String[] {ok + "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"});
        responses.put("/html", new String[] {ok + "Content-Type: text/html; charset=utf-8\r\nContent-Length: 13\r\n\r\n<html></html>"});
        responses.put("/json", new String[] {ok + "Content-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"a\": 1}\n"});
        responses.put("/problem", new String[] {ok + "Content-Type: application/problem+json\r\nContent-Length: 2\r\n\r\n{}"});
        responses.put("/xml", new String[] {ok + "Content-Type: application/xml\r\nContent-Length: 8\r\n\r\n<a>1</a>"});
        responses.put("/bin", new String[] {ok + "Content-Type: application/octet-stream\r\nContent-Length: 3\r\n\r\nabc"});
        responses.put("/upper", new String[] {ok + "Content-Type: TEXT/CSS\r\nContent-Length: 3\r\n\r\na{}"});
        responses.put("/none", new String[] {ok + "Content-Length: 3\r\n\r\nabc"});
        responses.put("/empty", new String[] {"HTTP/1.1 204 No Content\r\n\r\n"});
        responses.put("/notmod", new String[] {"HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n"});
        responses.put("/chunked", new String[] {ok + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
                "lo\r\n3\r\nabc\r\n0\r\n\r\n"});
        responses.put("/headsplit", new String[] {ok + "Content-Ty", "pe: text/plain\r\nContent-Length: 2\r\n\r\nok"});
        responses.put("/bodysplit", new String[] {"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 10\r\n\r\n12345",
                "67890"});
        responses.put("/two", new String[] {ok + "Content-Length: 1\r\n\r\na" + ok + "Content-Length: 1\r\n\r\nb"});
        responses.put("/tail", new String[] {ok + "Content-Length: 1\r\n\r\na" + ok + "Content-Length: 4\r\n\r\nb", "cde"});
        responses.put("/big", new String[] {ok + "Content-Type: image/png\r\nContent-Length: 200000\r\n\r\n", "x".repeat(200_000)});
        try (ServerSocket server = new ServerSocket(port, 50, lo)) {
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    for (int connection = 0; connection < 9; connection++) {
                        try (Socket c = server.accept()) {
                            c.setTcpNoDelay(true);
                            serveHttp(c, responses);
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket c = httpClient(lo, port)) {
                for (String path : responses.keySet()) {
                    send(c, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                    drain(c);
                }
            }
            try (Socket c = httpClient(lo, port)) {
                send(c, "HEAD /plain HTTP/1.1\r\nHost: x\r\n\r\n");
                drain(c);
                send(c, "POST /form HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\n");
                send(c, "a=1&b=2");
                drain(c);
            }
            try (Socket c = httpClient(lo, port)) {
                send(c, "GET /plain HTTP/1.1\r\nHost: x\r\n\r\nGET /html HTTP/1.1\r\nHost: x\r\n\r\n");
                drain(c);
            }
            try (Socket c = httpClient(lo, port)) {
                send(c, "GET /pl");
                send(c, "ain HTTP/1.1\r\nHost: x\r\n\r\n");
                drain(c);
                send(c, "\u0001\u0002 not http");
            }
            // a new connection that starts with something else: binary, text without a line end, a text line
            for (String junk : new String[] {"\u0000\u0001garbage", "hello world", "hello world\r\n"}) {
                try (Socket c = httpClient(lo, port)) {
                    send(c, junk);
                    send(c, "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
                    drain(c);
                }
            }
            try (Socket c = httpClient(lo, port)) {
                send(c, "GET /close HTTP/1.1\r\nHost: x\r\n\r\n");
                c.getInputStream().readAllBytes();
            }
            try (Socket c = httpClient(lo, port)) {
                send(c, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
                drain(c);
            }
            t.join();
        }
    }

    /**
     * DNS over TCP: two queries in one segment, one and a half, the rest, a message whose length prefix
     * is split from it; the server answers each query with one A record.
     */
    static void dnsOverTcp(int port) throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(port, 50, lo)) {
            Thread t = Thread.ofPlatform().start(() -> {
                try (Socket c = server.accept()) {
                    c.setTcpNoDelay(true);
                    java.io.DataInputStream in = new java.io.DataInputStream(c.getInputStream());
                    for (int i = 0; i < 5; i++) {
                        byte[] query = new byte[in.readUnsignedShort()];
                        in.readFully(query);
                        ByteBuffer answer = ByteBuffer.allocate(512);
                        answer.put(query, 0, 2).putShort((short) 0x8180).putShort((short) 1).putShort((short) 1)
                                .putShort((short) 0).putShort((short) 0).put(query, 12, query.length - 12)
                                .putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60)
                                .putShort((short) 4).put(new byte[] {10, 0, 0, (byte) i});
                        ByteBuffer framed = ByteBuffer.allocate(2 + answer.position()).putShort((short) answer.position())
                                .put(answer.array(), 0, answer.position());
                        c.getOutputStream().write(framed.array());
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket c = httpClient(lo, port)) {
                byte[] a = dnsQuery(1, "a.example");
                byte[] b = dnsQuery(2, "b.example");
                byte[] q3 = dnsQuery(3, "c.example");
                byte[] q4 = dnsQuery(4, "d.example");
                byte[] q5 = dnsQuery(5, "e.example");
                write(c, concat(a, b));
                write(c, concat(q3, java.util.Arrays.copyOf(q4, 7)));
                write(c, java.util.Arrays.copyOfRange(q4, 7, q4.length));
                write(c, java.util.Arrays.copyOf(q5, 1));
                write(c, java.util.Arrays.copyOfRange(q5, 1, q5.length));
                drain(c);
            }
            t.join();
        }
    }

    /** A TLS server context with the key pair of {@code keystore} (PKCS#12, password "netdiag"). */
    private static javax.net.ssl.SSLContext serverContext(String keystore) throws Exception {
        char[] password = "netdiag".toCharArray();
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(keystore))) {
            keys.load(in, password);
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        kmf.init(keys, password);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    /** A TLS client context that trusts any certificate (the test's own self-signed one). */
    private static javax.net.ssl.SSLContext trustingClientContext() throws Exception {
        javax.net.ssl.TrustManager[] trustAll = {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }};
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trustAll, null);
        return context;
    }

    /**
     * Two TLS 1.3 connections from the same client port: the server resets each one (SO_LINGER 0) once the client has
     * said "bye", so neither side keeps the four-tuple in TIME_WAIT and the second connection's SYN reuses it.
     */
    static void tlsPortReuse(int port, String keystore) throws Exception {
        javax.net.ssl.SSLContext clientContext = trustingClientContext();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket)
                serverContext(keystore).getServerSocketFactory().createServerSocket(port, 50, lo)) {
            server.setEnabledProtocols(new String[] {"TLSv1.3"});
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 2; i++) {
                        javax.net.ssl.SSLSocket c = (javax.net.ssl.SSLSocket) server.accept();
                        java.io.DataInputStream in = new java.io.DataInputStream(c.getInputStream());
                        in.readFully(new byte[3]);
                        c.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
                        c.getOutputStream().flush();
                        in.readFully(new byte[3]);
                        c.setSoLinger(true, 0);
                        c.close();
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            int clientPort = 0;
            for (int i = 0; i < 2; i++) {
                Socket raw = reuseConnect(lo, clientPort, port);
                clientPort = raw.getLocalPort();
                javax.net.ssl.SSLSocket c = (javax.net.ssl.SSLSocket)
                        clientContext.getSocketFactory().createSocket(raw, "localhost", port, true);
                c.setTcpNoDelay(true);
                c.getOutputStream().write("GET".getBytes(StandardCharsets.US_ASCII));
                c.getOutputStream().flush();
                new java.io.DataInputStream(c.getInputStream()).readFully(new byte[2]);
                c.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                c.getOutputStream().flush();
                try {
                    while (c.getInputStream().read() >= 0) {
                        // until the server's reset
                    }
                } catch (java.io.IOException reset) {
                    // the reset this scenario is made of
                }
                try {
                    c.close();
                } catch (java.io.IOException reset) {
                    // close_notify to a reset connection
                } finally {
                    raw.close();
                }
            }
            t.join();
        }
    }

    /**
     * A socket bound to {@code localPort} (0: any) and connected to {@code port}. The first connection's reset may
     * still be on its way when the second binds its port again ("Cannot assign requested address"): a few tries.
     */
    private static Socket reuseConnect(InetAddress lo, int localPort, int port) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Socket raw = new Socket();
            try {
                raw.setReuseAddress(true);
                raw.bind(new InetSocketAddress(lo, localPort));
                raw.connect(new InetSocketAddress(lo, port));
                return raw;
            } catch (java.net.BindException | java.net.ConnectException e) {
                raw.close();
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * TLS from the JDK: a TLS 1.3 connection carrying 100 kB, then a TLS 1.2 one whose client writes each
     * record in two segments (the first {@code split} bytes, then the rest), so that every record spans two.
     * {@code keystore} is a PKCS#12 file with password "netdiag".
     */
    static void tls(int port, String keystore, int split) throws Exception {
        javax.net.ssl.SSLContext serverContext = serverContext(keystore);
        javax.net.ssl.SSLContext clientContext = trustingClientContext();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket)
                serverContext.getServerSocketFactory().createServerSocket(port, 50, lo)) {
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    for (String version : new String[] {"TLSv1.3", "TLSv1.2"}) {
                        server.setEnabledProtocols(new String[] {version});
                        try (javax.net.ssl.SSLSocket c = (javax.net.ssl.SSLSocket) server.accept()) {
                            c.setTcpNoDelay(true);
                            byte[] request = new byte[3];
                            new java.io.DataInputStream(c.getInputStream()).readFully(request);
                            c.getOutputStream().write(version.equals("TLSv1.3") ? new byte[100_000] : "ok".getBytes(StandardCharsets.US_ASCII));
                            c.getOutputStream().flush();
                            Thread.sleep(100);
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (javax.net.ssl.SSLSocket c = (javax.net.ssl.SSLSocket) clientContext.getSocketFactory().createSocket(lo, port)) {
                c.setTcpNoDelay(true);
                c.getOutputStream().write("GET".getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[65536];
                long total = 0;
                while (total < 100_000) {
                    int n = c.getInputStream().read(buf);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
            }
            try (Socket raw = new Socket(lo, port)) {
                raw.setTcpNoDelay(true);
                javax.net.ssl.SSLEngine engine = clientContext.createSSLEngine("localhost", port);
                engine.setUseClientMode(true);
                engine.setEnabledProtocols(new String[] {"TLSv1.2"});
                splitRecordsClient(engine, raw, split);
            }
            t.join();
        }
    }

    /** Drives a TLS client engine over a plain socket, writing every record in two segments; sends GET, reads. */
    private static void splitRecordsClient(javax.net.ssl.SSLEngine engine, Socket raw, int split) throws Exception {
        int size = engine.getSession().getPacketBufferSize();
        ByteBuffer out = ByteBuffer.allocate(size);
        ByteBuffer in = ByteBuffer.allocate(size * 4);
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 4);
        ByteBuffer request = ByteBuffer.wrap("GET".getBytes(StandardCharsets.US_ASCII));
        raw.setSoTimeout(2000);
        engine.beginHandshake();
        boolean sent = false;
        while (true) {
            javax.net.ssl.SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            } else if (hs == javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_WRAP
                    || (hs == javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && !sent)) {
                out.clear();
                engine.wrap(hs == javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING ? request : ByteBuffer.allocate(0), out);
                sent |= hs == javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
                out.flip();
                byte[] bytes = new byte[out.remaining()];
                out.get(bytes);
                if (bytes.length > split) {
                    raw.getOutputStream().write(bytes, 0, split);
                    Thread.sleep(30);
                    raw.getOutputStream().write(bytes, split, bytes.length - split);
                } else {
                    raw.getOutputStream().write(bytes);
                }
                Thread.sleep(30);
            } else {
                // NEED_UNWRAP, or done and waiting for the answer
                in.flip();
                javax.net.ssl.SSLEngineResult r = engine.unwrap(in, app);
                in.compact();
                if (r.getStatus() == javax.net.ssl.SSLEngineResult.Status.BUFFER_UNDERFLOW || (r.bytesConsumed() == 0
                        && engine.getHandshakeStatus() == javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING)) {
                    byte[] buf = new byte[size];
                    int n;
                    try {
                        n = raw.getInputStream().read(buf);
                    } catch (java.net.SocketTimeoutException e) {
                        return;
                    }
                    if (n < 0) {
                        return;
                    }
                    in.put(buf, 0, n);
                }
                if (sent && app.position() >= 2) {
                    return;
                }
            }
        }
    }

    /** A standard query for an A record, behind its two-byte length. */
    private static byte[] dnsQuery(int id, String name) {
        ByteBuffer m = ByteBuffer.allocate(100);
        m.putShort((short) 0).putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0);
        for (String label : name.split("\\.")) {
            m.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
        }
        m.put((byte) 0).putShort((short) 1).putShort((short) 1);
        m.putShort(0, (short) (m.position() - 2));
        return java.util.Arrays.copyOf(m.array(), m.position());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static void write(Socket c, byte[] bytes) throws Exception {
        c.getOutputStream().write(bytes);
        Thread.sleep(40);
    }

    private static Socket httpClient(InetAddress lo, int port) throws Exception {
        Socket c = new Socket(lo, port);
        c.setTcpNoDelay(true);
        c.setSoTimeout(300);
        return c;
    }

    private static void send(Socket c, String text) throws Exception {
        c.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        Thread.sleep(40);
    }

    /** Reads what the server sent until it pauses. */
    private static void drain(Socket c) throws Exception {
        byte[] buf = new byte[65536];
        try {
            while (c.getInputStream().read(buf) > 0) {
                // keep reading until the server is quiet
            }
        } catch (java.net.SocketTimeoutException quiet) {
            // done
        }
    }

    private static void serveHttp(Socket c, java.util.Map<String, String[]> responses) throws Exception {
        InputStream in = c.getInputStream();
        OutputStream out = c.getOutputStream();
        StringBuilder pending = new StringBuilder();
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) > 0) {
            pending.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            int end;
            while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
                String head = pending.substring(0, end);
                int length = head.contains("Content-Length: 7") ? 7 : 0;
                while (pending.length() < end + 4 + length && (n = in.read(buf)) > 0) {
                    pending.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
                pending.delete(0, end + 4 + length);
                java.util.regex.Matcher request = java.util.regex.Pattern.compile("(GET|HEAD|POST) (\\S+) HTTP").matcher(head);
                if (!request.find()) {
                    continue;
                }
                String[] words = {request.group(1), request.group(2)};
                if (words[0].equals("HEAD")) {
                    out.write((("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 50\r\n\r\n"))
                            .getBytes(StandardCharsets.ISO_8859_1));
                } else if (words[0].equals("POST")) {
                    out.write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } else if (words[1].equals("/close")) {
                    out.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil".getBytes(StandardCharsets.ISO_8859_1));
                    Thread.sleep(40);
                    out.write(" close".getBytes(StandardCharsets.ISO_8859_1));
                    Thread.sleep(40);
                    return;
                } else {
                    for (String part : responses.get(words[1])) {
                        out.write(part.getBytes(StandardCharsets.ISO_8859_1));
                        Thread.sleep(40);
                    }
                }
            }
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
