package io.netdiag.fill;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;
import io.netdiag.os.SockaddrCodec;
import io.netdiag.os.StreamSocket;
import io.netdiag.sockets.TcpInfo;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The send-until-blocked experiment: a client sends fixed-size chunks until send() fails with EAGAIN
 * (or, with {@code --blocking}, hangs until SO_SNDTIMEO), then the engine waits for the queues to settle
 * and reads both endpoints' Recv-Q and Send-Q and the client's tcp_info. In local mode it also owns the
 * server, whose reader policy decides whether the window ever opens again.
 */
public final class FillExperiment {
    /** Receives samples as they are taken (live progress) and the settled queues (tests compare them with ss). */
    public interface Observer {
        default void sample(FillSample sample) {
        }

        /** Called once the queues are stable, with the sockets still open. */
        default void settled(List<EndpointQueues> queues) {
        }

        /** Called before {@code --hold} starts, with the result as it stands (for a report if the user interrupts). */
        default void holding(FillResult soFar) {
        }
    }

    public static final Observer QUIET = new Observer() {
    };

    /** How long the queues may take to settle after the block (ACKs, the persist timer's first probe). */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(3);
    /** How long to wait for the first zero-window probe after the block (RTO 200 ms, then back-off). */
    private static final Duration PROBE_WAIT = Duration.ofMillis(1500);
    /** How long a reader may take to drain what was sent, once sending is done. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

    private final QueueProbe probe;

    /** Reads the queues as {@code netdiag sockets} does (netlink sock_diag), with the ioctls as its fallback. */
    public FillExperiment() {
        this(new SockDiagQueueProbe());
    }

    public FillExperiment(QueueProbe probe) {
        this.probe = probe;
    }

    /** Runs a local pair or a client against {@code --connect}; failures to set up throw, send failures are results. */
    public FillResult run(FillRequest request, Observer observer) throws ErrnoException {
        Platform.requireLinux("netdiag fill");
        return switch (request.mode()) {
            case LOCAL -> local(request, observer);
            case CONNECT -> connect(request, observer);
            case LISTEN -> throw new IllegalArgumentException("--listen runs through ListenServer");
        };
    }

