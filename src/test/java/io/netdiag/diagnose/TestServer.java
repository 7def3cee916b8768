package io.netdiag.diagnose;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP server for the namespace tests, started inside a namespace: {@code MODE ADDRESS}. Prints
 * {@code port N} once listening, then serves until killed. Modes: accept (accepts and holds), reset (accepts,
 * then closes with a RST), full (backlog 1, never accepts, and fills its own accept queue with two connections),
 * banner (speaks first), udp (echoes datagrams).
 */
public final class TestServer {
    private TestServer() {
    }

    public static void main(String[] args) throws IOException {
        String mode = args[0];
        InetAddress bind = InetAddress.getByName(args[1]);
        if (mode.equals("udp")) {
            echoDatagrams(bind);
            return;
        }
        List<Socket> held = new ArrayList<>();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(bind, 0), mode.equals("full") ? 1 : 50);
            int port = server.getLocalPort();
            if (mode.equals("full")) {
                for (int i = 0; i < 2; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(bind, port), 2000);
                    held.add(s);
                }
            }
            System.out.println("port " + port);
            System.out.flush();
            if (mode.equals("full")) {
                while (true) {
                    sleep();
                }
            }
            while (true) {
                Socket s = server.accept();
                if (mode.equals("reset")) {
                    s.setSoLinger(true, 0);
                    s.close();
                } else {
                    held.add(s);
                    if (mode.equals("banner")) {
                        OutputStream out = s.getOutputStream();
                        out.write("220 diag.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            }
        }
    }

    /** Answers every datagram with its own bytes. */
    private static void echoDatagrams(InetAddress bind) throws IOException {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(new InetSocketAddress(bind, 0))) {
            System.out.println("port " + socket.getLocalPort());
            System.out.flush();
            byte[] buffer = new byte[2048];
            while (true) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(buffer, buffer.length);
                socket.receive(p);
                socket.send(new java.net.DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
