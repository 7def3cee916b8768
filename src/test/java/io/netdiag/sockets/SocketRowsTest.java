package io.netdiag.sockets;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ss's formatting rules, from iproute2's ss.c and its output on this machine. */
class SocketRowsTest {
    private static SocketEntry entry(SocketEntry.Family family, Netid netid, SocketState state, String local, long lport,
                                     String peer, long pport, boolean v6only, List<Owner> owners) {
        return new SocketEntry(family, netid, state, 0, 128, new Endpoint(local, lport), new Endpoint(peer, pport), 42, 1000,
                0x1001, v6only, 0, null, Optional.empty(), Optional.empty(), owners, null, 0);
    }

    @Test
    void addressesAsSsPrintsThem() {
        SocketEntry dual = entry(SocketEntry.Family.INET6, Netid.TCP, SocketState.LISTEN, "::", 80, "::", 0, false, List.of());
        assertArrayEquals(new String[] {"*", "80"}, SocketRows.endpoint(dual, dual.local(), true, null), "dual-stack wildcard");
        assertArrayEquals(new String[] {"*", "*"}, SocketRows.endpoint(dual, dual.peer(), false, null), "port 0");
        SocketEntry only6 = entry(SocketEntry.Family.INET6, Netid.TCP, SocketState.LISTEN, "::", 80, "::", 0, true, List.of());
        assertArrayEquals(new String[] {"[::]", "80"}, SocketRows.endpoint(only6, only6.local(), true, null));
        SocketEntry v4 = entry(SocketEntry.Family.INET, Netid.TCP, SocketState.LISTEN, "0.0.0.0", 22, "0.0.0.0", 0, false, List.of());
        assertArrayEquals(new String[] {"0.0.0.0", "22"}, SocketRows.endpoint(v4, v4.local(), true, null));
        SocketEntry unix = entry(SocketEntry.Family.UNIX, Netid.UNIX_STREAM, SocketState.LISTEN, "/run/x.sock", 1234, "*", 0, false,
                List.of());
        assertArrayEquals(new String[] {"*", "0"}, SocketRows.endpoint(unix, unix.peer(), false, null), "UNIX peer inode 0");
    }

    /** Rows write address and port cells without Strings; they must be what endpoint() says, for every family. */
    @Test
    void rowCellsAreTheEndpointCells() {
        List<SocketEntry> entries = List.of(
                entry(SocketEntry.Family.INET6, Netid.TCP, SocketState.LISTEN, "::", 80, "::", 0, false, List.of()),
                entry(SocketEntry.Family.INET6, Netid.TCP, SocketState.LISTEN, "::", 81, "::", 0, true, List.of()),
                entry(SocketEntry.Family.INET6, Netid.TCP, SocketState.ESTABLISHED, "::ffff:127.0.0.1", 5000, "::1", 65535,
                        false, List.of()),
                entry(SocketEntry.Family.INET, Netid.UDP, SocketState.CLOSE, "0.0.0.0", 53, "0.0.0.0", 0, false, List.of()),
                entry(SocketEntry.Family.UNIX, Netid.UNIX_STREAM, SocketState.LISTEN, "/run/x.sock", 1234, "*", 0, false,
                        List.of()),
                entry(SocketEntry.Family.UNIX, Netid.UNIX_STREAM, SocketState.ESTABLISHED, "*", 0, "*", 99, false, List.of()));
        SocketRows rows = new SocketRows(new SocketRows.Layout(false, false, false, false, false, null));
        entries.forEach(rows::add);
        List<String> lines = rows.lines(false);
        for (int i = 0; i < entries.size(); i++) {
            SocketEntry e = entries.get(i);
            String[] local = SocketRows.endpoint(e, e.local(), true, null);
            String[] peer = SocketRows.endpoint(e, e.peer(), false, null);
            String delimiter = e.family() == SocketEntry.Family.UNIX ? " " : ":";
            String expected = "0 128 " + local[0] + delimiter + local[1] + " " + peer[0] + delimiter + peer[1];
            assertEquals(expected, String.join(" ", lines.get(i).trim().split(" +")), "row " + i + ": " + e);
        }
    }

