package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import io.netdiag.fill.EndpointQueues;
import io.netdiag.fill.FillExperiment;
import io.netdiag.fill.FillRenderer;
import io.netdiag.fill.FillRequest;
import io.netdiag.fill.FillResult;
import io.netdiag.fill.FillSample;
import io.netdiag.fill.ListenServer;
import io.netdiag.fill.ReaderPolicy;
import io.netdiag.output.Json;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code netdiag fill}: send until the send blocks, and show whose buffer is full. */
final class FillCommand extends BaseCommand {
    boolean ipv6;

    String unix;

    String connect;

    String listen;

    long chunk;

    Long sndbuf;

    Long rcvbuf;

    String reader;

    Long bytes;

    Duration duration;

    Duration hold = Duration.ZERO;

    boolean blocking;

    Duration timeout;

    Duration connectTimeout;

    @Override
    Declare declare() {
        return Declare.command(this, "fill")
                .header("Send until the send blocks, and show whose buffer is full.")
                .description(
                        "Runs the classic experiment: a server accepts a connection and never reads, a client calls send() "
                                + "in non-blocking mode until it fails with EAGAIN. netdiag reports the bytes the kernel accepted, "
                                + "the number of sends and the time to block, SO_SNDBUF and SO_RCVBUF as requested and as the "
                                + "kernel set them, both endpoints' Recv-Q and Send-Q once the queues settle (as netstat rows), "
                                + "and the tcp_info facts that show the cause: the server's advertised window is 0 and the client "
                                + "sends zero-window probes.",
                        "",
                        "By default both ends run here on 127.0.0.1 (::1 with -6, a UNIX stream socket with --unix). "
                                + "--connect runs only the client against a server you suspect of not reading; --listen runs only "
                                + "a never-reading (or slow) server for another client.")
                .declaredOrder()
                .exitCodes(" 0:the configured --bytes were sent and read, or the run ended (--duration, --listen) without the send "
                                + "blocking",
                        " 1:the send blocked (EAGAIN, or the SO_SNDTIMEO time-out), the peer reset or closed the connection, or "
                                + "--connect failed (refused, unreachable, timed out); also EADDRINUSE for a port in use",
                        " 2:bad option values",
                        " 3:not supported on this platform")
                .flag("-6", v -> ipv6 = v, "Local pair on ::1 instead of 127.0.0.1.")
                .option("--unix", "PATH", Accept.unixPath(), v -> unix = v, o -> o.arity("0..1").fallbackValue(""),
                        "Local pair over a UNIX stream socket (at PATH, or a temporary path).")
                .option("--connect", "HOST:PORT", String.class, v -> connect = v,
                        "Run only the client, against this server.")
                .option("--listen", "[HOST:]PORT", String.class, v -> listen = v,
                        "Run only the server (never reading, or per --reader) on this address; prints its Recv-Q as it grows.")
                .option("--chunk", "BYTES", Accept.bytes(1, Integer.MAX_VALUE), v -> chunk = v, o -> o.defaultValue("64k"),
                        "Bytes per send() call: 65536, 64k, 1m (default 64k).")
                .option("--sndbuf", "BYTES", Accept.bytes(1, Integer.MAX_VALUE), v -> sndbuf = v,
                        "SO_SNDBUF for the client (Linux doubles it; turns autotuning off).")
                .option("--rcvbuf", "BYTES", Accept.bytes(1, Integer.MAX_VALUE), v -> rcvbuf = v,
                        "SO_RCVBUF for the server (Linux doubles it; turns autotuning off).")
                .option("--reader", "POLICY", String.class, v -> reader = v, o -> o.defaultValue("never"),
                        "How the server reads: never (the default), rate:BYTES_PER_SECOND (rate:64k), after:DURATION (after:5s).")
                .option("--bytes", "BYTES", Accept.bytes(1, Long.MAX_VALUE), v -> bytes = v,
                        "With a reading server or --connect: send this many bytes through the blocks, until the server "
                                + "has read (or, remote, acknowledged) them all.")
                .option("--duration", "DURATION", Accept.duration(Duration.ofMillis(1), Accept.LONGEST), v -> duration = v,
                        "Stop after this long (a reading server; --listen); by default a reading server without --bytes "
                                + "runs for its delay plus 3s.")
                .option("--hold", "DURATION", Accept.duration(Duration.ZERO, Accept.LONGEST), v -> hold = v,
                        "Keep every socket open this long after the send blocked, to look with ss or a capture.")
                .flag("--blocking", v -> blocking = v,
                        "Blocking sends with SO_SNDTIMEO: a send that hangs, then fails.")
                .option("--timeout", "DURATION", Accept.duration(Duration.ofMillis(1), Accept.LONGEST), v -> timeout = v,
                        o -> o.defaultValue("1s"),
                        "SO_SNDTIMEO for --blocking (default 1s).")
                .option("--connect-timeout", "DURATION", Accept.duration(Duration.ofMillis(1), Accept.LONGEST), v -> connectTimeout = v,
                        o -> o.defaultValue("5s"),
                        "How long --connect waits for the handshake (default 5s).");
    }

