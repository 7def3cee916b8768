package io.netdiag.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for traffic that a test compares with tshark's reading of it: 37100-41100, where tshark decodes nothing by
 * port number. An ephemeral port can be one it does (41170 is MANOLITO's, 44818 EtherNet/IP's), and tshark then
 * prints that protocol where netdiag prints UDP or TCP (native-notes/capture.md). Each socket is bound to a free
 * port of the range, tried from a random start.
 */
public final class QuietPorts {
    public static final int FIRST = 37100;
    public static final int LAST = 41100;

    private QuietPorts() {
    }

    /** A port of the range, not checked for being free (a destination nothing listens on). */
    public static int any() {
        return ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
    }

    private interface Binder<T> {
        T bind(int port) throws IOException;
    }

    private static <T> T bound(Binder<T> binder) throws IOException {
        int span = LAST - FIRST + 1;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            try {
                return binder.bind(FIRST + (start + i) % span);
            } catch (BindException taken) {
                // the next one
            }
        }
        throw new BindException("no free port in " + FIRST + "-" + LAST);
    }

    /** A UDP socket on {@code address} (the wildcard when null, which sends to IPv4 and IPv6 alike). */
    public static DatagramSocket udp(InetAddress address) throws IOException {
        return bound(port -> new DatagramSocket(new InetSocketAddress(address, port)));
    }

    /** A listening TCP socket on {@code address}. */
    public static ServerSocket tcpServer(InetAddress address, int backlog) throws IOException {
        return bound(port -> new ServerSocket(port, backlog, address));
    }

    /** A TCP connection to {@code target} from a port of the range on {@code local}. */
    public static Socket tcpClient(InetAddress local, InetSocketAddress target) throws IOException {
        return bound(port -> {
            Socket s = new Socket();
            try {
                s.bind(new InetSocketAddress(local, port));
                s.connect(target, 10_000);
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        });
    }
}