    @Test
    void ownersAndExtendedColumns() {
        SocketEntry e = entry(SocketEntry.Family.INET, Netid.TCP, SocketState.LISTEN, "127.0.0.1", 8080, "0.0.0.0", 0, false,
                List.of(new Owner(12610, "python3", 3), new Owner(12611, "python3", 4)));
        assertEquals("users:((\"python3\",pid=12610,fd=3),(\"python3\",pid=12611,fd=4))", SocketRows.process(e));
        SocketRows rows = new SocketRows(new SocketRows.Layout(false, true, true, false, true, null));
        rows.add(e);
        StringWriter text = new StringWriter();
        rows.print(new PrintWriter(text));
        assertEquals("State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n"
                + "LISTEN 0      128        127.0.0.1:8080      0.0.0.0:*    users:((\"python3\",pid=12610,fd=3),"
                + "(\"python3\",pid=12611,fd=4)) uid:1000 ino:42 sk:1001 <->\n", text.toString());
    }

    private static SocketEntry unix(String path, long inode, long peer, SocketState state, long recvQ) {
        return new SocketEntry(SocketEntry.Family.UNIX, Netid.UNIX_STREAM, state, recvQ, 0, new Endpoint(path, inode),
                new Endpoint("*", peer), inode, 1000, 0, false, -1, null, Optional.empty(), Optional.empty(), List.of(), null, 0);
    }

    private static SocketEntry tcp(String local, long localPort, String peer, long peerPort, List<Owner> owners) {
        return new SocketEntry(SocketEntry.Family.INET, Netid.TCP, SocketState.ESTABLISHED, 0, 12345678901L,
                new Endpoint(local, localPort), new Endpoint(peer, peerPort), 7, 0, 0, false, -1, null, Optional.empty(),
                Optional.empty(), owners, null, 0);
    }

