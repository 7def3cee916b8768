package io.netdiag.fill;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;
import io.netdiag.os.SockaddrCodec;
import io.netdiag.os.StreamSocket;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@code netdiag fill --listen}: a server that accepts connections and never reads (or reads slowly), for
 * another client to be tested against. It reports its own Recv-Q as it grows, one event per change, so
 * that an interrupted run has already said everything.
 */
public final class ListenServer {
    private static final Duration TICK = Duration.ofMillis(100);

    /**
     * One thing the server saw.
     *
     * @param millis since the server started listening
     * @param event  {@code listening}, {@code accepted}, {@code queue} (Recv-Q changed), {@code closed}, {@code end}
     * @param local  the listening or connected address
     * @param peer   the client, or {@code *}
     * @param recvQ  the connection's Recv-Q (bytes received, not read), or -1
     * @param read   bytes this server has read from the connection
     * @param state  the connection's TCP state, or null
     * @param source where recv_q was read ({@code netlink} or {@code ioctl}, as in fill's rows), or null
     */
    public record ListenEvent(double millis, String event, String local, String peer, long recvQ, long read, String state,
                              String source) {
    }

    /**
     * How the server run ended.
     *
     * @param local       the address it listened on
     * @param connections connections accepted
     * @param maxRecvQ    the largest Recv-Q seen
     * @param read        bytes read in all
     */
    public record ListenSummary(String local, int connections, long maxRecvQ, long read) {
    }

    private final QueueProbe probe;

    public ListenServer() {
        this(new SockDiagQueueProbe());
    }

    public ListenServer(QueueProbe probe) {
        this.probe = probe;
    }

    /** Serves until {@code request.duration()} ends (or forever without one); connections are served one at a time. */
    public ListenSummary run(FillRequest request, Consumer<ListenEvent> events) throws ErrnoException {
        Platform.requireLinux("netdiag fill --listen");
        long start = System.nanoTime();
        long deadline = request.duration() == null ? Long.MAX_VALUE : start + request.duration().toNanos();
        int connections = 0;
        long maxRecvQ = 0;
        long read = 0;
        try (StreamSocket listener = StreamSocket.open(SockaddrCodec.family(request.target()))) {
            if (listener.isTcp()) {
                // a restarted server can bind again while old connections linger in TIME_WAIT; a live
                // listener on the port still makes bind fail with EADDRINUSE
                listener.intOption(Libc.SOL_SOCKET, StreamSocket.SO_REUSEADDR, 1, "SO_REUSEADDR");
            }
            if (request.rcvbuf() != null) {
                listener.intOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, request.rcvbuf(), "SO_RCVBUF");
            }
            listener.bind(request.target());
            listener.listen(16);
            String local = SockaddrCodec.text(listener.localAddress());
            // times count from the moment the port accepts connections
            start = System.nanoTime();
            events.accept(new ListenEvent(millis(start), "listening", local, "*", -1, 0, "LISTEN", null));
            while (System.nanoTime() < deadline) {
                StreamSocket connection = listener.accept(left(deadline, TICK));
                if (connection == null) {
                    continue;
                }
                connections++;
                try (connection; ServerReader reader = new ServerReader(connection, request.reader(), System.nanoTime())) {
                    EndpointQueues q = probe.read("server", connection);
                    events.accept(new ListenEvent(millis(start), "accepted", q.local(), q.peer(), q.recvQ(), 0, q.state(),
                            q.source()));
                    long lastRecvQ = q.recvQ();
                    while (System.nanoTime() < deadline) {
                        sleep(left(deadline, TICK));
                        q = probe.read("server", connection);
                        maxRecvQ = Math.max(maxRecvQ, q.recvQ());
                        boolean gone = reader.peerClosed() || (q.tcp() != null && !q.state().equals("ESTABLISHED"));
                        if (q.recvQ() != lastRecvQ || gone) {
                            events.accept(new ListenEvent(millis(start), gone ? "closed" : "queue", q.local(), q.peer(),
                                    q.recvQ(), reader.read(), q.state(), q.source()));
                            lastRecvQ = q.recvQ();
                        }
                        if (gone) {
                            break;
                        }
                    }
                    read += reader.read();
                }
            }
            events.accept(new ListenEvent(millis(start), "end", local, "*", -1, read, null, null));
            return new ListenSummary(local, connections, maxRecvQ, read);
        }
    }

    private static Duration left(long deadline, Duration most) {
        long left = deadline - System.nanoTime();
        return left >= most.toNanos() ? most : Duration.ofNanos(Math.max(0, left));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double millis(long start) {
        return Math.round((System.nanoTime() - start) / 10_000.0) / 100.0;
    }

    /** One line per event, for a terminal or a log. */
    public static String text(ListenEvent e, ReaderPolicy reader) {
        String at = String.format(java.util.Locale.ROOT, "%10.1f ms  ", e.millis());
        return at + switch (e.event()) {
            case "listening" -> "listening on " + e.local() + " (" + (reader instanceof ReaderPolicy.Never ? "never reading"
                    : "reading " + reader) + "; Ctrl-C to stop)";
            case "accepted" -> "accepted " + e.peer() + " -> " + e.local() + (EndpointQueues.NETLINK.equals(e.source())
                    ? "  (queues read as netdiag sockets reads them: netlink sock_diag)"
                    : "  (queues read with ioctl(SIOCINQ): netlink sock_diag not available)");
            case "queue" -> e.peer() + " -> " + e.local() + "  Recv-Q " + FillRenderer.n(e.recvQ())
                    + (e.read() > 0 ? "  read " + FillRenderer.n(e.read()) : "");
            case "closed" -> e.peer() + " closed (" + e.state() + ")  Recv-Q " + FillRenderer.n(e.recvQ())
                    + (e.read() > 0 ? " unread, " + FillRenderer.n(e.read()) + " read" : " never read");
            case "end" -> "stopped; read " + FillRenderer.n(e.read()) + " bytes in all";
            default -> e.event();
        };
    }
}
