package io.netdiag.fill;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.StreamSocket;
import io.netdiag.sockets.Netid;
import io.netdiag.sockets.SocketEntry;
import io.netdiag.sockets.SocketFilter;
import io.netdiag.sockets.SocketInventory;
import io.netdiag.sockets.SocketQuery;
import io.netdiag.sockets.SocketRows;
import io.netdiag.sockets.SocketState;
import io.netdiag.sockets.Source;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Queues as {@code netdiag sockets} reads them: the sockets engine ({@link SocketInventory}, netlink
 * sock_diag, inet_diag for TCP and unix_diag for UNIX sockets) asked for the experiment's sockets by inode,
 * both ends from one dump, with tcp_info from the same reply (INET_DIAG_INFO). The numbers fill reports
 * are then the very numbers {@code netdiag sockets -i} and {@code ss -i} print for those sockets.
 *
 * <p>When netlink is refused (seccomp, an LSM, a kernel without the diag module, or the user forcing
 * {@code -Dnetdiag.sockets.source=proc}: /proc/net has no UNIX queues and no tcp_info, so it is no substitute
 * here) the probe falls back, for the rest of the run, to {@link SocketQueueProbe}'s ioctls, which read the
 * same kernel counters; {@link #fallbackReason()} says why. A socket the dump does not list (a connection
 * reset by the peer leaves the kernel's tables before the program closes it) is read by ioctl too, and its
 * row says so.
 */
public final class SockDiagQueueProbe implements QueueProbe {
    private final SocketQueueProbe ioctl = new SocketQueueProbe();
    /** Inodes by descriptor: a socket's inode never changes, so /proc/self/fd is read once per socket. */
    private final Map<StreamSocket, Long> inodes = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile String refused;

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
        if (refused != null) {
            return readBoth(server, client);
        }
        StreamSocket any = server != null ? server : client;
        long serverInode;
        long clientInode;
        try {
            serverInode = server == null ? -1 : inode(server);
            clientInode = client == null ? -1 : inode(client);
        } catch (ErrnoException e) {
            refused = "cannot find the sockets' inodes: " + e.getMessage();
            return readBoth(server, client);
        }
        SocketQuery query = query(any).where(new SocketFilter.Or(SocketFilter.inode(serverInode), SocketFilter.inode(clientInode)))
                .withInfo(true).from(Source.NETLINK);
        List<SocketEntry> found;
        try {
            found = SocketInventory.list(query);
        } catch (NetdiagException e) {
            if (e.kind() != NetdiagException.Kind.UNSUPPORTED) {
                throw e;
            }
            refused = e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage());
            return readBoth(server, client);
        }
        List<EndpointQueues> rows = new ArrayList<>(2);
        if (server != null) {
            rows.add(row("server", server, serverInode, found));
        }
        if (client != null) {
            rows.add(row("client", client, clientInode, found));
        }
        return rows;
    }

    @Override
    public String fallbackReason() {
        return refused;
    }

    private List<EndpointQueues> readBoth(StreamSocket server, StreamSocket client) throws ErrnoException {
        List<EndpointQueues> rows = new ArrayList<>(2);
        if (server != null) {
            rows.add(ioctl.read("server", server));
        }
        if (client != null) {
            rows.add(ioctl.read("client", client));
        }
        return rows;
    }

    private long inode(StreamSocket socket) throws ErrnoException {
        Long known = inodes.get(socket);
        if (known == null) {
            known = socket.inode();
            inodes.put(socket, known);
        }
        return known;
    }

    /** Only the table the sockets live in: one dump of TCP/IPv4, TCP/IPv6 or UNIX sockets. */
    private static SocketQuery query(StreamSocket socket) {
        return switch (socket.family()) {
            case Libc.AF_UNIX -> SocketQuery.of(Netid.UNIX_STREAM).inFamilies(Set.of(SocketEntry.Family.UNIX));
            case Libc.AF_INET6 -> SocketQuery.tcp().inFamilies(Set.of(SocketEntry.Family.INET6));
            default -> SocketQuery.tcp().inFamilies(Set.of(SocketEntry.Family.INET));
        };
    }

    private EndpointQueues row(String role, StreamSocket socket, long inode, List<SocketEntry> found) throws ErrnoException {
        SocketEntry e = found.stream().filter(s -> s.inode() == inode).findFirst().orElse(null);
        if (e == null) {
            return ioctl.read(role, socket);
        }
        String proto = switch (e.family()) {
            case INET -> "tcp";
            case INET6 -> "tcp6";
            case UNIX -> "unix";
        };
        String state = e.family() == SocketEntry.Family.UNIX
                ? (e.state() == SocketState.ESTABLISHED ? "CONNECTED" : e.state().name())
                : e.state().name();
        return new EndpointQueues(role, proto, unreadBytes(e), e.sendQ(), text(e, e.local(), found), peerText(e, found), state,
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
    private static String text(SocketEntry e, io.netdiag.sockets.Endpoint end, List<SocketEntry> found) {
        String[] cells = SocketRows.endpoint(e, end, true, null);
        return e.family() == SocketEntry.Family.UNIX ? cells[0] : cells[0] + ":" + cells[1];
    }

    /** unix_diag names a UNIX peer by inode only; when the peer is the other end of the pair, use its name. */
    private static String peerText(SocketEntry e, List<SocketEntry> found) {
        if (e.family() != SocketEntry.Family.UNIX) {
            return text(e, e.peer(), found);
        }
        return found.stream().filter(s -> s.inode() == e.peer().port()).map(s -> s.local().address())
                .findFirst().orElse("*");
    }
}
