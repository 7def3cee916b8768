package io.netdiag.fill;

import io.netdiag.testing.Host;

import java.util.ArrayList;
import java.util.List;

/** What the real ss prints for the sockets on one port: its rows, parsed, for differential tests. */
record SsRows(List<Row> rows, String text) {
    /** One socket as ss shows it; {@code info} is the tcp_info line under it ({@code -i}). */
    record Row(String state, long recvQ, long sendQ, String local, String peer, String info) {
    }

    static SsRows tcp(int port) {
        Host.Run run = Host.run("ss", "-tniH", "( sport = :" + port + " or dport = :" + port + " )");
        List<Row> rows = new ArrayList<>();
        Row pending = null;
        for (String line : run.out().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0)) && pending != null) {
                rows.set(rows.size() - 1, new Row(pending.state(), pending.recvQ(), pending.sendQ(), pending.local(),
                        pending.peer(), line.strip()));
                continue;
            }
            String[] f = line.strip().split("\\s+");
            pending = new Row(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], f[4], "");
            rows.add(pending);
        }
        return new SsRows(rows, run.out());
    }

    /** Every UNIX stream socket; {@code info} holds "inode peer-inode" so that the two ends can be paired. */
    static SsRows unix(String path) {
        Host.Run run = Host.run("ss", "-xH");
        List<Row> rows = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            String[] f = line.strip().split("\\s+");
            // u_str ESTAB 233152 0 /path 103638 * 103637: the client has no name (*), the peer is an inode
            if (f.length == 8 && f[0].equals("u_str")) {
                rows.add(new Row(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), f[4], f[6], f[5] + " " + f[7]));
            }
        }
        return new SsRows(rows, path + ": " + rows.stream().filter(r -> r.local().equals(path)).toList());
    }

    Row peerOf(Row row) {
        String peerInode = row.info().split(" ")[1];
        return rows.stream().filter(r -> r.info().split(" ")[0].equals(peerInode)).findFirst()
                .orElseThrow(() -> new AssertionError("ss shows no peer for " + row));
    }

    Row byLocal(String local) {
        return rows.stream().filter(r -> r.local().equals(local)).findFirst()
                .orElseThrow(() -> new AssertionError("ss shows no socket " + local + ":\n" + text));
    }
}
