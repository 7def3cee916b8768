package io.netdiag.sockets;

import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --watch's comparison of one refresh with the previous, held in arrays rather than entries: every socket gets the
 * mark a map of entries keyed by {@link QueueDiagnosis#key} gives it, closed sockets keep the row they had, and the
 * screen shows what moved first.
 */
class WatchRowsTest {
    private static final SocketRows.Layout LAYOUT = new SocketRows.Layout(true, true, false, false, true, null);

    private static SocketEntry tcp(String local, long lport, String peer, long pport, long inode, SocketState state, long recvQ,
                                   long sendQ) {
        boolean v6 = local.contains(":");
        return new SocketEntry(v6 ? SocketEntry.Family.INET6 : SocketEntry.Family.INET, Netid.TCP, state, recvQ, sendQ,
                new Endpoint(local, lport), new Endpoint(peer, pport), inode, 0, 0, false, -1, null, Optional.empty(),
                Optional.empty(), List.of(), null, 0);
    }

    private static SocketEntry unix(String path, long inode, long peer, long recvQ) {
        return new SocketEntry(SocketEntry.Family.UNIX, Netid.UNIX_STREAM, SocketState.ESTABLISHED, recvQ, 0,
                new Endpoint(path, inode), new Endpoint("*", peer), inode, 0, 0, false, -1, null, Optional.empty(),
                Optional.empty(), List.of(), null, 0);
    }

    private static WatchRows refresh(WatchRows reuse, WatchRows previous, List<SocketEntry> entries) {
        WatchRows now = reuse != null ? reuse : new WatchRows(LAYOUT);
        now.clear();
        for (SocketEntry e : entries) {
            now.add(e, previous);
        }
        if (previous != null) {
            now.addClosed(previous);
        }
        return now;
    }

    /** What the marks were when each refresh was a LinkedHashMap of entries (the reference). */
    private static List<String> expectedMarks(List<SocketEntry> before, List<SocketEntry> after) {
        Map<String, SocketEntry> old = new LinkedHashMap<>();
        before.forEach(e -> old.putIfAbsent(QueueDiagnosis.key(e), e));
        Map<String, SocketEntry> now = new LinkedHashMap<>();
        after.forEach(e -> now.putIfAbsent(QueueDiagnosis.key(e), e));
        List<String> marks = new ArrayList<>();
        now.forEach((k, e) -> {
            SocketEntry o = old.get(k);
            marks.add(o == null ? "NEW" : o.recvQ() != e.recvQ() || o.sendQ() != e.sendQ() || o.state() != e.state()
                    ? "CHANGED" : "SAME");
        });
        old.forEach((k, e) -> {
            if (!now.containsKey(k)) {
                marks.add("CLOSED");
            }
        });
        return marks;
    }

    private static List<String> marks(WatchRows rows) {
        List<String> marks = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            marks.add(rows.mark(r).name());
        }
        return marks;
    }

    @Test
    void newChangedClosedAndSameAsAMapOfEntriesHasThem() {
        SocketEntry listener = tcp("127.0.0.1", 8080, "0.0.0.0", 0, 10, SocketState.LISTEN, 0, 128);
        SocketEntry a = tcp("127.0.0.1", 8080, "127.0.0.1", 40000, 11, SocketState.ESTABLISHED, 0, 0);
        SocketEntry b = tcp("127.0.0.1", 40000, "127.0.0.1", 8080, 12, SocketState.ESTABLISHED, 0, 0);
        SocketEntry gone = tcp("::1", 9, "::1", 50000, 13, SocketState.ESTABLISHED, 5, 0);
        SocketEntry timeWait = tcp("127.0.0.1", 40001, "127.0.0.1", 8080, 0, SocketState.TIME_WAIT, 0, 0);
        SocketEntry path = unix("/run/ü.sock", 20, 21, 0);
        List<SocketEntry> first = List.of(listener, a, b, gone, path);
        WatchRows one = refresh(null, null, first);
        assertEquals(List.of("SAME", "SAME", "SAME", "SAME", "SAME"), marks(one), "the first refresh marks nothing");
        assertEquals(5, one.listed());
        assertEquals(0, one.opened() + one.closed() + one.changed());

        SocketEntry aQueued = tcp("127.0.0.1", 8080, "127.0.0.1", 40000, 11, SocketState.ESTABLISHED, 300, 0);
        SocketEntry bClosing = tcp("127.0.0.1", 40000, "127.0.0.1", 8080, 12, SocketState.FIN_WAIT1, 0, 0);
        // the same socket twice in one dump counts once
        List<SocketEntry> second = List.of(listener, aQueued, bClosing, timeWait, path, timeWait);
        WatchRows two = refresh(null, one, second);
        assertEquals(expectedMarks(first, second), marks(two));
        assertEquals(List.of("SAME", "CHANGED", "CHANGED", "NEW", "SAME", "CLOSED"), marks(two));
        assertEquals(5, two.listed(), "listed sockets, closed rows not counted");
        assertEquals(6, two.size());
        assertEquals(1, two.opened());
        assertEquals(2, two.changed());
        assertEquals(1, two.closed());
        // the closed socket keeps the row it had, non-ASCII and all
        SocketRows reference = new SocketRows(LAYOUT);
        List.of(listener, aQueued, bClosing, timeWait, path, gone).forEach(reference::add);
        assertEquals(reference.lines(false), linesOf(two.rows()));

        // what the stuck-queue judgement compares: the previous refresh's queues and state, for sockets that had some
        WatchRows probe = refresh(null, null, List.of());
        SocketEntry goneQueued = tcp("::1", 9, "::1", 50000, 13, SocketState.ESTABLISHED, 6, 0);
        probe.add(goneQueued, one);
        SocketEntry was = probe.before(goneQueued, one);
        assertEquals(5, was.recvQ(), "Recv-Q as the first refresh saw it");
        assertEquals(SocketState.ESTABLISHED, was.state());
        assertEquals(goneQueued.local(), was.local());
        probe.add(aQueued, one);
        assertEquals(null, probe.before(aQueued, one), "nothing queued in the first refresh: cannot be stuck");
        probe.add(timeWait, one);
        assertEquals(null, probe.before(timeWait, one), "new");

        // the third refresh reuses the first one's arrays
        List<SocketEntry> third = List.of(listener, path);
        WatchRows three = refresh(one, two, third);
        assertEquals(expectedMarks(second, third), marks(three));
        assertEquals(3, three.closed());
    }

    private static List<String> linesOf(SocketRows rows) {
        List<String> lines = new ArrayList<>();
        rows.eachLine((row, utf8, length) -> lines.add(new String(utf8, 0, length, java.nio.charset.StandardCharsets.UTF_8)));
        return lines;
    }

    @Test
    void thousandsOfSocketsOverManyRefreshesMatchTheReference() {
        java.util.Random random = new java.util.Random(17);
        List<SocketEntry> before = List.of();
        WatchRows previous = null;
        WatchRows spare = null;
        for (int refresh = 0; refresh < 6; refresh++) {
            List<SocketEntry> now = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                int port = 1024 + random.nextInt(6000); // collisions make duplicates and recurring keys
                long inode = random.nextInt(4) == 0 ? 0 : 100_000 + port;
                now.add(i % 7 == 0 ? unix(random.nextBoolean() ? "@abstract\0name" + port : "*", inode, port, random.nextInt(2))
                        : tcp(i % 2 == 0 ? "10.0.0." + (port % 250) : "fe80::" + Integer.toHexString(port), port, "127.0.0.1", 443,
                        inode, SocketState.ESTABLISHED, random.nextInt(3), 0));
            }
            WatchRows rows = refresh(spare, previous, now);
            if (previous == null) {
                assertTrue(marks(rows).stream().allMatch("SAME"::equals));
            } else {
                assertEquals(expectedMarks(before, now), marks(rows), "refresh " + refresh);
            }
            spare = previous;
            previous = rows;
            before = now;
        }
    }

    @Test
    void theScreenShowsWhatMovedThenWhatIsQueuedThenTheRest() {
        List<SocketEntry> first = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            first.add(tcp("127.0.0.1", 2000 + i, "127.0.0.1", 80, 1000 + i, SocketState.ESTABLISHED, 0, 0));
        }
        first.add(tcp("127.0.0.1", 80, "0.0.0.0", 0, 999, SocketState.LISTEN, 0, 128)); // a listener's Send-Q is its backlog
        first.add(tcp("127.0.0.1", 3000, "127.0.0.1", 80, 3000, SocketState.ESTABLISHED, 7, 0)); // queued, unchanged
        WatchRows one = refresh(null, null, first);
        List<SocketEntry> second = new ArrayList<>(first);
        second.remove(10); // closed
        second.set(20, tcp("127.0.0.1", 2021, "127.0.0.1", 80, 1021, SocketState.ESTABLISHED, 0, 99)); // changed
        second.add(tcp("127.0.0.1", 4000, "127.0.0.1", 80, 4000, SocketState.ESTABLISHED, 0, 0)); // new
        WatchRows two = refresh(null, one, second);
        int[] top = two.firstByPriority(5);
        assertEquals(5, top.length);
        assertEquals(List.of("CHANGED", "NEW", "CLOSED", "SAME", "SAME"),
                java.util.Arrays.stream(top).mapToObj(r -> two.mark(r).name()).toList());
        assertTrue(two.rows().line(top[0]).contains(":2021"), two.rows().line(top[0]));
        assertTrue(two.rows().line(top[3]).contains(":3000"), "then the queued socket: " + two.rows().line(top[3]));
        assertTrue(two.rows().line(top[4]).contains(":2000"), "then the rest in order: " + two.rows().line(top[4]));
        assertArrayEquals(new int[0], two.firstByPriority(0));

        List<AttributedString> screen = WatchView.screen("title", List.of(), null, two, 8, 200);
        assertEquals(8, screen.size());
        assertEquals("title", screen.get(0).toString());
        assertTrue(screen.get(1).toString().startsWith("Netid"), screen.get(1).toString());
        assertTrue(screen.get(2).toString().contains(":2021"), screen.get(2).toString());
        assertTrue(WatchView.screen("title", List.of(), null, two, 8, 30).stream().allMatch(l -> l.columnLength() <= 30),
                "lines cut at the terminal's width");

        StringWriter text = new StringWriter();
        WatchView.print(new PrintWriter(text), "title", List.of(), null, two);
        List<String> lines = text.toString().lines().toList();
        assertEquals("--- title", lines.get(0));
        assertEquals(1 + 1 + two.size(), lines.size());
        assertTrue(lines.get(1).startsWith("  Netid"), lines.get(1));
        assertEquals(1, lines.stream().filter(l -> l.startsWith("+ ") && l.contains(":4000")).count(), text::toString);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("- ") && l.contains(":2010")).count(), text::toString);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("~ ") && l.contains(":2021")).count(), text::toString);
        assertFalse(lines.stream().anyMatch(l -> l.endsWith(" ")), "no trailing blanks, as ss");
    }

    /**
     * Real loopback connections changed between two refreshes of {@link WatchView#run}: one opened, one closed and one
     * whose Recv-Q grows, each marked as such in the second refresh, the closed one with the row it had.
     */
    @Test
    void realConnectionsOpenedClosedAndFilledBetweenRefreshes() throws Exception {
        try (java.nio.channels.ServerSocketChannel listener = java.nio.channels.ServerSocketChannel.open()) {
            listener.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            int port = ((java.net.InetSocketAddress) listener.getLocalAddress()).getPort();
            java.nio.channels.SocketChannel staying = java.nio.channels.SocketChannel.open(listener.getLocalAddress());
            java.nio.channels.SocketChannel accepted = listener.accept();
            java.nio.channels.SocketChannel closing = java.nio.channels.SocketChannel.open(listener.getLocalAddress());
            java.nio.channels.SocketChannel closingPeer = listener.accept();
            int closingPort = ((java.net.InetSocketAddress) closing.getLocalAddress()).getPort();
            int stayingPort = ((java.net.InetSocketAddress) staying.getLocalAddress()).getPort();
            java.nio.channels.SocketChannel[] opened = new java.nio.channels.SocketChannel[2];
            int[] newPort = {-1};
            StringWriter text = new StringWriter();
            // the first refresh ends with a flush: change the sockets then, before the second one reads them
            PrintWriter out = new PrintWriter(text) {
                private boolean changed;

                @Override
                public void flush() {
                    super.flush();
                    if (!changed && text.toString().contains("--- ")) {
                        changed = true;
                        try {
                            staying.write(java.nio.ByteBuffer.wrap(new byte[1234])); // accepted never reads it
                            closing.setOption(java.net.StandardSocketOptions.SO_LINGER, 0); // RST: no TIME-WAIT row
                            closing.close();
                            closingPeer.close();
                            opened[0] = java.nio.channels.SocketChannel.open(listener.getLocalAddress());
                            opened[1] = listener.accept();
                            newPort[0] = ((java.net.InetSocketAddress) opened[0].getLocalAddress()).getPort();
                            Thread.sleep(100);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };
            try {
                SocketQuery query = SocketQuery.tcp().inStates(SocketState.connectedByDefault())
                        .where(SocketFilter.anyPort(port));
                assertEquals(0, WatchView.run(query, LAYOUT, false, 0.3, 2, false, false, out));
            } finally {
                for (java.nio.channels.SocketChannel c : java.util.Arrays.asList(staying, accepted, closing, closingPeer,
                        opened[0], opened[1])) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
            String second = text.toString().substring(text.toString().lastIndexOf("--- "));
            List<String> lines = second.lines().toList();
            assertTrue(lines.getFirst().contains("new 2 (total 2)   closed 2 (total 2)   changed 1"), second);
            assertEquals(2, lines.stream().filter(l -> l.startsWith("+ ") && l.contains(":" + newPort[0])).count(), second);
            assertEquals(2, lines.stream().filter(l -> l.startsWith("- ") && l.contains(":" + closingPort)
                    && l.contains("ESTAB")).count(), second);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("~ ") && l.contains(" 1234 ") && l.contains(":" + port)
                    && l.contains(":" + stayingPort)), second);
        }
    }
}
