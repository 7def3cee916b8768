package io.netdiag.sockets;

import io.netdiag.os.AddressText;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The /proc fallback, as netstat reads sockets: /proc/net/{tcp,tcp6,udp,udp6,raw,raw6,unix}. Rows are
 * {@code sl local rem st tx_queue:rx_queue tr:when retrnsmt uid timeout inode ...}; an address is the
 * network-order 32-bit word printed as a host-order hex integer (so {@code 0100007F} is 127.0.0.1 on
 * little-endian machines), IPv6 four such words, ports plain hex. What /proc cannot say: a listener's
 * backlog (tx_queue is 0 there, so Send-Q of LISTEN rows is 0), UNIX queues, tcp_info, socket memory.
 */
final class ProcNetTables {
    private final Path root;

    ProcNetTables(Path root) {
        this.root = root;
    }

    static ProcNetTables system() {
        return new ProcNetTables(Path.of("/proc/net"));
    }

    /** Reads one inet table (tcp, tcp6, udp, udp6, raw, raw6). A missing file (no IPv6) is an empty table. */
    void inet(Netid netid, boolean v6, Consumer<SocketEntry> sink) throws IOException {
        String name = switch (netid) {
            case TCP -> "tcp";
            case UDP -> "udp";
            default -> "raw";
        } + (v6 ? "6" : "");
        rows(name, line -> parseInet(netid, v6, line), sink);
    }

    void unix(Consumer<SocketEntry> sink) throws IOException {
        rows("unix", ProcNetTables::parseUnix, sink);
    }

    /** Reads /proc/net/netlink; it has no peers, so every socket shows as unconnected. */
    void netlink(Consumer<SocketEntry> sink) throws IOException {
        rows("netlink", ProcNetTables::parseNetlink, sink);
    }

    /** Reads /proc/net/packet. */
    void packet(Consumer<SocketEntry> sink) throws IOException {
        rows("packet", ProcNetTables::parsePacket, sink);
    }

    /** {@code sk RefCnt Type Proto Iface R Rmem User Inode}: type 2 datagram, 3 raw; protocol in hex. */
    static SocketEntry parsePacket(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 9) {
            return null;
        }
        try {
            Netid netid = f[2].equals("2") ? Netid.PACKET_DGRAM : Netid.PACKET_RAW;
            return new SocketEntry(SocketEntry.Family.PACKET, netid, SocketState.CLOSE, Long.parseLong(f[6]), 0,
                    new Endpoint(Integer.toString(Integer.parseInt(f[3], 16)), Long.parseLong(f[4])), new Endpoint("*", -1),
                    Long.parseLong(f[8]), Integer.parseInt(f[7]), 0, false, -1, null, Optional.empty(), Optional.empty(),
                    List.of(), null, 0);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Hands every row of /proc/net/{@code name} after its header that {@code parse} makes sense of to {@code sink}. */
    private void rows(String name, java.util.function.Function<String, SocketEntry> parse, Consumer<SocketEntry> sink)
            throws IOException {
        try (BufferedReader in = open(name)) {
            if (in == null) {
                return;
            }
            in.readLine(); // header
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                SocketEntry e = parse.apply(line);
                if (e != null) {
                    sink.accept(e);
                }
            }
        }
    }

