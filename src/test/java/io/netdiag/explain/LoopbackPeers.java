package io.netdiag.explain;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Misbehaving peers on 127.0.0.1 for the tools to fail against, each on an ephemeral port: a closed port, a server
 * that reads and closes without a word, one that resets, one that never answers, one whose accept queue is full (its
 * SYNs are dropped, so connects time out), one that sends garbage, one that cuts its response short, a plain HTTP
 * server (for TLS clients) and openssl s_server (for plain clients and certificate checks). Everything stops on close.
 */
final class LoopbackPeers implements AutoCloseable {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    final int closed;
    final int closeAtOnce;
    final int reset;
    final int silent;
    final int fullBacklog;
    final int garbage;
    final int truncated;
    final int plainHttp;
    final int tls;
    final Path dir;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Process tlsServer;

    LoopbackPeers() throws IOException {
        dir = Files.createTempDirectory("netdiag-expl-");
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            closed = s.getLocalPort();
        }
        closeAtOnce = serve(c -> {
            readOnce(c);
            close(c);
        });
        reset = serve(c -> {
            readOnce(c);
            try {
                c.setSoLinger(true, 0);
            } catch (IOException e) {
                // closing anyway
            }
            close(c);
        });
        silent = serve(held::add);
        garbage = serve(c -> {
            write(c, "\u0000\u0001garbage\r\nmore garbage\r\n");
            held.add(c);
        });
        truncated = serve(c -> {
            readOnce(c);
            write(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
            close(c);
        });
        plainHttp = serve(c -> {
            readOnce(c);
            write(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            close(c);
        });
        fullBacklog = fullBacklog();
        tlsServer = startTls();
        tls = tlsPort(tlsServer);
    }

    /**
     * A listener with backlog 1 that never accepts, its queue filled (it holds backlog + 1): Linux drops further SYNs,
     * so connects time out. (Java turns a backlog below 1 into 50.)
     */
    private int fullBacklog() throws IOException {
        ServerSocket s = new ServerSocket(0, 1, LOOPBACK);
        resources.add(s);
        InetSocketAddress at = new InetSocketAddress(LOOPBACK, s.getLocalPort());
        for (int i = 0; i < 3; i++) {
            SocketChannel c = SocketChannel.open();
            c.configureBlocking(false);
            c.connect(at);
            resources.add(c);
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Socket probe = new Socket()) {
                probe.connect(at, 300);
            } catch (java.net.SocketTimeoutException e) {
                return s.getLocalPort(); // the SYN was dropped: the queue is full
            }
        }
        throw new IOException("the accept queue of " + at + " does not fill");
    }

    private Process startTls() throws IOException {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost"));
        return new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", cert.toString(), "-key",
                key.toString(), "-www").redirectErrorStream(true).start();
    }

    /** s_server prints "ACCEPT 127.0.0.1:PORT" once it listens. */
    private static int tlsPort(Process server) throws IOException {
        var reader = server.inputReader(StandardCharsets.UTF_8);
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.startsWith("ACCEPT ")) {
                Thread.ofVirtual().start(() -> reader.lines().forEach(l -> { }));
                return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).strip());
            }
        }
        throw new IOException("openssl s_server did not start");
    }

    static void run(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(command + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private int serve(Consumer<Socket> handler) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        resources.add(server);
        Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket c = server.accept();
                    Thread.ofVirtual().start(() -> handler.accept(c));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    /** Reads what the client sent first (a request, a banner, a startup packet), so that closing sends FIN, not RST. */
    private static void readOnce(Socket c) {
        try {
            c.setSoTimeout(2000);
            InputStream in = c.getInputStream();
            byte[] buffer = new byte[65536];
            if (in.read(buffer) > 0) {
                Thread.sleep(50);
                while (in.available() > 0 && in.read(buffer, 0, Math.min(buffer.length, in.available())) > 0) {
                    // drain what else arrived with it
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client gave up first: nothing more to read
        }
    }

    private static void write(Socket c, String text) {
        try {
            c.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            c.getOutputStream().flush();
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void close(Socket c) {
        try {
            c.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        tlsServer.destroy();
        try {
            tlsServer.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket s : held) {
            close(s);
        }
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // closing the rest
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind
        }
    }
}
