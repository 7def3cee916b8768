package io.netdiag.fill;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.StreamSocket;
import io.netdiag.sockets.Endpoint;
import io.netdiag.sockets.Netid;
import io.netdiag.sockets.SocketEntry;
import io.netdiag.sockets.SocketInventory;
import io.netdiag.sockets.SocketRows;
import io.netdiag.sockets.SocketState;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * Queues as {@code netdiag sockets} reads them: the sockets engine ({@link SocketInventory}, netlink
 * sock_diag) asked for the experiment's own sockets, with tcp_info from the same reply (INET_DIAG_INFO).
 * TCP sockets are looked up by their two ends (inet_diag), UNIX sockets by inode (unix_diag): the kernel
 * finds them in its hash tables, so a sample costs the same on a host with 40,000 sockets as on an idle
 * one. The numbers fill reports are then the very numbers {@code netdiag sockets -i} and {@code ss -i}
 * print for those sockets.
 *
 * <p>When netlink is refused (seccomp, an LSM, or the user forcing {@code -Dnetdiag.sockets.source=proc}:
 * /proc/net has no UNIX queues and no tcp_info, so it is no substitute here) the probe falls back, for the
 * rest of the run, to {@link SocketQueueProbe}'s ioctls, which read the same kernel counters;
 * {@link #fallbackReason()} says why. A socket the kernel no longer lists (a connection reset by the peer
 * leaves the tables before the program closes it) is read by ioctl too, and its row says so.
 */
public final class SockDiagQueueProbe implements QueueProbe {
    private final SocketQueueProbe ioctl = new SocketQueueProbe();
    /** What the kernel knows each socket by; it never changes, and a reset socket has no peer name any more. */
    private final Map<StreamSocket, Key> keys = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile String refused;

    /** A TCP socket's two ends (null for UNIX) and its inode, which tells it from a later socket on the same ends. */
    private record Key(InetSocketAddress local, InetSocketAddress peer, long inode) {
    }

    public SockDiagQueueProbe() {
        String forced = System.getProperty(SocketInventory.SOURCE_PROPERTY, "");
        if (forced.strip().equalsIgnoreCase("proc")) {
            refused = SocketInventory.SOURCE_PROPERTY + "=proc; /proc/net has no UNIX queues and no tcp_info";
        }
    }

    @Override
    public EndpointQueues read(String role, StreamSocket socket) throws ErrnoException {
        return role.equals("server") ? readPair(socket, null).getFirst() : readPair(null, socket).getFirst();
    }

    @Override
    public List<EndpointQueues> readPair(StreamSocket server, StreamSocket client) throws ErrnoException {
        List<EndpointQueues> rows = new ArrayList<>(2);
        SocketEntry s = server == null ? null : lookUp(server);
        SocketEntry c = client == null ? null : lookUp(client);
        if (server != null) {
            rows.add(s == null ? ioctl.read("server", server) : row("server", s, c));
        }
        if (client != null) {
            rows.add(c == null ? ioctl.read("client", client) : row("client", c, s));
        }
        return rows;
    }

    @Override
    public String fallbackReason() {
        return refused;
    }

    /** The socket as sock_diag reports it, or null when netlink is refused or no longer lists it. */
    private SocketEntry lookUp(StreamSocket socket) throws ErrnoException {
        if (refused != null) {
            return null;
        }
        Key key = keys.get(socket);
        if (key == null) {
            long inode;
            try {
                inode = socket.inode();
            } catch (ErrnoException e) {
                refused = "cannot name the sockets by inode: " + e.getMessage();
                return null;
            }
            try {
                key = socket.family() == Libc.AF_UNIX ? new Key(null, null, inode)
                        : new Key((InetSocketAddress) socket.localAddress(), (InetSocketAddress) socket.peerAddress(), inode);
            } catch (ErrnoException e) {
                return null; // not connected (any more): nothing to ask the kernel by, the ioctls still answer
            }
            keys.put(socket, key);
        }
        try {
            Optional<SocketEntry> found = key.local() == null ? SocketInventory.unixSocket(key.inode(), true)
                    : SocketInventory.tcpConnection(key.local(), key.peer(), true);
            long inode = key.inode();
            return found.filter(e -> e.inode() == inode).orElse(null);
        } catch (NetdiagException e) {
            if (e.kind() != NetdiagException.Kind.UNSUPPORTED) {
                throw e;
            }
            refused = e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage());
            return null;
        }
    }

    private static EndpointQueues row(String role, SocketEntry e, SocketEntry other) {
        String proto = switch (e.family()) {
            case INET -> "tcp";
            case INET6 -> "tcp6";
            case UNIX -> "unix";
            case NETLINK, PACKET -> e.family().name().toLowerCase(java.util.Locale.ROOT); // fill samples TCP and UNIX pairs only
        };
        String state = e.family() == SocketEntry.Family.UNIX
                ? (e.state() == SocketState.ESTABLISHED ? "CONNECTED" : e.state().name())
                : e.state().name();
        return new EndpointQueues(role, proto, unreadBytes(e), e.sendQ(), text(e, e.local()), peerText(e, other), state,
                e.tcpInfo().orElse(null), EndpointQueues.NETLINK);
    }

    /**
     * Recv-Q in bytes. inet_diag reports {@code rcv_nxt - copied_seq}, and once the peer's FIN has arrived
     * (CLOSE_WAIT, LAST_ACK, CLOSING) {@code rcv_nxt} counts the FIN's sequence number too: ss shows one more
     * than the bytes waiting to be read. ioctl(SIOCINQ) leaves the FIN out (tcp_inq); so does fill, which
     * reports bytes.
     */
    private static long unreadBytes(SocketEntry e) {
        boolean finReceived = e.netid() == Netid.TCP && (e.state() == SocketState.CLOSE_WAIT
                || e.state() == SocketState.LAST_ACK || e.state() == SocketState.CLOSING);
        return finReceived && e.recvQ() > 0 ? e.recvQ() - 1 : e.recvQ();
    }

    /** As ss prints an endpoint: {@code 127.0.0.1:port}, {@code [::1]:port}, a UNIX path or {@code *}. */
    private static String text(SocketEntry e, Endpoint end) {
        String[] cells = SocketRows.endpoint(e, end, true, null);
        return e.family() == SocketEntry.Family.UNIX ? cells[0] : cells[0] + ":" + cells[1];
    }

    /** unix_diag names a UNIX peer by inode only; when the peer is the other end of the pair, use its name. */
    private static String peerText(SocketEntry e, SocketEntry other) {
        if (e.family() != SocketEntry.Family.UNIX) {
            return text(e, e.peer());
        }
        return other != null && other.inode() == e.peer().port() ? other.local().address() : "*";
    }
}
