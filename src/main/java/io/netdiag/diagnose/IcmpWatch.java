package io.netdiag.diagnose;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.IcmpSocket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Listens on raw ICMP sockets while the connect probes run, and keeps the ICMP errors whose quoted header
 * names one of our probes (destination address, protocol and port): the TCP socket itself only learns an
 * errno (EHOSTUNREACH, ECONNREFUSED), never who sent the error nor which code it had, and an ICMP port
 * unreachable for TCP looks exactly like a RST to connect(2). Needs CAP_NET_RAW; without it nothing is watched.
 */
final class IcmpWatch implements AutoCloseable {
    /**
     * One ICMP error about one of our probes.
     *
     * @param version 4 or 6
     * @param from    who sent it
     * @param about   the probe's destination
     */
    record Error(int version, int type, int code, InetAddress from, InetAddress about) {
        /** Administratively prohibited (v4 3/9, 3/10, 3/13; v6 1/1, 1/5, 1/6) or port unreachable: a REJECT rule's answers. */
        boolean reject() {
            return version == 4 ? type == 3 && (code == 3 || code == 9 || code == 10 || code == 13)
                    : type == 1 && (code == 1 || code == 4 || code == 5 || code == 6);
        }

        /** Port unreachable (v4 3/3, v6 1/4): a UDP service that is not there, or a REJECT rule for TCP. */
        boolean portUnreachable() {
            return version == 4 ? type == 3 && code == 3 : type == 1 && code == 4;
        }

        /** Host unreachable (v4 3/1, v6 1/3 address unreachable): no neighbour answered for the host. */
        boolean hostUnreachable() {
            return version == 4 ? type == 3 && code == 1 : type == 1 && code == 3;
        }

        /** Network unreachable or no route (v4 3/0, v6 1/0). */
        boolean netUnreachable() {
            return version == 4 ? type == 3 && code == 0 : type == 1 && code == 0;
        }
    }

    private final List<IcmpSocket> sockets = new ArrayList<>();
    private final List<Error> errors = new ArrayList<>();
    private final List<InetAddress> destinations;
    private final int protocol;
    private final int port;
    private final Thread reader;
    private volatile boolean stop;
    private final boolean watching;

    private IcmpWatch(List<InetAddress> destinations, int protocol, int port) {
        this.destinations = List.copyOf(destinations);
        this.protocol = protocol;
        this.port = port;
        // the sockets' memory is confined to the thread that opens them: the reader opens, reads and closes them
        java.util.concurrent.CompletableFuture<Boolean> opened = new java.util.concurrent.CompletableFuture<>();
        reader = Thread.ofPlatform().daemon().name("icmp-watch").start(() -> {
            try {
                for (boolean v6 : new boolean[] {false, true}) {
                    if (this.destinations.stream().anyMatch(a -> (a instanceof Inet6Address) == v6)) {
                        try {
                            sockets.add(IcmpSocket.open(v6, true));
                        } catch (NetdiagException e) {
                            // no CAP_NET_RAW: the caller learns it from watching()
                        }
                    }
                }
                opened.complete(!sockets.isEmpty());
                if (!sockets.isEmpty()) {
                    read();
                }
            } catch (RuntimeException e) {
                opened.complete(false);
            } finally {
                for (IcmpSocket s : sockets) {
                    s.close();
                }
            }
        });
        watching = opened.join();
    }

    /** Starts watching for errors about {@code port} on {@code destinations} ({@code protocol} 6 TCP, 17 UDP). */
    static IcmpWatch start(List<InetAddress> destinations, int protocol, int port) {
        return new IcmpWatch(destinations, protocol, port);
    }

    /** False when no raw ICMP socket could be opened (no CAP_NET_RAW). */
    boolean watching() {
        return watching;
    }

    /** The errors seen so far about {@code address}. */
    synchronized List<Error> about(InetAddress address) {
        return errors.stream().filter(e -> e.about().equals(address)).toList();
    }

    private void read() {
        while (!stop) {
            for (IcmpSocket s : sockets) {
                try {
                    if (s.poll(sockets.size() == 1 ? 50 : 25) == 0) {
                        continue;
                    }
                    IcmpSocket.Received r;
                    while ((r = s.receive()) != null) {
                        Error e = decode(r, s.ipv6());
                        if (e != null) {
                            synchronized (this) {
                                errors.add(e);
                            }
                        }
                    }
                } catch (ErrnoException e) {
                    if (!pendingError(s, e)) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * A raw ICMP socket also hears the errors about other ICMP sockets' echoes (the ping beside the probes):
     * they arrive as a pending socket error on the next recvmsg and on its error queue. Those are cleared and
     * the watch goes on; any other failure ends it.
     */
    private static boolean pendingError(IcmpSocket s, ErrnoException e) {
        int errno = e.errno();
        if (errno != 113 && errno != 101 && errno != 111 && errno != 90 && errno != 13 && errno != 71 && errno != 110
                && errno != 1 && errno != 92) {
            return false;
        }
        try {
            for (int i = 0; i < 64 && s.receiveError() != null; i++) {
                // drained
            }
        } catch (ErrnoException again) {
            // nothing queued
        }
        return true;
    }

    private Error decode(IcmpSocket.Received r, boolean v6) {
        byte[] d = r.data();
        int at = 0;
        if (r.withIpHeader()) {
            if (d.length < 20) {
                return null;
            }
            at = (d[0] & 0x0f) * 4;
        }
        if (d.length < at + 8) {
            return null;
        }
        int type = d[at] & 0xff;
        int code = d[at + 1] & 0xff;
        int quoted = at + 8;
        InetAddress about;
        int proto;
        int ports;
        if (!v6) {
            if (type != 3 && type != 11 && type != 12 || d.length < quoted + 20) {
                return null;
            }
            proto = d[quoted + 9] & 0xff;
            about = address(Arrays.copyOfRange(d, quoted + 16, quoted + 20));
            ports = quoted + (d[quoted] & 0x0f) * 4;
        } else {
            if (type > 4 || d.length < quoted + 40) {
                return null;
            }
            proto = d[quoted + 6] & 0xff;
            about = address(Arrays.copyOfRange(d, quoted + 24, quoted + 40));
            ports = quoted + 40;
        }
        if (proto != protocol || d.length < ports + 4 || about == null || !destinations.contains(about)) {
            return null;
        }
        int dport = (d[ports + 2] & 0xff) << 8 | (d[ports + 3] & 0xff);
        if (dport != port) {
            return null;
        }
        return new Error(v6 ? 6 : 4, type, code, r.from(), about);
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public void close() {
        stop = true;
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