    @Override
    int execute() throws Exception {
        FillRequest request = request();
        if (request.mode() == FillRequest.Mode.LISTEN) {
            return listen(request);
        }
        boolean live = !json() && Terminals.interactive();
        // With --hold the report is printed when the hold begins, so that the user (or a script
        // reading the output) learns the ports while the sockets are still open to look at.
        AtomicBoolean reported = new AtomicBoolean();
        FillResult result = new FillExperiment().run(request, observer(live, request, reported));
        if (!reported.get()) {
            print(result, live);
        }
        if (result.completed()) {
            return ExitCodes.OK;
        }
        return result.failure() != null ? ExitCodes.NEGATIVE : ExitCodes.OK;
    }

    private synchronized void print(FillResult result, boolean live) {
        if (live) {
            out().print("\r\033[K");
        }
        out().print(json() ? Json.pretty(result) + "\n" : FillRenderer.text(result));
        out().flush();
    }

    private FillExperiment.Observer observer(boolean live, FillRequest request, AtomicBoolean reported) {
        return new FillExperiment.Observer() {
            private long lastPrint;

            @Override
            public void holding(FillResult soFar) {
                print(soFar, live);
                reported.set(true);
                if (!json()) {
                    EndpointQueues client = soFar.queues().getLast();
                    String look = client.proto().equals("unix") ? "netdiag sockets -xi 'src " + client.peer() + "'"
                            : "netdiag sockets --diagnose --port " + client.peer().replaceAll(".*:", "");
                    out().println("\nholding for " + request.hold().toSeconds() + " s; look with: " + look);
                    out().flush();
                }
            }

            @Override
            public void sample(FillSample s) {
                long now = System.nanoTime();
                if (live && now - lastPrint > 100_000_000L) {
                    lastPrint = now;
                    out().print("\r\033[K" + FillRenderer.status(s));
                    out().flush();
                }
            }
        };
    }

    private int listen(FillRequest request) throws Exception {
        ListenServer.ListenSummary summary = new ListenServer().run(request, event -> {
            out().println(json() ? Json.compact(event) : ListenServer.text(event, request.reader()));
            out().flush();
        });
        return summary == null ? ExitCodes.INTERNAL : ExitCodes.OK;
    }

    FillRequest request() {
        if (connect != null && listen != null) {
            throw NetdiagException.badInput("--connect and --listen exclude each other: run one netdiag for each side");
        }
        if (unix != null && ipv6) {
            throw NetdiagException.badInput("-6 and --unix exclude each other");
        }
        if (unix != null && (connect != null || listen != null)) {
            throw NetdiagException.badInput("--unix runs a local pair; --connect and --listen are for TCP");
        }
        ReaderPolicy policy = ReaderPolicy.parse(reader);
        Long total = bytes;
        Duration runFor = duration;
        FillRequest.Mode mode = connect != null ? FillRequest.Mode.CONNECT
                : listen != null ? FillRequest.Mode.LISTEN : FillRequest.Mode.LOCAL;
        if (mode == FillRequest.Mode.LOCAL && !(policy instanceof ReaderPolicy.Never) && total == null && runFor == null) {
            Duration delay = policy instanceof ReaderPolicy.After(Duration d) ? d : Duration.ZERO;
            runFor = delay.plusSeconds(3);
        }
        Duration holdFor = hold;
        if (mode == FillRequest.Mode.LISTEN && runFor == null && !holdFor.isZero()) {
            runFor = holdFor;
        }
        SocketAddress target = switch (mode) {
            case CONNECT -> hostPort("--connect", connect, false);
            case LISTEN -> hostPort("--listen", listen, true);
            case LOCAL -> localTarget();
        };
        return new FillRequest(mode, target, sndbuf == null ? null : sndbuf.intValue(),
                rcvbuf == null ? null : rcvbuf.intValue(), (int) chunk, blocking, timeout,
                policy, total, runFor, holdFor, connectTimeout);
    }

    private SocketAddress localTarget() {
        if (unix != null) {
            Path path = unix.isEmpty()
                    ? Path.of(System.getProperty("java.io.tmpdir"), "netdiag-fill-" + ProcessHandle.current().pid() + "-"
                    + Long.toHexString(System.nanoTime()) + ".sock")
                    : Path.of(unix);
            return UnixDomainSocketAddress.of(path);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(ipv6 ? "::1" : "127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal address cannot fail to resolve", e);
        }
    }

    /** {@code host:port}, {@code [v6]:port}, or (for --listen) a bare port on every address. */
    private InetSocketAddress hostPort(String option, String text, boolean portAlone) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw NetdiagException.badInput(option + " wants [ADDRESS]:PORT, not '" + text + "'");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        } else if (portAlone && text.matches("\\d+")) {
            host = ipv6 ? "::" : "0.0.0.0";
            port = text;
        } else {
            throw NetdiagException.badInput(option + " wants " + (portAlone ? "[HOST:]PORT" : "HOST:PORT") + ", not '" + text + "'");
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number < 0 || number > 65535 || (number == 0 && !portAlone)) {
            throw NetdiagException.badInput(option + ": not a port number: '" + port + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), number);
        } catch (UnknownHostException e) {
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "cannot resolve '" + host + "'",
                    "netdiag explain EAI_NONAME, or check the name with getent hosts " + host, e);
        }
    }
}
