package io.netdiag.sockets;

import java.util.Arrays;

/**
 * One {@code --watch} refresh, kept for the next to compare with: per socket a fingerprint of its identity (netid,
 * inode and both ends, what {@link QueueDiagnosis#key} names), its queues, state and mark, and its row text
 * ({@link SocketRows}), in arrays that the refresh after next clears and fills again. A refresh of 50,000 sockets
 * thus keeps about 4 MB of bytes and numbers instead of 50,000 {@link SocketEntry} objects with their tcp_info, and
 * allocates nothing that outlives it: the rest of a refresh dies young, and memory stays flat however long the
 * watch runs.
 *
 * <p>Sockets are matched by a 64-bit fingerprint rather than by their key text: among 50,000 sockets the chance that
 * two share one is about one in 10^10 a refresh, and its cost a row marked changed instead of new.
 */
final class WatchRows {
    /** How a row compares with the previous refresh. */
    enum Mark { SAME, NEW, CHANGED, CLOSED }

    private static final Mark[] MARKS = Mark.values();
    private static final SocketState[] STATES = SocketState.values();
    private static final int LISTEN = SocketState.LISTEN.ordinal();
    private static final int SYN_SENT = SocketState.SYN_SENT.ordinal();

    /** The rows in the order added, closed ones last; null when only the comparison is wanted (JSON). */
    private final SocketRows rows;
    /** Sockets added by {@link #add} (rows 0 to listed - 1); the rows after them are closed ones. */
    private int listed;
    private int size;
    private long[] fingerprints = new long[1024];
    /** Queues as the kernel's u32 (saturated), compared for equality and with zero only. */
    private int[] recvQ = new int[1024];
    private int[] sendQ = new int[1024];
    private byte[] states = new byte[1024];
    private byte[] marks = new byte[1024];
    /** Whether the next refresh found this socket again. */
    private boolean[] seen = new boolean[1024];
    /** Open addressing by fingerprint: row + 1, 0 for a free slot; at most half full. */
    private int[] slots = new int[2048];
    private long opened;
    private long changed;
    private long closed;
    /** The row of the previous refresh that the last {@link #add} found, or -1. */
    private int lastFound = -1;

    WatchRows(SocketRows.Layout layout) {
        this.rows = layout == null ? null : new SocketRows(layout);
    }

    /** Empties this refresh for reuse, keeping its arrays. */
    void clear() {
        if (rows != null) {
            rows.clear();
        }
        listed = 0;
        size = 0;
        Arrays.fill(slots, 0);
        opened = 0;
        changed = 0;
        closed = 0;
        lastFound = -1;
    }

    /**
     * Adds a socket of this refresh, marked against {@code previous} (null on the first refresh, where every row is
     * {@link Mark#SAME}). Returns false and adds nothing for a socket already added (a dump may report a socket
     * twice when the table changes under it).
     */
    boolean add(SocketEntry e, WatchRows previous) {
        long fingerprint = fingerprint(e);
        lastFound = -1;
        if (find(fingerprint) >= 0) {
            return false;
        }
        int recv = u32(e.recvQ());
        int send = u32(e.sendQ());
        byte state = (byte) e.state().ordinal();
        Mark mark = Mark.SAME;
        if (previous != null) {
            int old = previous.find(fingerprint);
            if (old < 0) {
                mark = Mark.NEW;
                opened++;
            } else {
                lastFound = old;
                previous.seen[old] = true;
                if (previous.recvQ[old] != recv || previous.sendQ[old] != send || previous.states[old] != state) {
                    mark = Mark.CHANGED;
                    changed++;
                }
            }
        }
        int row = append(mark, recv, send, state);
        fingerprints[row] = fingerprint;
        listed++;
        insert(row, fingerprint);
        if (rows != null) {
            rows.add(e);
        }
        return true;
    }

    /**
     * The socket that the last {@link #add} found in {@code previous} as it was there, when it could be stuck then
     * (something queued, or a connect in flight), with that refresh's queues and state and this one's other fields:
     * what {@link QueueDiagnosis#judge} compares. Null when the socket is new or had nothing that could be stuck.
     */
    SocketEntry before(SocketEntry e, WatchRows previous) {
        int r = lastFound;
        if (r < 0 || !previous.couldBeStuck(r)) {
            return null;
        }
        return new SocketEntry(e.family(), e.netid(), STATES[previous.states[r]],
                Integer.toUnsignedLong(previous.recvQ[r]), Integer.toUnsignedLong(previous.sendQ[r]), e.local(), e.peer(),
                e.inode(), e.uid(), e.cookie(), e.v6only(), e.shutdown(), e.congestion(), e.tcpInfo(), e.memory(), e.owners(),
                e.timer(), e.cgroup());
    }

    /** What {@link QueueDiagnosis#judge} can flag: a queue that is not empty, or a connect in flight. */
    static boolean couldBeStuck(SocketEntry e) {
        return e.recvQ() > 0 || e.sendQ() > 0 || e.state() == SocketState.SYN_SENT;
    }