    /**
     * Columns are as wide as their widest cell in chars (a UTF-16 length, as the String-per-cell version measured
     * them), while rows are kept and printed as UTF-8 bytes; the expected text is what that version printed.
     */
    @Test
    void nonAsciiCellsAlignByCharsAndPrintTheSameAsTextOrBytes() throws Exception {
        SocketRows rows = new SocketRows(new SocketRows.Layout(true, true, false, false, true, null));
        rows.add(unix("/tmp/\u00e9t\u00e9.sock", 4242, 0, SocketState.LISTEN, 3));
        rows.add(unix("@\ud83d\ude00", 17, 18, SocketState.ESTABLISHED, 0));
        rows.add(unix("/run/ab", 5, 0, SocketState.LISTEN, 0));
        rows.add(tcp("10.0.0.1", 443, "10.0.0.2", 0, List.of(new Owner(1, "caf\u00e9", 3))));
        rows.add(tcp("127.0.0.1", 8080, "127.0.0.1", 51000, List.of()));
        String expected = "Netid State  Recv-Q Send-Q      Local Address:Port Peer Address:Port  Process\n"
                + "u_str LISTEN 3      0           /tmp/\u00e9t\u00e9.sock 4242            * 0\n"
                + "u_str ESTAB  0      0                     @\ud83d\ude00 17              * 18\n"
                + "u_str LISTEN 0      0                 /run/ab 5               * 0\n"
                + "tcp   ESTAB  0      12345678901      10.0.0.1:443      10.0.0.2:*     users:((\"caf\u00e9\",pid=1,fd=3))\n"
                + "tcp   ESTAB  0      12345678901     127.0.0.1:8080    127.0.0.1:51000\n";
        StringWriter text = new StringWriter();
        rows.print(new PrintWriter(text));
        assertEquals(expected, text.toString());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        rows.print(bytes);
        assertEquals(expected, bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(expected, String.join("\n", rows.lines(true)) + "\n");
        assertEquals(5, rows.size());
    }

    /**
     * From 8,192 rows a second thread lays out the second half: the bytes must be those of the one-row-at-a-time
     * path ({@link SocketRows#lines}), in the order the rows were added, header first, with the widest cell
     * (here the last row's) setting its column for both halves.
     */
    @Test
    void aLongListingLaidOutByTwoThreadsIsTheSameTextInTheSameOrder() throws Exception {
        SocketRows rows = new SocketRows(new SocketRows.Layout(false, true, false, false, true, null));
        byte[] loopback = "127.0.0.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] wide = "[2001:db8::1234:5678]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int n = 20_001;
        for (int i = 0; i < n; i++) {
            rows.addInet(Netid.TCP, i % 7 == 0 ? SocketState.LISTEN : SocketState.ESTABLISHED, i % 3, i % 11 * 1000,
                    loopback, 1024 + i, i == n - 1 ? wide : loopback, i % 5 == 0 ? 0 : 40_000 + i);
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        rows.print(bytes);
        String printed = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(String.join("\n", rows.lines(false)) + "\n", printed);
        String[] lines = printed.split("\n");
        assertEquals(n + 1, lines.length);
        assertEquals("ESTAB 1 1000 127.0.0.1:1025 127.0.0.1:40001", String.join(" ", lines[2].split(" +")));
        assertEquals("ESTAB 2 2000 127.0.0.1:21024 [2001:db8::1234:5678]:*", String.join(" ", lines[n].split(" +")));
        // addresses are right-aligned against their port: one column for the colon, in both halves
        int colon = lines[1].indexOf(':');
        for (int i = 1; i <= n; i++) {
            assertEquals(colon, lines[i].indexOf(':'), "line " + i);
        }
        StringWriter text = new StringWriter();
        rows.print(new PrintWriter(text));
        assertEquals(printed, text.toString());
    }

    /**
     * Rows laid out ahead while a listing arrives (layAhead, between netlink batches) print as rows laid out at the
     * end: when the widths stay, when a row added later is wider (the lines laid ahead are dropped), and when the
     * rows laid ahead stop short of the end; with the second half on its own thread or not.
     */
    @Test
    void rowsLaidOutAheadPrintAsRowsLaidOutAtTheEnd() throws Exception {
        byte[] loopback = "127.0.0.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] wide = "[2001:db8::1234:5678]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int n : new int[] {10, 20_001}) {
            for (int widerAt : new int[] {-1, 3, n / 2, n - 1}) {
                SocketRows plain = new SocketRows(new SocketRows.Layout(false, true, false, false, true, null));
                SocketRows laid = new SocketRows(new SocketRows.Layout(false, true, false, false, true, null));
                int aheadCalls = 0;
                for (int i = 0; i < n; i++) {
                    SocketState state = i == widerAt ? SocketState.TIME_WAIT : i % 7 == 0 ? SocketState.LISTEN
                            : SocketState.ESTABLISHED;
                    byte[] peer = i == widerAt ? wide : loopback;
                    plain.addInet(Netid.TCP, state, i % 3, i % 11 * 1000, loopback, 1024 + i, peer, 40_000 + i % 20_000);
                    laid.addInet(Netid.TCP, state, i % 3, i % 11 * 1000, loopback, 1024 + i, peer, 40_000 + i % 20_000);
                    if (i % 97 == 0 && laid.layAhead(256)) {
                        aheadCalls++;
                    }
                }
                assertTrue(aheadCalls > 0);
                java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
                plain.print(expected);
                java.io.ByteArrayOutputStream actual = new java.io.ByteArrayOutputStream();
                laid.print(actual);
                assertEquals(expected.toString(java.nio.charset.StandardCharsets.UTF_8),
                        actual.toString(java.nio.charset.StandardCharsets.UTF_8), "n " + n + ", wider at " + widerAt);
                assertEquals(n + 1, actual.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n").length);
            }
        }
        // every row laid out ahead, then printed: the same again
        SocketRows all = new SocketRows(new SocketRows.Layout(false, true, false, false, true, null));
        for (int i = 0; i < 1000; i++) {
            all.addInet(Netid.TCP, SocketState.ESTABLISHED, 0, 0, loopback, 1024 + i, loopback, 50_000 + i);
        }
        String before = String.join("\n", all.lines(false)) + "\n";
        while (all.layAhead(256)) {
            // until every row is laid out
        }
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        all.print(printed);
        assertEquals(before, printed.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * A cell of 255 bytes or more before the process cell (a long UNIX path, a long host name) makes its row keep
     * int cell ends apart from the byte lengths of the others: such rows print as the short ones around them do,
     * right-aligned against their port, and stay the same through addRow and a reuse after clear.
     */
    @Test
    void rowsWithLongCellsPrintAsShortOnes() throws Exception {
        List<SocketEntry> entries = List.of(
                unix("/run/a", 1, 0, SocketState.LISTEN, 0),
                unix("/run/" + "d".repeat(300) + ".sock", 2, 0, SocketState.LISTEN, 7),
                unix("/run/" + "m".repeat(249), 3, 0, SocketState.LISTEN, 0), // 254 bytes: the longest kept in a byte
                unix("/run/" + "e".repeat(250), 4, 0, SocketState.LISTEN, 0), // 255 bytes
                unix("/run/\u00e9" + "\u00e9".repeat(140), 5, 0, SocketState.LISTEN, 0), // 141 chars, 282 bytes
                tcp("127.0.0.1", 80, "10.1.2.3", 443, List.of(new Owner(1, "x".repeat(400), 3))),
                tcp("h".repeat(260), 80, "p".repeat(300), 443, List.of()),
                tcp("127.0.0.1", 8080, "127.0.0.1", 51000, List.of()));
        SocketRows.Layout layout = new SocketRows.Layout(true, true, false, false, true, null);
        SocketRows rows = new SocketRows(layout);
        entries.forEach(rows::add);
        List<String> lines = rows.lines(false);
        assertEquals(entries.size() + 1, lines.size());
        int colon = -1;
        for (int i = 0; i < entries.size(); i++) {
            SocketEntry e = entries.get(i);
            String[] local = SocketRows.endpoint(e, e.local(), true, null);
            String[] peer = SocketRows.endpoint(e, e.peer(), false, null);
            String delimiter = e.family() == SocketEntry.Family.UNIX ? " " : ":";
            String process = SocketRows.process(e);
            String expected = e.netid().ssName() + " " + e.state().ssName() + " " + e.recvQ() + " " + e.sendQ() + " " + local[0]
                    + delimiter + local[1] + " " + peer[0] + delimiter + peer[1] + (process.isEmpty() ? "" : " " + process);
            String line = lines.get(i + 1);
            assertEquals(expected, String.join(" ", line.trim().split(" +")), "row " + i);
            int end = line.indexOf(local[0] + delimiter + local[1]) + local[0].length(); // right-aligned addresses
            if (colon < 0) {
                colon = end;
            }
            assertEquals(colon, end, "row " + i);
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        rows.print(bytes);
        assertEquals(String.join("\n", lines) + "\n", bytes.toString(java.nio.charset.StandardCharsets.UTF_8));

        SocketRows copy = new SocketRows(layout);
        for (int r = entries.size() - 1; r >= 0; r--) {
            copy.addRow(rows, r);
        }
        List<String> reversed = new java.util.ArrayList<>(lines.subList(1, lines.size()));
        java.util.Collections.reverse(reversed);
        assertEquals(reversed, copy.lines(false).subList(1, lines.size()));
        rows.clear();
        entries.reversed().forEach(rows::add);
        assertEquals(copy.lines(false), rows.lines(false));
        for (int r = 0; r < entries.size(); r++) {
            assertEquals(reversed.get(r), rows.line(r));
        }
    }

    /** ss's netlink rows: PROTOCOL:PORTID, a lone '*' for an unconnected peer, GROUP:PORTID for a connected one. */
    @Test
    void netlinkRowsAsSsPrintsThem() {
        SocketEntry kernel = SockDiagFixtures.netlink(0, 0, new Endpoint("*", -1), 0);
        SocketEntry user = SockDiagFixtures.netlink(4, -4097, new Endpoint("*", -1), 4352);
        SocketEntry connected = SockDiagFixtures.netlink(16, 77, new Endpoint("0", 0), 0);
        SocketRows rows = new SocketRows(new SocketRows.Layout(true, true, false, false, true, null));
        rows.add(kernel);
        rows.add(user);
        rows.add(connected);
        StringWriter text = new StringWriter();
        rows.print(new PrintWriter(text));
        assertEquals("Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n"
                + "nl    UNCONN 0      0                  0:0                 *\n"
                + "nl    UNCONN 4352   0                  4:-4097             *\n"
                + "nl    UNCONN 0      0                 16:77               0:0\n", text.toString());
        assertArrayEquals(new String[] {"rtnl", "kernel"}, SocketRows.endpoint(kernel, kernel.local(), true, new NameResolver()));
        assertArrayEquals(new String[] {"*", ""}, SocketRows.endpoint(kernel, kernel.peer(), false, null));
        SocketEntry fromProc = ProcNetTables.parseNetlink(
                "0000000000000000 4   4294963199 00000001 832      0        0     2        0        4845025");
        assertEquals(832, fromProc.recvQ());
        assertEquals("4", fromProc.local().address());
        assertEquals(-4097, fromProc.local().port(), "unsigned in /proc, signed as ss prints it");
        assertEquals(1, fromProc.cookie(), "the groups");
        assertEquals(4845025, fromProc.inode());
    }

    @Test
    void timesAndRatesLikeSs() {
        assertEquals("0.022", SocketRows.ms(22));
        assertEquals("204", SocketRows.ms(204_000));
        assertEquals("1.5", SocketRows.ms(1_500));
        assertEquals("141Gbps", SocketRows.rate(141.2e9, false));
        assertEquals("31.4Gbps", SocketRows.rate(31.4e9, false));
        assertEquals("1.2Mbps", SocketRows.rate(1.2e6, false));
        assertEquals("1.2kbps", SocketRows.rate(1.2e3, false));
        assertEquals("1.35Tbps", SocketRows.rate(1.35e12, false));
        assertEquals("900bps", SocketRows.rate(900, false));
        // ss -n: unscaled
        assertEquals("135168000000bps", SocketRows.rate(135_168_000_000.0, true));
    }

    @Test
    void kernelCountersComeInHeaderValuePairs() {
        Map<String, Long> values = new HashMap<>();
        KernelCounters.parse("TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 7 9\n"
                + "IpExt: InNoRoutes\nIpExt: 3\n", values);
        assertEquals(7L, values.get("TcpExt.ListenOverflows"));
        assertEquals(9L, values.get("TcpExt.ListenDrops"));
        assertEquals(3L, values.get("IpExt.InNoRoutes"));
        List<SocketSummary.TableLine> tables = KernelCounters.parseSockstat("sockets: used 14\nTCP: inuse 1 orphan 0 tw 3 alloc 1 mem 41\n");
        assertEquals("TCP", tables.get(1).protocol());
        assertEquals(3L, tables.get(1).values().get("tw"));
        assertEquals(14L, tables.getFirst().values().get("used"));
        KernelCounters real = KernelCounters.read();
        assertEquals(true, real.get("TcpExt", "ListenOverflows") >= 0, "this kernel has the counter");
    }
}