    /**
     * {@code sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode}: protocol, port id (unsigned here, signed as ss and
     * sock_diag show it), groups in hex, memory in bytes.
     */
    static SocketEntry parseNetlink(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10) {
            return null;
        }
        try {
            return new SocketEntry(SocketEntry.Family.NETLINK, Netid.NETLINK, SocketState.CLOSE, Long.parseLong(f[4]),
                    Long.parseLong(f[5]), new Endpoint(f[1], (int) Long.parseLong(f[2])), new Endpoint("*", -1), Long.parseLong(f[9]),
                    -1, Long.parseLong(f[3], 16), false, -1, null, Optional.empty(), Optional.empty(), List.of(), null, 0);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private BufferedReader open(String name) throws IOException {
        try {
            return new BufferedReader(new InputStreamReader(Files.newInputStream(root.resolve(name)), StandardCharsets.UTF_8),
                    1 << 16);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    static SocketEntry parseInet(Netid netid, boolean v6, String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10) {
            return null;
        }
        int colon = f[1].indexOf(':');
        int peerColon = f[2].indexOf(':');
        int queues = f[4].indexOf(':');
        if (colon < 0 || peerColon < 0 || queues < 0) {
            return null;
        }
        Endpoint local = new Endpoint(address(f[1].substring(0, colon)), Integer.parseInt(f[1].substring(colon + 1), 16));
        Endpoint peer = new Endpoint(address(f[2].substring(0, peerColon)), Integer.parseInt(f[2].substring(peerColon + 1), 16));
        SocketState state = SocketState.of(Integer.parseInt(f[3], 16));
        long tx = Long.parseLong(f[4].substring(0, queues), 16);
        long rx = Long.parseLong(f[4].substring(queues + 1), 16);
        int uid = (int) Long.parseLong(f[7]);
        long inode = Long.parseLong(f[9]);
        // "tr:tm->when retrnsmt uid timeout": the timer, its expiry in clock ticks (USER_HZ, 100 on Linux), and
        // retransmissions or, for the other timers, unanswered probes in "timeout", as ss reads them
        SocketEntry.Timer timer = null;
        int timerColon = f[5].indexOf(':');
        if (timerColon > 0) {
            int kind = Integer.parseInt(f[5].substring(0, timerColon), 16);
            long ticks = Long.parseLong(f[5].substring(timerColon + 1), 16);
            int retransmits = kind != 1 ? Integer.parseInt(f[8]) : (int) Long.parseLong(f[6], 16);
            timer = SocketEntry.Timer.of(kind, (ticks * 1000 + 99) / 100, retransmits);
        }
        return new SocketEntry(v6 ? SocketEntry.Family.INET6 : SocketEntry.Family.INET, netid, state, rx, tx, local, peer,
                inode, uid, 0, false, -1, null, Optional.empty(), Optional.empty(), List.of(), timer, 0);
    }

    /** Num RefCount Protocol Flags Type St Inode [Path]; no queues, no peer. */
    static SocketEntry parseUnix(String line) {
        String[] f = line.trim().split("\\s+", 8);
        if (f.length < 7) {
            return null;
        }
        int flags = Integer.parseInt(f[3], 16);
        int type = Integer.parseInt(f[4], 16);
        int st = Integer.parseInt(f[5], 16);
        long inode = Long.parseLong(f[6]);
        String path = f.length > 7 ? f[7] : "*";
        SocketState state = switch (st) {
            case 2 -> SocketState.SYN_SENT;
            case 3 -> SocketState.ESTABLISHED;
            case 4 -> SocketState.CLOSE_WAIT;
            default -> SocketState.CLOSE;
        };
        if ((flags & (1 << 16)) != 0) { // __SO_ACCEPTCON: listen() was called
            state = SocketState.LISTEN;
        }
        return new SocketEntry(SocketEntry.Family.UNIX, Netid.fromUnixType(type), state, 0, 0, new Endpoint(path, inode),
                new Endpoint("*", 0), inode, -1, 0, false, -1, null, Optional.empty(), Optional.empty(), List.of(), null, 0);
    }

    /** Hex words as the kernel printed them (%08X of a network-order word read as a host integer). */
    static String address(String hex) {
        int words = hex.length() / 8;
        ByteBuffer b = ByteBuffer.allocate(words * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < words; i++) {
            b.putInt((int) Long.parseLong(hex, i * 8, i * 8 + 8, 16));
        }
        byte[] bytes = b.array();
        return words == 1 ? AddressText.ipv4(bytes, 0) : AddressText.ipv6(bytes);
    }
}
