package io.netdiag.sockets;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The socket inventory: every TCP, UDP, raw, UNIX, netlink and packet socket the kernel reports, with queues and
 * (optionally) tcp_info, socket memory and owners. Reads netlink sock_diag as ss does and falls back to
 * /proc per table when netlink is refused; the {@link Report} says which source served.
 *
 * <pre>{@code
 * List<SocketEntry> mine = SocketInventory.list(SocketQuery.tcp().where(SocketFilter.localPort(port)));
 * }</pre>
 *
 * Rows are streamed ({@link #stream}): nothing is held per socket unless the caller keeps it. Output
 * order is ss's: netlink, packet, UNIX, raw, UDP, TCP; IPv4 before IPv6.
 */
public final class SocketInventory {
    /**
     * Bytes of netlink replies a dump read for {@link SocketEntry} decoding may queue ahead of it: two batches of up to
     * 64 KiB, in arrays the dumps reuse.
     */
    private static final int ENTRY_AHEAD = 128 * 1024;

    private static final java.util.concurrent.atomic.AtomicBoolean PREPARING = new java.util.concurrent.atomic.AtomicBoolean();

    /** System property that forces a source (netlink, proc, auto), for tests and for users behind seccomp. */
    public static final String SOURCE_PROPERTY = "netdiag.sockets.source";

    private SocketInventory() {
    }

    /**
     * How a listing went.
     *
     * @param sources        the sources that served (netlink, proc, or both when some tables fell back)
     * @param notes          why a table fell back, and what that source cannot show
     * @param ownersComplete with owners: false when other users' processes could not be read
     */
    public record Report(Set<Source> sources, List<String> notes, boolean ownersComplete) {
        public Report {
            sources = sources.isEmpty() ? EnumSet.noneOf(Source.class) : EnumSet.copyOf(sources);
            notes = List.copyOf(notes);
        }

        /** "netlink", "proc" or "netlink+proc". */
        public String sourceName() {
            return sources.stream().map(s -> s.name().toLowerCase(java.util.Locale.ROOT))
                    .reduce((a, b) -> a + "+" + b).orElse("none");
        }
    }

    /** A whole listing in memory: for small queries (one port, one inode) and for sampling. */
    public record Listing(Report report, List<SocketEntry> sockets) {
    }

    public static List<SocketEntry> list(SocketQuery query) {
        return snapshot(query).sockets();
    }

    public static Listing snapshot(SocketQuery query) {
        List<SocketEntry> all = new ArrayList<>();
        Report report = stream(query, all::add);
        return new Listing(report, all);
    }

    /**
     * One TCP connection, looked up by the kernel from its two ends (as a channel reports them) instead of
     * found in a dump: the cost does not grow with the number of sockets on the host, so a caller can sample
     * its own connection often. Netlink only (/proc cannot be asked for one socket): throws an
     * UNSUPPORTED {@link NetdiagException} when sock_diag is refused. Empty when the kernel no longer lists
     * the socket (closed, or reset by the peer), or has no tcp_diag module to ask. The kernel's lookup falls
     * back to a listener on the local port when no connection matches; that listener is not returned.
     */
    public static java.util.Optional<SocketEntry> tcpConnection(java.net.InetSocketAddress local,
                                                                java.net.InetSocketAddress peer, boolean info) {
        byte[] src = local.getAddress().getAddress();
        byte[] dst = peer.getAddress().getAddress();
        if (src.length != dst.length) {
            throw new IllegalArgumentException("mixed address families: " + local + " and " + peer);
        }
        try (SockDiag diag = openForLookup()) {
            return diag.tcpOne(src.length == 4 ? Libc.AF_INET : Libc.AF_INET6, src, local.getPort(), dst, peer.getPort(), info)
                    .filter(e -> e.peer().port() == peer.getPort() && e.local().port() == local.getPort());
        } catch (ErrnoException e) {
            throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED, "netlink sock_diag cannot look up " + local, null, e);
        }
    }

    /** One UNIX socket by inode, looked up by the kernel (unix_diag); as {@link #tcpConnection} otherwise. */
    public static java.util.Optional<SocketEntry> unixSocket(long inode, boolean info) {
        try (SockDiag diag = openForLookup()) {
            return diag.unixOne(inode, info);
        } catch (ErrnoException e) {
            throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED, "netlink sock_diag cannot look up inode " + inode,
                    null, e);
        }
    }

    private static SockDiag openForLookup() {
        Platform.requireLinux("netdiag sockets");
        try {
            return SockDiag.open();
        } catch (ErrnoException e) {
            throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED, "cannot open netlink sock_diag", null, e);
        }
    }

    /**
     * Starts linking the native calls a listing makes, on a daemon thread, and returns at once: the sockets
     * command calls it before parsing its command line, which then overlaps the linking's ~20 ms.
     */
    public static void prepareInBackground() {
        if (Platform.current() == Platform.LINUX && !PREPARING.getAndSet(true)) { // once: main and run both ask
            Thread.ofPlatform().daemon().name("netlink-link").start(io.netdiag.os.Netlink::prepare);
        }
    }

    /** Hands every socket the query accepts to {@code sink}, in ss's order, and reports the source used. */
    public static Report stream(SocketQuery query, Consumer<SocketEntry> sink) {
        return stream(query, null, sink);
    }

    /**
     * Adds every socket the query accepts to {@code rows}, as {@code stream(query, rows::add)} does, and reports
     * the source used. When neither the query (filter, owners, tcp_info) nor the layout (-e, -i, -r) needs more
     * than a sock_diag message holds, TCP, UDP and raw sockets go from the netlink reply straight into the rows,
     * without a {@link SocketEntry} per socket: the fast path of a plain {@code sockets -tan}.
     */
    public static Report stream(SocketQuery query, SocketRows rows) {
        boolean direct = rows.plain() && query.filter() instanceof SocketFilter.Always && !query.owners() && !query.info();
        return stream(query, null, rows::add, direct ? rows : null);
    }

    /** As {@link #stream(SocketQuery, Consumer)} with an owner map already read (sampling reuses one). */
    public static Report stream(SocketQuery query, OwnerMap ownerMap, Consumer<SocketEntry> sink) {
        return stream(query, ownerMap, sink, null);
    }

    private static Report stream(SocketQuery query, OwnerMap ownerMap, Consumer<SocketEntry> sink, SocketRows direct) {
        Platform.requireLinux("netdiag sockets");
        Source wanted = effectiveSource(query.source());
        OwnerMap owners = query.owners() ? (ownerMap != null ? ownerMap : OwnerMap.read()) : null;
        Consumer<SocketEntry> out = e -> {
            if (query.accepts(e)) {
                sink.accept(owners == null ? e : e.withOwners(owners.owners(e.inode())));
            }
        };
        Set<Source> used = EnumSet.noneOf(Source.class);
        List<String> notes = new ArrayList<>();
        java.util.Map<String, List<String>> fellBack = new java.util.LinkedHashMap<>(); // reason -> tables
        Set<Netid> fromProc = EnumSet.noneOf(Netid.class);
        SockDiag diag = null;
        if (wanted != Source.PROC) {
            try {
                diag = SockDiag.open();
            } catch (ErrnoException e) {
                if (wanted == Source.NETLINK) {
                    throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED, "cannot open netlink sock_diag",
                            "drop --source netlink to read /proc/net", e);
                }
                notes.add("netlink sock_diag refused (" + e.getMessage() + "): read /proc/net instead");
            }
        }
        List<Table> wantedTables = tables(query);
        boolean[] accepted = new boolean[SocketState.values().length];
        for (SocketState s : query.states()) {
            accepted[s.ordinal()] = true;
        }
        // every table's dump starts now, each on its own socket and thread: the kernel fills the next batches
        // (and walks the next tables) while this thread decodes and formats
        // (a list in table order, not a map: a record key's hashCode bootstraps ObjectMethods, ~3 ms cold)
        List<SockDiag.Pending> pending = new ArrayList<>();
        try {
            if (diag != null) {
                // the direct path decodes faster than the kernel dumps: the reader may run far ahead. Entries (tcp_info,
                // owners, a filter) are slower to make than the kernel is to dump, so the queue stays full: a short
                // one keeps what is in flight small enough to die young in a long-running caller's small heap
                int ahead = direct != null ? io.netdiag.os.Netlink.Dump.AHEAD : ENTRY_AHEAD;
                for (int i = 0; i < wantedTables.size(); i++) {
                    Table t = wantedTables.get(i);
                    if (t.netid() == Netid.TCP && t.family() == SocketEntry.Family.INET && i + 1 < wantedTables.size()
                            && wantedTables.get(i + 1).netid() == Netid.TCP
                            && wantedTables.get(i + 1).family() == SocketEntry.Family.INET6) { // no record equals: ObjectMethods, cold
                        // both TCP tables from one walk of the kernel's hash tables (SockDiag.startTcp)
                        pending.addAll(List.of(SockDiag.startTcp(query.stateBits(), query.info(), ahead)));
                        i++;
                    } else {
                        pending.add(t.start(query, ahead));
                    }
                }
            }
            for (int i = 0; i < wantedTables.size(); i++) {
                Table t = wantedTables.get(i);
                boolean done = false;
                if (diag != null) {
                    try {
                        if (direct != null && (t.family() == SocketEntry.Family.INET || t.family() == SocketEntry.Family.INET6)) {
                            pending.get(i).drainRows(direct, accepted,
                                    query.families().contains(SocketEntry.Family.INET),
                                    query.families().contains(SocketEntry.Family.INET6));
                        } else {
                            pending.get(i).drain(out);
                        }
                        used.add(Source.NETLINK);
                        done = true;
                    } catch (ErrnoException e) {
                        if (wanted == Source.NETLINK) {
                            throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED,
                                    "netlink sock_diag cannot list " + t.name(),
                                    e.errno() == 2 ? "modprobe " + t.module() + ", or drop --source netlink to read /proc/net"
                                            : "drop --source netlink to read /proc/net", e);
                        }
                        String reason = e.errno() == 2 // ENOENT
                                ? "the kernel has no sock_diag handler for them (" + t.module() + " not loaded)"
                                : "netlink said " + Libc.strerror(e.errno());
                        fellBack.computeIfAbsent(reason, k -> new ArrayList<>()).add(t.name());
                    }
                }
                if (!done) {
                    try {
                        t.proc(ProcNetTables.system(), out);
                        used.add(Source.PROC);
                        fromProc.add(t.netid());
                    } catch (IOException e) {
                        throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED, "cannot read /proc/net for " + t.name(),
                                null, e);
                    }
                }
            }
        } finally {
            pending.forEach(SockDiag.Pending::close);
            if (diag != null) {
                diag.close();
            }
        }
        fellBack.forEach((reason, tables) -> notes.add(String.join(", ", tables) + " read from /proc/net: " + reason));
        if (fromProc.contains(Netid.TCP)) {
            notes.add("/proc/net/tcp has no listener backlog (Send-Q of LISTEN rows shows 0) and no tcp_info");
        }
        if (fromProc.contains(Netid.UNIX_STREAM)) {
            notes.add("/proc/net/unix has no queues (UNIX Recv-Q and Send-Q show 0) and no peers");
        }
        return new Report(used, notes, owners == null || owners.complete());
    }

    private static Source effectiveSource(Source asked) {
        String forced = System.getProperty(SOURCE_PROPERTY);
        if (asked == Source.AUTO && forced != null && !forced.isBlank()) {
            return Source.valueOf(forced.strip().toUpperCase(java.util.Locale.ROOT));
        }
        return asked;
    }

    /** One kernel table: one netlink dump, one /proc file. */
    private record Table(Netid netid, SocketEntry.Family family) {
        String module() {
            return switch (family) {
                case UNIX -> "unix_diag";
                case NETLINK -> "netlink_diag";
                case PACKET -> "af_packet_diag";
                case INET, INET6 -> switch (netid) {
                    case TCP -> "tcp_diag";
                    case UDP -> "udp_diag";
                    default -> "raw_diag";
                };
            };
        }

        String name() {
            return switch (family) {
                case UNIX -> "UNIX sockets";
                case NETLINK -> "netlink sockets";
                case PACKET -> "packet sockets";
                case INET -> netid.ssName() + " IPv4";
                case INET6 -> netid.ssName() + " IPv6";
            };
        }

        SockDiag.Pending start(SocketQuery q, int ahead) {
            int bits = q.stateBits();
            return switch (family) {
                case UNIX -> SockDiag.startUnix(bits, q.info(), ahead);
                case NETLINK -> SockDiag.startNetlink(ahead);
                case PACKET -> SockDiag.startPacket(ahead);
                case INET, INET6 -> SockDiag.startInet(netid, family == SocketEntry.Family.INET ? Libc.AF_INET : Libc.AF_INET6,
                        bits, q.info(), ahead);
            };
        }

        void proc(ProcNetTables tables, Consumer<SocketEntry> out) throws IOException {
            switch (family) {
                case UNIX -> tables.unix(out);
                case NETLINK -> tables.netlink(out);
                case PACKET -> tables.packet(out);
                case INET, INET6 -> tables.inet(netid, family == SocketEntry.Family.INET6, out);
            }
        }
    }

    private static List<Table> tables(SocketQuery q) {
        List<Table> tables = new ArrayList<>();
        // ss's order: netlink, packet, UNIX, raw, UDP, TCP. Netlink and packet sockets are all UNCONN: without that
        // state (no -a or -l) there is nothing to ask for, as in ss
        boolean unconn = q.states().contains(SocketState.CLOSE);
        if (unconn && q.wants(Netid.NETLINK) && q.families().contains(SocketEntry.Family.NETLINK)) {
            tables.add(new Table(Netid.NETLINK, SocketEntry.Family.NETLINK));
        }
        if (unconn && (q.wants(Netid.PACKET_RAW) || q.wants(Netid.PACKET_DGRAM)) && q.families().contains(SocketEntry.Family.PACKET)) {
            tables.add(new Table(Netid.PACKET_RAW, SocketEntry.Family.PACKET));
        }
        if (q.wantsUnix()) {
            tables.add(new Table(Netid.UNIX_STREAM, SocketEntry.Family.UNIX));
        }
        for (Netid id : List.of(Netid.RAW, Netid.UDP, Netid.TCP)) {
            if (q.wants(id)) {
                for (SocketEntry.Family f : List.of(SocketEntry.Family.INET, SocketEntry.Family.INET6)) {
                    if (q.families().contains(f)) {
                        tables.add(new Table(id, f));
                    }
                }
            }
        }
        return tables;
    }
}