    private boolean couldBeStuck(int r) {
        return recvQ[r] != 0 || sendQ[r] != 0 || states[r] == SYN_SENT;
    }

    /** After the last {@link #add}: the sockets of {@code previous} not seen again, as closed rows at the end. */
    void addClosed(WatchRows previous) {
        for (int r = 0; r < previous.listed; r++) {
            if (!previous.seen[r]) {
                append(Mark.CLOSED, previous.recvQ[r], previous.sendQ[r], previous.states[r]);
                closed++;
                if (rows != null) {
                    rows.addRow(previous.rows, r);
                }
            }
        }
    }

    private static int u32(long queue) {
        return (int) Math.clamp(queue, 0, 0xFFFF_FFFFL);
    }

    private int append(Mark mark, int recv, int send, byte state) {
        int row = size;
        if (row == marks.length) {
            int n = row + (row >> 1); // by half: the arrays stay at about one refresh's size
            fingerprints = Arrays.copyOf(fingerprints, n);
            recvQ = Arrays.copyOf(recvQ, n);
            sendQ = Arrays.copyOf(sendQ, n);
            states = Arrays.copyOf(states, n);
            marks = Arrays.copyOf(marks, n);
            seen = Arrays.copyOf(seen, n);
        }
        marks[row] = (byte) mark.ordinal();
        recvQ[row] = recv;
        sendQ[row] = send;
        states[row] = state;
        seen[row] = false;
        size++;
        return row;
    }

    /** Rows, closed ones included. */
    int size() {
        return size;
    }

    /** Sockets listed by this refresh (closed rows not counted). */
    int listed() {
        return listed;
    }

    long opened() {
        return opened;
    }

    long changed() {
        return changed;
    }

    long closed() {
        return closed;
    }

    Mark mark(int row) {
        return MARKS[marks[row]];
    }

    SocketRows rows() {
        return rows;
    }

    /** New, changed and closed rows first (0), then sockets with something queued (1), then the rest (2). */
    int priority(int row) {
        if (marks[row] != Mark.SAME.ordinal()) {
            return 0;
        }
        return recvQ[row] > 0 || (sendQ[row] > 0 && states[row] != LISTEN) ? 1 : 2;
    }

    /**
     * The rows a screen of {@code limit} lines shows, in the order it shows them: by {@link #priority}, and in the
     * order added within one priority (a stable sort of every row, without sorting them).
     */
    int[] firstByPriority(int limit) {
        int[] picked = new int[Math.max(0, Math.min(limit, size))];
        int n = 0;
        for (int p = 0; p <= 2 && n < picked.length; p++) {
            for (int r = 0; r < size && n < picked.length; r++) {
                if (priority(r) == p) {
                    picked[n++] = r;
                }
            }
        }
        return picked;
    }

    // ---- fingerprints: netid, inode, local address and port, peer address and port ----

    static long fingerprint(SocketEntry e) {
        long h = mix(0x243F6A8885A308D3L, e.netid().ordinal());
        h = mix(h, e.inode());
        h = text(h, e.local().address());
        h = mix(h, e.local().port());
        h = text(h, e.peer().address());
        return mix(h, e.peer().port());
    }

    private static long text(long h, String s) {
        if (s == null) {
            return mix(h, -1);
        }
        long t = mix(h, s.length());
        for (int i = 0; i < s.length(); i++) {
            t = (t ^ s.charAt(i)) * 0x100000001B3L; // FNV-1a by char
        }
        return mix(t, 0);
    }

    /** MurmurHash3's 64-bit finaliser over the state and the next value: a bijection of each, so order counts. */
    private static long mix(long h, long v) {
        long z = h ^ v * 0x9E3779B97F4A7C15L;
        z = (z ^ z >>> 33) * 0xFF51AFD7ED558CCDL;
        z = (z ^ z >>> 33) * 0xC4CEB9FE1A85EC53L;
        return z ^ z >>> 33;
    }

    private static int slot(long fingerprint, int mask) {
        return (int) fingerprint & mask;
    }

    /** The row with this fingerprint, or -1. */
    private int find(long fingerprint) {
        int mask = slots.length - 1;
        for (int i = slot(fingerprint, mask); ; i = i + 1 & mask) {
            int slot = slots[i];
            if (slot == 0) {
                return -1;
            }
            if (fingerprints[slot - 1] == fingerprint) {
                return slot - 1;
            }
        }
    }

    private void insert(int row, long fingerprint) {
        if (2 * listed > slots.length) {
            slots = new int[slots.length * 2];
            for (int r = 0; r < listed - 1; r++) {
                place(r, fingerprints[r]);
            }
        }
        place(row, fingerprint);
    }

    private void place(int row, long fingerprint) {
        int mask = slots.length - 1;
        int i = slot(fingerprint, mask);
        while (slots[i] != 0) {
            i = i + 1 & mask;
        }
        slots[i] = row + 1;
    }
}