    private FillResult local(FillRequest r, Observer observer) throws ErrnoException {
        int family = SockaddrCodec.family(r.target());
        Path unixPath = r.target() instanceof UnixDomainSocketAddress u ? u.getPath() : null;
        StreamSocket listener = null;
        StreamSocket client = null;
        StreamSocket server = null;
        boolean bound = false;
        try {
            listener = StreamSocket.open(family);
            if (r.rcvbuf() != null) {
                // set before listen(): the accepted socket inherits it, and the window scale is chosen from it
                listener.intOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, r.rcvbuf(), "SO_RCVBUF");
            }
            listener.bind(r.target());
            bound = true;
            listener.listen(1);
            client = StreamSocket.open(family);
            if (r.sndbuf() != null) {
                client.intOption(Libc.SOL_SOCKET, Libc.SO_SNDBUF, r.sndbuf(), "SO_SNDBUF");
            }
            client.connect(listener.localAddress(), r.connectTimeout());
            server = listener.accept(Duration.ofSeconds(5));
            if (server == null) {
                throw new NetdiagException(NetdiagException.Kind.INTERNAL, "the local listener did not accept the connection");
            }
            // the listener has done its job; closing it now means no listener can leak whatever happens next
            listener.close();
            return new Run(r, observer, client, server).execute();
        } finally {
            closeAll(server, client, listener);
            // only the path this run created: a path that was already there (EADDRINUSE) is someone else's
            if (unixPath != null && bound) {
                try {
                    Files.deleteIfExists(unixPath);
                } catch (IOException ignored) {
                    // a stale path in the temporary folder is harmless
                }
            }
        }
    }

    private FillResult connect(FillRequest r, Observer observer) throws ErrnoException {
        StreamSocket client = StreamSocket.open(SockaddrCodec.family(r.target()));
        try {
            if (r.sndbuf() != null) {
                client.intOption(Libc.SOL_SOCKET, Libc.SO_SNDBUF, r.sndbuf(), "SO_SNDBUF");
            }
            client.connect(r.target(), r.connectTimeout());
            return new Run(r, observer, client, null).execute();
        } finally {
            client.close();
        }
    }

    static void closeAll(StreamSocket... sockets) {
        for (StreamSocket s : sockets) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    /** One run of the experiment: its sockets, counters and timeline. */
    private final class Run {
        private final FillRequest r;
        private final Observer observer;
        private final StreamSocket client;
        private final StreamSocket server;
        private final List<FillSample> timeline = new ArrayList<>();
        private final boolean stopAtFirstBlock;
        private final MemorySegment buffer;
        private long start;
        private long sent;
        private long sends;
        private long shortSends;
        private long hungSends;
        private long bytesAtBlock = -1;
        private long blocks;
        private long firstBlockNanos;
        private double millisToBlock = -1;
        private double millisToHang = -1;
        private double blockedFor = -1;
        private double resumedAfter = -1;
        private SendFailure failure;
        private boolean peerGone;
        private long segsOutAtZeroWindow = -1;
        private long clientSndbufAtBlock = -1;
        private long serverRcvbufAtBlock = -1;
        private FillSample last;
        private long lastSampleNanos;
        private ServerReader reader;

        Run(FillRequest r, Observer observer, StreamSocket client, StreamSocket server) {
            this.r = r;
            this.observer = observer;
            this.client = client;
            this.server = server;
            // a local server that never reads can only ever block; a remote one may read, so --bytes goes on
            this.stopAtFirstBlock = (server != null && r.reader() instanceof ReaderPolicy.Never)
                    || (r.bytes() == null && r.duration() == null);
            this.buffer = Arena.ofAuto().allocate(r.chunk());
            buffer.fill((byte) 'x');
        }

        FillResult execute() throws ErrnoException {
            long clientSndbuf = client.intOption(Libc.SOL_SOCKET, Libc.SO_SNDBUF, "SO_SNDBUF");
            long serverRcvbuf = server == null ? -1 : server.intOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, "SO_RCVBUF");
            if (r.blocking()) {
                client.sendTimeout(r.sendTimeout());
            } else {
                client.nonBlocking(true);
            }
            // the first native calls link and load classes; do that before the clock starts
            readQueues();
            start = System.nanoTime();
            reader = server == null ? null : new ServerReader(server, r.reader(), start);
            try {
                fill();
                double settledAfter = settle();
                awaitFirstProbe();
                List<EndpointQueues> queues = readQueues();
                observer.settled(queues);
                if (!r.hold().isZero()) {
                    observer.holding(result(queues, settledAfter, clientSndbuf, serverRcvbuf));
                }
                hold();
                sample("end");
                return result(queues, settledAfter, clientSndbuf, serverRcvbuf);
            } finally {
                if (reader != null) {
                    reader.close();
                }
            }
        }

        private void fill() throws ErrnoException {
            long deadline = r.duration() == null ? Long.MAX_VALUE : start + r.duration().toNanos();
            while (true) {
                if (r.bytes() != null && sent >= r.bytes()) {
                    break;
                }
                if (System.nanoTime() >= deadline) {
                    break;
                }
                long length = r.bytes() == null ? r.chunk() : Math.min(r.chunk(), r.bytes() - sent);
                long callStart = System.nanoTime();
                try {
                    long n = client.send(buffer, length);
                    long took = System.nanoTime() - callStart;
                    if (blocks == 0) {
                        sends++;
                        if (n < length) {
                            shortSends++;
                        }
                        // a blocking send that waited SO_SNDTIMEO returns what it could copy: it hung first
                        if (r.blocking() && took >= r.sendTimeout().toNanos() / 2) {
                            if (hungSends++ == 0) {
                                millisToHang = millis(callStart - start);
                            }
                        }
                    }
                    sent += n;
                    if (blocks > 0 && resumedAfter < 0) {
                        resumedAfter = millis(System.nanoTime() - firstBlockNanos);
                        sample("resume");
                    } else {
                        maybeSample("send");
                    }
                } catch (ErrnoException e) {
                    if (e.errno() != StreamSocket.EAGAIN) {
                        failure = SendFailure.of(e, r.blocking());
                        peerGone = true;
                        sample("error");
                        return;
                    }
                    blocks++;
                    if (blocks == 1) {
                        firstBlockNanos = System.nanoTime();
                        bytesAtBlock = sent;
                        millisToBlock = millis((r.blocking() ? callStart : firstBlockNanos) - start);
                        blockedFor = r.blocking() ? millis(firstBlockNanos - callStart) : -1;
                        failure = SendFailure.of(e, r.blocking());
                        clientSndbufAtBlock = client.intOption(Libc.SOL_SOCKET, Libc.SO_SNDBUF, "SO_SNDBUF");
                        serverRcvbufAtBlock = server == null ? -1 : server.intOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, "SO_RCVBUF");
                        sample("eagain");
                    }
                    if (stopAtFirstBlock) {
                        return;
                    }
                    waitWritable(deadline);
                }
            }
        }

        /** Non-blocking mode with a reader: wait for room (the reader opening the window), sampling meanwhile. */
        private void waitWritable(long deadline) throws ErrnoException {
            while (System.nanoTime() < deadline) {
                if (client.poll(Libc.POLLOUT, Duration.ofMillis(20))) {
                    return;
                }
                maybeSample("blocked");
            }
        }

        /** Waits until nothing is in flight and the window is closed, so that the queues account for every byte. */
        private double settle() throws ErrnoException {
            if (blocks == 0 || peerGone) {
                drainReader();
                return -1;
            }
            if (!stopAtFirstBlock) {
                drainReader();
                return -1;
            }
            long limit = System.nanoTime() + SETTLE_LIMIT.toNanos();
            FillSample previous = null;
            while (System.nanoTime() < limit) {
                if (checkPeerGone()) {
                    return -1;
                }
                FillSample s = sample("settle");
                if (previous != null && settled(s) && sameQueues(previous, s)) {
                    return millis(System.nanoTime() - firstBlockNanos);
                }
                previous = s;
                pause(5);
            }
            return -1;
        }

        private boolean settled(FillSample s) {
            if (!client.isTcp()) {
                return s.serverRecvQ() + s.read() == s.sent();
            }
            // quiet: the window is closed, or nothing waits to be sent (a small SO_SNDBUF blocked the send while
            // its data was in flight, and the ACKs have drained it since). A small open window with data waiting
            // is not quiet: the persist timer will push more data into it.
            boolean quiet = s.peerWindow() == 0 || s.clientSendQ() == 0;
            if (server != null) {
                return quiet && s.serverRecvQ() + s.clientSendQ() + s.read() == s.sent();
            }
            return quiet;
        }

        private boolean sameQueues(FillSample a, FillSample b) {
            return a.serverRecvQ() == b.serverRecvQ() && a.clientSendQ() == b.clientSendQ() && a.peerWindow() == b.peerWindow();
        }

        /**
         * Sending is over: wait until the local reader has read everything, or (against a remote server) until
         * the server has acknowledged everything, so that the run ends drained.
         */
        private void drainReader() throws ErrnoException {
            // only a configured byte count is worth waiting for; after --duration the run just ends
            if (peerGone || r.bytes() == null) {
                return;
            }
            long limit = System.nanoTime() + DRAIN_LIMIT.toNanos();
            if (server == null) {
                while (probe.read("client", client).sendQ() > 0 && System.nanoTime() < limit && !checkPeerGone()) {
                    pause(10);
                    maybeSample("acked");
                }
                return;
            }
            if (r.reader() instanceof ReaderPolicy.Never) {
                return;
            }
            while (reader.read() < sent && System.nanoTime() < limit && reader.failure() == null && !reader.peerClosed()) {
                pause(10);
                maybeSample("read");
            }
        }

        /** Waits (briefly) for the client's first zero-window probe, so the report can show one. */
        private void awaitFirstProbe() throws ErrnoException {
            if (!client.isTcp() || !stopAtFirstBlock || blocks == 0 || peerGone) {
                return;
            }
            long limit = firstBlockNanos + PROBE_WAIT.toNanos();
            while (System.nanoTime() < limit) {
                if (checkPeerGone()) {
                    return;
                }
                TcpInfo tcp = probe.read("client", client).tcp();
                if (tcp != null && tcp.sndWnd() == 0 && segsOutAtZeroWindow >= 0 && tcp.segsOut() > segsOutAtZeroWindow) {
                    sample("probe");
                    return;
                }
                pause(10);
                maybeSample("settle");
            }
        }

        private void hold() throws ErrnoException {
            long until = System.nanoTime() + r.hold().toNanos();
            while (System.nanoTime() < until && !peerGone) {
                pause((int) Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
                if (checkPeerGone()) {
                    return;
                }
                maybeSample("hold");
            }
        }

        /**
         * poll(2) with no events still reports POLLERR and POLLHUP: a reset or close by the peer. The next
         * send then returns the errno (ECONNRESET first, EPIPE after), which is what a program would see.
         */
        private boolean checkPeerGone() throws ErrnoException {
            if (peerGone || !client.poll((short) 0, Duration.ZERO)) {
                return peerGone;
            }
            try {
                long n = client.send(buffer, 1);
                sent += n;
            } catch (ErrnoException e) {
                if (e.errno() == StreamSocket.EAGAIN) {
                    return false;
                }
                failure = SendFailure.of(e, r.blocking());
                peerGone = true;
                sample("error");
            }
            return peerGone;
        }

        private List<EndpointQueues> readQueues() throws ErrnoException {
            return probe.readPair(server, client);
        }

        private void maybeSample(String event) throws ErrnoException {
            long now = System.nanoTime();
            if ("send".equals(event)) {
                // Between sends only the count is recorded: reading the queues there (a handful of system
                // calls) slows the sender enough that ACKs arrive mid-fill and change how much it sends.
                if (now - lastSampleNanos >= 200_000) {
                    lastSampleNanos = now;
                    FillSample s = new FillSample(millis(now - start), event, sent, reader == null ? 0 : reader.read(),
                            -1, -1, -1, -1);
                    timeline.add(s);
                    last = s;
                    observer.sample(s);
                }
            } else if (now - lastSampleNanos >= 20_000_000) {
                sample(event);
            }
        }

        private FillSample sample(String event) throws ErrnoException {
            long now = System.nanoTime();
            lastSampleNanos = now;
            // both ends back to back, so that the two queues describe one moment
            List<EndpointQueues> pair = probe.readPair(server, client);
            long recvQ = server == null ? -1 : pair.getFirst().recvQ();
            EndpointQueues c = pair.getLast();
            long window = c.tcp() == null ? -1 : c.tcp().sndWnd();
            int backoff = c.tcp() == null ? -1 : c.tcp().backoff();
            if (window == 0 && segsOutAtZeroWindow < 0 && blocks > 0) {
                segsOutAtZeroWindow = c.tcp().segsOut();
            }
            FillSample s = new FillSample(millis(now - start), event, sent, reader == null ? 0 : reader.read(), recvQ,
                    c.sendQ(), window, backoff);
            // keep the timeline to the changes: a repeated identical sample adds nothing
            if (last == null || !event.equals(last.event()) || s.sent() != last.sent() || s.read() != last.read()
                    || s.serverRecvQ() != last.serverRecvQ() || s.clientSendQ() != last.clientSendQ()
                    || s.peerWindow() != last.peerWindow() || s.backoff() != last.backoff()) {
                timeline.add(s);
                last = s;
            }
            observer.sample(s);
            return s;
        }

        private FillResult result(List<EndpointQueues> queues, double settledAfter, long clientSndbuf, long serverRcvbuf)
                throws ErrnoException {
            EndpointQueues clientQ = queues.getLast();
            EndpointQueues serverQ = server == null ? null : queues.getFirst();
            long read = reader == null ? 0 : reader.read();
            TcpInfo clientTcp = client.isTcp() ? probe.read("client", client).tcp() : null;
            long peerAcked = clientTcp == null || clientTcp.bytesAcked() < 0 ? -1 : Math.max(0, clientTcp.bytesAcked() - 1);
            long accounted;
            if (serverQ != null) {
                accounted = read + serverQ.recvQ() + (client.isTcp() ? clientQ.sendQ() : 0);
            } else {
                // the peer's Recv-Q is out of sight: what it acknowledged is its Recv-Q plus what it read
                accounted = peerAcked + clientQ.sendQ();
            }
            var accounting = new FillResult.Accounting(sent, read, serverQ == null ? -1 : serverQ.recvQ(), clientQ.sendQ(),
                    peerAcked, accounted, accounted == sent);
            FillResult.WindowFacts window = null;
            if (clientTcp != null) {
                TcpInfo serverTcp = serverQ == null ? null : serverQ.tcp();
                long probes = clientTcp.sndWnd() == 0 && segsOutAtZeroWindow >= 0 ? clientTcp.segsOut() - segsOutAtZeroWindow : 0;
                window = new FillResult.WindowFacts(clientTcp.sndWnd(), probes, clientTcp.backoff(), clientTcp.probes(),
                        clientTcp.notsentBytes(), clientTcp.unacked(), clientTcp.rwndLimitedUs() / 1000.0,
                        clientTcp.sndbufLimitedUs() / 1000.0,
                        serverTcp == null ? -1 : serverTcp.rcvSpace(), serverTcp == null ? -1 : serverTcp.rcvSsthresh());
            }
            List<BufferSetting> buffers = new ArrayList<>();
            buffers.add(new BufferSetting("SO_SNDBUF", "client", r.sndbuf(), clientSndbuf,
                    clientSndbufAtBlock >= 0 ? clientSndbufAtBlock : client.intOption(Libc.SOL_SOCKET, Libc.SO_SNDBUF, "SO_SNDBUF"),
                    r.sndbuf() == null && client.isTcp()));
            // a UNIX stream sender queues straight into the receiver, charged to its own SO_SNDBUF only
            if (server != null && server.isTcp()) {
                buffers.add(new BufferSetting("SO_RCVBUF", "server", r.rcvbuf(), serverRcvbuf,
                        serverRcvbufAtBlock >= 0 ? serverRcvbufAtBlock : server.intOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, "SO_RCVBUF"),
                        r.rcvbuf() == null));
            }
            boolean completed = r.bytes() != null && sent >= r.bytes() && !peerGone
                    && (server == null ? clientQ.sendQ() == 0 : !(r.reader() instanceof ReaderPolicy.Never) && read >= r.bytes());
            String transport = switch (client.family()) {
                case Libc.AF_INET6 -> "tcp6";
                case Libc.AF_UNIX -> "unix";
                default -> "tcp";
            };
            String sendMode = r.blocking() ? "blocking (SO_SNDTIMEO " + r.sendTimeout().toMillis() + " ms)" : "non-blocking";
            return new FillResult(r.mode().name().toLowerCase(java.util.Locale.ROOT), transport,
                    clientQ.peer(), clientQ.local(), r.chunk(), sendMode, r.reader().toString(), sends,
                    shortSends, hungSends, millisToHang, bytesAtBlock, millisToBlock, blockedFor,
                    failure, sent, read, blocks, resumedAfter, completed, buffers, settledAfter, queues,
                    QueueSource.of(queues), QueueSource.note(queues, probe.fallbackReason()), accounting, window,
                    List.copyOf(timeline));
        }
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetdiagException(NetdiagException.Kind.INTERNAL, "interrupted");
        }
    }
}
