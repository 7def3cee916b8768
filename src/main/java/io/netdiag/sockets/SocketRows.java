package io.netdiag.sockets;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * ss-compatible text output: {@code Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process},
 * addresses right-aligned against their port as ss prints them, IPv6 in brackets, {@code *} for a
 * dual-stack wildcard and for port 0. Rows are formatted as they stream in and only their text is kept,
 * to size the columns once at the end (as ss does).
 *
 * @param netidColumn   show Netid (more than one kind of socket asked for)
 * @param stateColumn   show State (more than one state asked for)
 * @param extended      {@code -e}: uid, inode, cookie, v6only, shutdown marks
 * @param info          {@code -i}: a second, tab-indented line of tcp_info and skmem
 * @param header        print the header line
 * @param names         {@code -r}: resolve addresses and ports to names
 * @param timers        {@code -o}: TCP timers, {@code timer:(keepalive,119min,0)}, after the process
 */
public final class SocketRows {
    public record Layout(boolean netidColumn, boolean stateColumn, boolean extended, boolean info, boolean header,
                         NameResolver names, boolean timers, Details details) {
        /** {@code details} says what the second line holds when there is one ({@code info}): both by default. */
        public Layout {
            details = !info ? null : details == null ? Details.BOTH : details;
        }

        public Layout(boolean netidColumn, boolean stateColumn, boolean extended, boolean info, boolean header,
                      NameResolver names, boolean timers) {
            this(netidColumn, stateColumn, extended, info, header, names, timers, null);
        }

        public Layout(boolean netidColumn, boolean stateColumn, boolean extended, boolean info, boolean header,
                      NameResolver names) {
            this(netidColumn, stateColumn, extended, info, header, names, false);
        }
    }

    /**
     * What the second, tab-indented line of a row holds, as ss prints it: socket memory ({@code -m}, any socket that
     * has it) and tcp_info ({@code -i}, TCP sockets only).
     */
    public record Details(boolean memory, boolean tcpInfo) {
        public static final Details BOTH = new Details(true, true);
    }

    /*
     * Rows are kept as the bytes of their cells, one after another in one array: a listing of 40,000 sockets
     * holds ~2 MB of text instead of ten String objects per row, and printing copies bytes into the output buffer
     * without encoding chars. Cells are UTF-8 (only UNIX paths and process names can be other than ASCII); widths
     * count chars, as String.length() does. Per row: where it starts in the text and the byte length of each cell
     * but the last (the process cell, which ends where the next row starts), 13 bytes with the row's flags where
     * nine int cell ends took 37: --watch keeps two refreshes of rows, ~2.5 MB less with 52,000 sockets. A row with
     * a cell of 255 bytes or more before the last (a long UNIX path, a host name with -r) is LONG: its eight cell
     * ends are kept in longEnds instead, and its eight length bytes hold where.
     */
    private static final int CELLS = 9;
    private static final int MEASURED = CELLS - 1; // cells with a stored length
    private static final byte UNIX_DELIMITER = 1; // ss separates a UNIX path from its inode by a blank
    private static final byte NON_ASCII = 2;
    private static final byte PEER_STAR = 4; // no peer (netlink, packet), which ss prints as a lone star
    private static final byte LONG = 8;

    private final Layout layout;
    private byte[] text = new byte[1 << 16];
    private int used;
    /** Where each row starts in the text, and after the last row where the next would: rows + 1 entries. */
    private int[] starts = new int[1024 + 1];
    /** The byte lengths of each row's first {@link #MEASURED} cells, unsigned; for a LONG row an index into longEnds. */
    private byte[] lengths = new byte[MEASURED * 1024];
    private int[] longEnds = new int[0];
    private int longUsed;
    private byte[] flags = new byte[1024];
    private int count;
    private int cell; // the next cell of the row being added
    private int cellStart; // where it starts in the text
    private final int[] widths = new int[CELLS];
    /** The -i lines, one per row (null when a row has none); absent without -i. */
    private final List<String> details;

    public SocketRows(Layout layout) {
        this.layout = layout;
        this.details = layout.info() ? new ArrayList<>() : null;
        headerWidths();
    }

    private void headerWidths() {
        Arrays.fill(widths, 0);
        if (layout.header()) {
            for (int i = 0; i < CELLS; i++) {
                widths[i] = HEAD[i].length();
            }
        }
    }

    /**
     * Empties the rows for another listing in the same layout, keeping the arrays at their size: a {@code --watch}
     * refresh reuses the rows of the one before last, so that a large listing allocates nothing that lives long.
     */
    public void clear() {
        // arrays grown by doubling for a listing much smaller than they are go back to a little above its size:
        // a watch keeps two listings' rows for as long as it runs, and doubling leaves up to half of each unused
        if (flags.length > 1024 && flags.length > count + count / 2) {
            int rows = Math.max(1024, count + count / 4);
            flags = Arrays.copyOf(flags, rows);
            starts = Arrays.copyOf(starts, rows + 1);
            lengths = Arrays.copyOf(lengths, rows * MEASURED);
        }
        if (text.length > (1 << 16) && text.length > used + used / 2) {
            text = Arrays.copyOf(text, Math.max(1 << 16, used + used / 4));
        }
        if (longEnds.length > 1024 && longEnds.length > longUsed + longUsed / 2) {
            longEnds = Arrays.copyOf(longEnds, longUsed + longUsed / 4);
        }
        used = 0;
        count = 0;
        cell = 0;
        ahead = null;
        longUsed = 0;
        starts[0] = 0;
        headerWidths();
        if (details != null) {
            details.clear();
        }
    }

    /**
     * Adds row {@code r} of {@code other} (rows in the same layout) as it is there: {@code --watch} shows the
     * sockets closed since the previous refresh with the row they had then.
     */
    public void addRow(SocketRows other, int r) {
        startRow((byte) (other.flags[r] & ~LONG));
        boolean wide = (other.flags[r] & NON_ASCII) != 0;
        int from = other.starts[r];
        for (int c = 0; c < CELLS; c++) {
            int to = other.cellEnd(r, c);
            room(to - from);
            System.arraycopy(other.text, from, text, used, to - from);
            used += to - from;
            endCell(other.chars(from, to, wide));
            from = to;
        }
        if (details != null) {
            details.add(other.details == null ? null : other.details.get(r));
        }
        endRow();
    }

    public void add(SocketEntry e) {
        String process = e.owners().isEmpty() ? "" : process(e);
        startRow(e.family() == SocketEntry.Family.UNIX ? UNIX_DELIMITER : 0);
        ascii(NETIDS[e.netid().ordinal()]);
        ascii(STATES[e.state().ordinal()]);
        number(e.recvQ());
        number(e.sendQ());
        endpoint(e, e.local(), true);
        endpoint(e, e.peer(), false);
        String timer = layout.timers() && e.timer() != null ? " " + e.timer().text() : "";
        // UNIX, packet and netlink sockets: ss -m puts their memory at the end of the row itself (netlink's after a tab)
        String memory = details != null && layout.details().memory() && !inet(e)
                ? e.memory().map(SocketRows::skmem).orElse("") : "";
        if (!memory.isEmpty() && e.family() == SocketEntry.Family.NETLINK) {
            memory = "\t" + memory;
        }
        String tail = !layout.extended() ? timer + memory
                : e.family() == SocketEntry.Family.NETLINK ? timer + extended(e) + memory // ss: -e's items, then the memory
                : timer + memory + extended(e);
        // without a process, what follows the peer column starts one space after it, as in ss (its Process column is
        // empty and has no width)
        cell(process.isEmpty() && tail.startsWith(" ") ? tail.substring(1) : process + tail);
        if (details != null) {
            details.add(detail(e, layout.details(), layout.timers(), layout.names() == null));
        }
        endRow();
    }

    /** The address and port cells of one end, as {@link #endpoint(SocketEntry, Endpoint, boolean, NameResolver)}. */
    private void endpoint(SocketEntry e, Endpoint end, boolean local) {
        if (e.family() == SocketEntry.Family.NETLINK || e.family() == SocketEntry.Family.PACKET) {
            if (starPeer(e, end, local)) {
                // ss prints its address field as "*" and an empty port: the star stands where the colon would
                flags[count] |= PEER_STAR;
                cell("");
                cell("");
            } else {
                String[] cells = endpoint(e, end, local, layout.names());
                cell(cells[0]);
                cell(cells[1]);
            }
            return;
        }
        if (layout.names() != null) {
            String[] cells = endpoint(e, end, local, layout.names());
            cell(cells[0]);
            cell(cells[1]);
            return;
        }
        // numeric: the same cells without the Strings
        if (e.family() == SocketEntry.Family.UNIX) {
            cell(end.address());
            number(end.port());
            return;
        }
        String address = end.address();
        if (e.family() == SocketEntry.Family.INET6) {
            if (!e.v6only() && address.equals("::")) {
                ascii(STAR);
            } else {
                bracketed(address);
            }
        } else {
            cell(address);
        }
        port((int) end.port());
    }

    /** Whether {@link #addInet} can stand for {@link #add}: no column needs more than the inet_diag message. */
    boolean plain() {
        return !layout.extended() && !layout.info() && !layout.timers() && layout.names() == null;
    }

    /**
     * A TCP, UDP or raw row straight from a sock_diag message, without a {@link SocketEntry}: what {@link #add}
     * makes of an entry with no owners, for a {@link #plain} layout. Hosts are the ASCII text of the address
     * column ({@code 127.0.0.1}, {@code [::1]}, {@code *}); port 0 prints as {@code *}.
     */
    void addInet(Netid netid, SocketState state, long recvQ, long sendQ, byte[] localHost, int localPort, byte[] peerHost,
                 int peerPort) {
        startRow((byte) 0);
        ascii(NETIDS[netid.ordinal()]);
        ascii(STATES[state.ordinal()]);
        number(recvQ);
        number(sendQ);
        ascii(localHost);
        port(localPort);
        ascii(peerHost);
        port(peerPort);
        endCell(); // no process
        endRow();
    }

    private static final byte[][] NETIDS = new byte[Netid.values().length][];
    private static final byte[][] STATES = new byte[SocketState.values().length][];
    private static final byte[] STAR = {'*'};

    static {
        for (Netid n : Netid.values()) {
            NETIDS[n.ordinal()] = n.ssName().getBytes(StandardCharsets.US_ASCII);
        }
        for (SocketState s : SocketState.values()) {
            STATES[s.ordinal()] = s.ssName().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private void startRow(byte rowFlags) {
        if (count == flags.length) {
            flags = Arrays.copyOf(flags, count * 2);
            starts = Arrays.copyOf(starts, count * 2 + 1);
            lengths = Arrays.copyOf(lengths, count * 2 * MEASURED);
        }
        flags[count] = rowFlags;
        cell = 0;
        cellStart = used;
    }

    private void endRow() {
        count++;
        starts[count] = used;
    }

    /** Ends the current cell at {@link #used} and widens its column to {@code chars} when it is wider. */
    private void endCell(int chars) {
        int c = cell++;
        if (c < MEASURED) {
            int n = used - cellStart;
            if ((flags[count] & LONG) != 0) {
                longEnds[longIndex(count) + c] = used;
            } else if (n < 255) {
                lengths[count * MEASURED + c] = (byte) n;
            } else {
                makeLong(c);
            }
        }
        cellStart = used;
        if (chars > widths[c]) {
            widths[c] = chars;
        }
    }

    private void endCell() {
        endCell(used - cellStart);
    }

    /** Moves the row being added to longEnds as its cell {@code c}, of 255 bytes or more, ends at {@link #used}. */
    private void makeLong(int c) {
        int i = longUsed;
        if (i + MEASURED > longEnds.length) {
            longEnds = Arrays.copyOf(longEnds, Math.max(64, longEnds.length * 2));
        }
        int p = count * MEASURED;
        int end = starts[count];
        for (int k = 0; k < c; k++) {
            end += lengths[p + k] & 0xff;
            longEnds[i + k] = end;
        }
        longEnds[i + c] = used;
        longUsed += MEASURED;
        flags[count] |= LONG;
        lengths[p] = (byte) (i >>> 24);
        lengths[p + 1] = (byte) (i >>> 16);
        lengths[p + 2] = (byte) (i >>> 8);
        lengths[p + 3] = (byte) i;
    }

    private int longIndex(int r) {
        int p = r * MEASURED;
        return (lengths[p] & 0xff) << 24 | (lengths[p + 1] & 0xff) << 16 | (lengths[p + 2] & 0xff) << 8 | lengths[p + 3] & 0xff;
    }

    /** Where cell {@code c} of row {@code r} ends in the text. */
    private int cellEnd(int r, int c) {
        if (c == MEASURED) {
            return starts[r + 1];
        }
        if ((flags[r] & LONG) != 0) {
            return longEnds[longIndex(r) + c];
        }
        int end = starts[r];
        for (int k = 0, p = r * MEASURED; k <= c; k++) {
            end += lengths[p + k] & 0xff;
        }
        return end;
    }

    private void room(int bytes) {
        if (used + bytes > text.length) {
            text = Arrays.copyOf(text, Math.max(text.length * 2, used + bytes));
        }
    }

    private void ascii(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, text, used, b.length);
        used += b.length;
        endCell(b.length);
    }

    private void cell(String s) {
        int n = s.length();
        // one UTF-8 copy: as many bytes as chars means ASCII (a lone surrogate becomes '?', one byte, as a UTF-8
        // writer prints it); anything else is rare (UNIX paths, process names) and measured in chars when printed
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        room(utf8.length);
        System.arraycopy(utf8, 0, text, used, utf8.length);
        used += utf8.length;
        if (utf8.length != n) {
            flags[count] |= NON_ASCII;
        }
        endCell(n);
    }

    /** {@code [address]}, for an IPv6 address (numeric, so ASCII; anything else goes through {@link #cell}). */
    private void bracketed(String address) {
        int n = address.length();
        room(n + 2);
        text[used] = '[';
        for (int i = 0; i < n; i++) {
            char c = address.charAt(i);
            if (c >= 0x80) {
                cell("[" + address + "]");
                return;
            }
            text[used + 1 + i] = (byte) c;
        }
        text[used + n + 1] = ']';
        used += n + 2;
        endCell(n + 2);
    }

    private void port(int port) {
        if (port == 0) {
            ascii(STAR);
        } else {
            number(port);
        }
    }

    /** A decimal cell written straight into the text: no String per queue length or port. */
    private void number(long n) {
        if (n < 0) {
            cell(Long.toString(n));
            return;
        }
        if (n > Integer.MAX_VALUE) {
            cell(Long.toString(n));
            return;
        }
        // int arithmetic: a cold JVM divides longs through a runtime call
        int v = (int) n;
        int digits = 1;
        for (int rest = v; rest >= 10; rest /= 10) {
            digits++;
        }
        room(digits);
        int at = used + digits;
        do {
            text[--at] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        used += digits;
        endCell(digits);
    }

    public int size() {
        return count;
    }

    /** Prints the aligned listing (header, rows, -i lines) to a character stream. */
    public void print(PrintWriter out) {
        char[][] chars = new char[1][];
        lay((buffer, length) -> {
            // a char array, not a String: a writer encodes an array-backed buffer in bulk, a String char by char
            String text = new String(buffer, 0, length, StandardCharsets.UTF_8);
            int n = text.length();
            if (chars[0] == null || chars[0].length < n) {
                chars[0] = new char[n];
            }
            text.getChars(0, n, chars[0], 0);
            out.write(chars[0], 0, n);
        });
        out.flush();
    }

    /**
     * Prints the aligned listing as UTF-8 bytes, in large writes straight from the row text: cheaper than
     * {@link #print(PrintWriter)}, which encodes every char again. Flushes {@code out}.
     */
    public void print(OutputStream out) throws IOException {
        StreamChunks sink = new StreamChunks(out);
        lay(sink);
        if (sink.failure != null) {
            throw sink.failure;
        }
        out.flush();
    }

    /**
     * Writes chunks to a byte stream, keeping the first failure. A named class rather than a lambda: a lambda
     * the AOT training never ran (it prints to a StringWriter) is generated at run time, ~1 ms in a cold JVM.
     */
    private static final class StreamChunks implements Chunks {
        private final OutputStream out;
        private IOException failure;

        StreamChunks(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(byte[] buffer, int length) {
            if (failure == null) {
                try {
                    out.write(buffer, 0, length);
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
    }

    private interface Chunks {
        void write(byte[] buffer, int length);
    }

    /**
     * From this many rows on, a second thread lays out the second half of the listing while this one lays out
     * and writes the first: with the dump over, the machine's other core is idle, and the layout of 40,000 rows
     * takes several milliseconds.
     */
    private static final int PARALLEL_ROWS = 8192;

    /** Lays the listing out into a reused buffer, handing it to {@code sink} whenever it is nearly full. */
    private void lay(Chunks sink) {
        Output out = new Output(sink, false);
        if (layout.header()) {
            byte[] head = emitHeader();
            out.room(head.length);
            System.arraycopy(head, 0, out.buffer, 0, head.length);
            out.at = head.length;
        }
        int from = 0;
        if (ahead != null && Arrays.equals(ahead.widths, widths)) {
            // the rows laid out ahead are what this layout would make of them
            sink.write(out.buffer, out.at);
            out.at = 0;
            ahead.lines.writeTo(sink);
            from = ahead.rows;
        }
        ahead = null;
        int rest = count - from;
        int split = rest >= PARALLEL_ROWS && Runtime.getRuntime().availableProcessors() > 1 ? from + rest / 2 : count;
        SecondHalf second = new SecondHalf(split); // empty, and no thread, for a short listing
        second.start();
        lines(out, from, split);
        sink.write(out.buffer, out.at);
        second.writeTo(sink);
    }

    /**
     * Rows laid out before {@link #print}, while the listing was still arriving ({@link #layAhead}): the lines of
     * rows 0 to {@code rows}, and the column widths they were laid out with. Only valid while no width has grown.
     */
    private final class Ahead {
        final int[] widths = SocketRows.this.widths.clone();
        final Kept lines = new Kept();
        int rows;
    }

    /**
     * Lines laid out now and written later ({@link Ahead}, {@link SecondHalf}): {@link #out} hands over each buffer it
     * fills and moves on to a new one, so the lines are kept without a copy.
     */
    private final class Kept implements Chunks {
        private final List<byte[]> buffers = new ArrayList<>();
        private final List<Integer> lengths = new ArrayList<>();
        final Output out = new Output(this, true);
        long bytes;

        @Override
        public void write(byte[] buffer, int length) {
            buffers.add(buffer);
            lengths.add(length);
            bytes += length;
        }

        /** Hands {@code sink} every buffer filled so far, then the one still being filled. */
        void writeTo(Chunks sink) {
            for (int i = 0; i < buffers.size(); i++) {
                sink.write(buffers.get(i), lengths.get(i));
            }
            sink.write(out.buffer, out.at);
        }
    }

    private Ahead ahead;
    /** Text laid out ahead beyond which {@link #layAhead} stops: a huge listing keeps its rows once, not twice. */
    private static final long AHEAD_BYTES = 16L << 20;

    /**
     * Lays out up to {@code rows} more of the rows added so far with the column widths as they are now, and returns
     * whether it did any: {@link #print} then writes those lines as they are if no width grew after them, and lays
     * out only the rest. A listing calls it while it waits for the kernel's next batch, so that less of the
     * layout is left for after the last one. Lines laid out with widths that then grew are dropped and laid out
     * again, once the widths are known.
     */
    public boolean layAhead(int rows) {
        if (ahead != null && !Arrays.equals(ahead.widths, widths)) {
            ahead = null; // a width grew: the lines so far are too narrow
        }
        if (ahead == null) {
            ahead = new Ahead();
        }
        int to = Math.min(count, ahead.rows + rows);
        if (to == ahead.rows || ahead.lines.bytes > AHEAD_BYTES) {
            return false;
        }
        lines(ahead.lines.out, ahead.rows, to);
        ahead.rows = to;
        return true;
    }

    /** Lays out rows {@code from} to {@code to} at the end of {@code out}. */
    private void lines(Output out, int from, int to) {
        // the loop only calls: a loop run once stays interpreted for all 40,000 rows of a listing, while line(),
        // called per row, is compiled after a few hundred
        for (int r = from; r < to; r++) {
            line(out, r);
        }
    }

    /** Rows from {@code from} to the end, laid out by a thread of their own into chunks kept until written. */
    private final class SecondHalf implements Runnable {
        private final int from;
        private Kept laid; // made by the thread, read after join
        private Thread thread;
        private RuntimeException failure;

        SecondHalf(int from) {
            this.from = from;
        }

        void start() {
            if (from < count) {
                thread = new Thread(this, "netdiag-layout");
                thread.setDaemon(true);
                thread.start();
            }
        }

        @Override
        public void run() {
            try {
                Kept kept = new Kept();
                lines(kept.out, from, count);
                laid = kept;
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        void writeTo(Chunks sink) {
            if (thread == null) {
                return;
            }
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while laying out the listing", e);
            }
            if (failure != null) {
                throw failure;
            }
            laid.writeTo(sink);
        }
    }

    /** The output buffer of one {@link #lay}: where the next line goes, flushed to the sink when nearly full. */
    private final class Output {
        private final Chunks sink;
        /** Whether the sink keeps the buffers it is handed: the next lines then go to a new one. */
        private final boolean kept;
        private final int lineMax;
        private byte[] buffer = new byte[1 << 18];
        private int at;

        private Output(Chunks sink, boolean kept) {
            this.sink = sink;
            this.kept = kept;
            int max = 16;
            for (int w : widths) {
                max += w + 1;
            }
            this.lineMax = max;
        }

        /** Makes room for {@code need} more bytes, handing the buffer's content to the sink first when full. */
        private void room(int need) {
            if (at + need > buffer.length) {
                sink.write(buffer, at);
                at = 0;
                if (need > buffer.length || kept) {
                    buffer = new byte[Math.max(need, buffer.length)];
                }
            }
        }
    }

    /** Lays out row {@code r} and its -i line, if any, at the end of {@code out}. */
    private void line(Output out, int r) {
        int need = out.lineMax + (starts[r + 1] - starts[r]) + 1;
        String d = details == null ? null : details.get(r);
        byte[] detail = d == null ? null : d.getBytes(StandardCharsets.UTF_8);
        if (detail != null) {
            need += detail.length + 2;
        }
        out.room(need);
        byte[] buffer = out.buffer;
        int at = emit(buffer, out.at, r);
        buffer[at++] = '\n';
        if (detail != null) {
            buffer[at++] = '\t';
            System.arraycopy(detail, 0, buffer, at, detail.length);
            at += detail.length;
            buffer[at++] = '\n';
        }
        out.at = at;
    }

    /**
     * The aligned lines: the header (when the layout has one) and then, for each row in the order added, its
     * line followed by its {@code -i} detail line (tab-indented) when asked for and present.
     */
    public List<String> lines(boolean withDetails) {
        List<String> out = new ArrayList<>(count + 1);
        if (layout.header()) {
            out.add(new String(emitHeader(), StandardCharsets.UTF_8).stripTrailing());
        }
        byte[] line = new byte[256];
        for (int r = 0; r < count; r++) {
            int need = 16 + CELLS + (starts[r + 1] - starts[r]);
            for (int w : widths) {
                need += w;
            }
            if (line.length < need) {
                line = new byte[need];
            }
            out.add(new String(line, 0, emit(line, 0, r), StandardCharsets.UTF_8));
            String d = details == null ? null : details.get(r);
            if (withDetails && d != null) {
                out.add("\t" + d);
            }
        }
        return out;
    }

    /** Row {@code r}'s aligned line, as {@link #lines} has it (without its -i line). */
    public String line(int r) {
        byte[] line = new byte[lineRoom(r)];
        return new String(line, 0, emit(line, 0, r), StandardCharsets.UTF_8);
    }

    /** The header line as {@link #lines} has it; null without a header. */
    public String header() {
        return layout.header() ? new String(emitHeader(), StandardCharsets.UTF_8).stripTrailing() : null;
    }

    /** Receives the aligned lines one at a time; the bytes (UTF-8, no newline) are reused for the next line. */
    public interface LineSink {
        /** {@code row} is -1 for the header. */
        void line(int row, byte[] utf8, int length);
    }

    /**
     * Hands the header (when the layout has one) and each row's line (without -i lines) to {@code sink} in order,
     * one reused buffer for all: {@code --watch} prints every refresh with a mark before each line, and holds no
     * line longer than it takes to print it.
     */
    public void eachLine(LineSink sink) {
        if (layout.header()) {
            byte[] head = emitHeader();
            int n = head.length - 1; // the newline
            while (n > 0 && head[n - 1] == ' ') {
                n--;
            }
            sink.line(-1, head, n);
        }
        byte[] line = new byte[256];
        for (int r = 0; r < count; r++) {
            int need = lineRoom(r);
            if (line.length < need) {
                line = new byte[need];
            }
            sink.line(r, line, emit(line, 0, r));
        }
    }

    /** Bytes enough for row {@code r}'s line: its cells, the widest padding and the separators. */
    private int lineRoom(int r) {
        int need = 16 + CELLS + (starts[r + 1] - starts[r]);
        for (int w : widths) {
            need += w;
        }
        return need;
    }

    private static final String[] HEAD = {"Netid", "State", "Recv-Q", "Send-Q", "Local Address", "Port", "Peer Address", "Port",
            "Process"};

    /** The header line (without its newline), laid out as a row is. */
    private byte[] emitHeader() {
        SocketRows head = new SocketRows(new Layout(layout.netidColumn(), layout.stateColumn(), false, false, false, null));
        head.startRow((byte) 0);
        for (String h : HEAD) {
            head.cell(h);
        }
        head.endRow();
        System.arraycopy(widths, 0, head.widths, 0, CELLS);
        int length = 16;
        for (int w : widths) {
            length += w + 1;
        }
        byte[] line = new byte[length];
        int end = head.emit(line, 0, 0);
        line[end] = '\n';
        return Arrays.copyOf(line, end + 1);
    }

    /**
     * Lays out row {@code r} at {@code at} of {@code b} (which has room for it) without its newline, trailing
     * blanks dropped as ss drops them; returns the end. Columns are padded to the widest cell in chars.
     */
    private int emit(byte[] b, int at, int r) {
        int f = flags[r];
        boolean wide = (f & NON_ASCII) != 0;
        byte delimiter = (f & UNIX_DELIMITER) != 0 ? (byte) ' ' : (byte) ':';
        int start = at;
        int from = starts[r];
        // the cells' ends, from their lengths
        int e0;
        int e1;
        int e2;
        int e3;
        int e4;
        int e5;
        int e6;
        int e7;
        if ((f & LONG) == 0) {
            byte[] l = lengths;
            int p = r * MEASURED;
            e0 = from + (l[p] & 0xff);
            e1 = e0 + (l[p + 1] & 0xff);
            e2 = e1 + (l[p + 2] & 0xff);
            e3 = e2 + (l[p + 3] & 0xff);
            e4 = e3 + (l[p + 4] & 0xff);
            e5 = e4 + (l[p + 5] & 0xff);
            e6 = e5 + (l[p + 6] & 0xff);
            e7 = e6 + (l[p + 7] & 0xff);
        } else {
            int[] l = longEnds;
            int i = longIndex(r);
            e0 = l[i];
            e1 = l[i + 1];
            e2 = l[i + 2];
            e3 = l[i + 3];
            e4 = l[i + 4];
            e5 = l[i + 5];
            e6 = l[i + 6];
            e7 = l[i + 7];
        }
        if (layout.netidColumn()) {
            at = left(b, at, from, e0, widths[0], wide);
            b[at++] = ' ';
        }
        if (layout.stateColumn()) {
            at = left(b, at, e0, e1, widths[1], wide);
            b[at++] = ' ';
        }
        at = left(b, at, e1, e2, widths[2], wide);
        b[at++] = ' ';
        at = left(b, at, e2, e3, widths[3], wide);
        b[at++] = ' ';
        at = right(b, at, e3, e4, widths[4], wide);
        b[at++] = delimiter;
        at = left(b, at, e4, e5, widths[5], wide);
        b[at++] = ' ';
        at = right(b, at, e5, e6, widths[6], wide);
        b[at++] = (f & PEER_STAR) != 0 ? (byte) '*' : delimiter;
        int processFrom = e7;
        int processTo = starts[r + 1];
        if (processFrom == processTo) {
            // an empty last column: the peer port's padding would only be dropped again
            at = copy(b, at, e6, processFrom);
        } else {
            at = left(b, at, e6, processFrom, widths[7], wide);
            b[at++] = ' ';
            at = copy(b, at, processFrom, processTo);
        }
        while (at > start && b[at - 1] == ' ') {
            at--;
        }
        return at;
    }

    private int copy(byte[] b, int at, int from, int to) {
        int n = to - from;
        System.arraycopy(text, from, b, at, n);
        return at + n;
    }

    private int left(byte[] b, int at, int from, int to, int width, boolean wide) {
        at = copy(b, at, from, to);
        return pad(b, at, width - chars(from, to, wide));
    }

    private int right(byte[] b, int at, int from, int to, int width, boolean wide) {
        at = pad(b, at, width - chars(from, to, wide));
        return copy(b, at, from, to);
    }

    private static int pad(byte[] b, int at, int n) {
        for (int i = 0; i < n; i++) {
            b[at + i] = ' ';
        }
        return at + Math.max(n, 0);
    }

    /** A cell's width in chars: its byte count when ASCII, else its UTF-16 length (a 4-byte sequence is two). */
    private int chars(int from, int to, boolean wide) {
        if (!wide) {
            return to - from;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            int c = text[i] & 0xff;
            if ((c & 0xc0) != 0x80) {
                n += c >= 0xf0 ? 2 : 1;
            }
        }
        return n;
    }

    /** Address and port cells as ss prints them. */
    public static String[] endpoint(SocketEntry e, Endpoint end, boolean local, NameResolver names) {
        if (e.family() == SocketEntry.Family.UNIX) {
            return new String[] {end.address(), Long.toString(end.port())};
        }
        if (e.family() == SocketEntry.Family.PACKET) {
            // ss: PROTOCOL:INTERFACE, "*" for ETH_P_ALL and for any interface, [NUMBER] for a protocol without -r
            if (starPeer(e, end, local)) {
                return new String[] {"*", ""};
            }
            int protocol = Integer.parseInt(end.address());
            String name = protocol == 3 ? "*" : names != null ? NameResolver.linkProtocol(protocol) : "[" + protocol + "]";
            return new String[] {name, end.port() == 0 ? "*" : NameResolver.interfaceName((int) end.port())};
        }
        if (e.family() == SocketEntry.Family.NETLINK) {
            // ss: PROTOCOL:PORTID (rtnl:kernel, tcpdiag:ss/4496 with names), GROUP:PORTID for a connected peer
            if (starPeer(e, end, local)) {
                return new String[] {"*", ""};
            }
            if (!local) {
                return new String[] {end.address(), Long.toString(end.port())};
            }
            String port = end.port() == -1 ? "*" : names != null ? NameResolver.netlinkPort(end.port())
                    : Long.toString(end.port());
            String protocol = names != null ? NameResolver.netlinkProtocol(Integer.parseInt(end.address())) : end.address();
            return new String[] {protocol, port};
        }
        String address = end.address();
        String host;
        if (e.family() == SocketEntry.Family.INET6 && !e.v6only() && address.equals("::")) {
            host = "*";
        } else if (names != null) {
            host = names.host(address);
            if (host.indexOf(':') >= 0) {
                host = "[" + host + "]";
            }
        } else {
            host = e.family() == SocketEntry.Family.INET6 ? "[" + address + "]" : address;
        }
        String port = end.port() == 0 ? "*" : names != null ? names.service(e.netid(), (int) end.port()) : Long.toString(end.port());
        return new String[] {host, port};
    }

    /** A netlink socket's peer when it is not connected, a packet socket's always: ss prints a lone star. */
    private static boolean starPeer(SocketEntry e, Endpoint end, boolean local) {
        return !local && end.port() == -1 && end.address().equals("*");
    }

    /** {@code users:(("name",pid=N,fd=N),...)}. */
    public static String process(SocketEntry e) {
        if (e.owners().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("users:(");
        for (int i = 0; i < e.owners().size(); i++) {
            Owner o = e.owners().get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("(\"").append(o.name()).append("\",pid=").append(o.pid()).append(",fd=")
                    .append(o.fd()).append(')');
        }
        return b.append(')').toString();
    }

    private final CgroupPaths cgroups = new CgroupPaths();

    private String extended(SocketEntry e) {
        StringBuilder b = new StringBuilder();
        if (e.family() == SocketEntry.Family.NETLINK) {
            // ss -e for netlink: kernel pointers it no longer gets (0), and the multicast groups
            return " sk=0 cb=0 groups=0x" + String.format(Locale.ROOT, "%08x", e.cookie());
        }
        if (e.family() == SocketEntry.Family.UNIX) {
            // ss -e shows a UNIX socket's shutdown state only: its inode is already in the address columns
            appendShutdown(b, e);
            return b.toString();
        }
        if (e.uid() > 0) {
            b.append(" uid:").append(Integer.toUnsignedString(e.uid()));
        }
        b.append(" ino:").append(e.inode());
        if (e.cookie() != 0) {
            b.append(" sk:").append(Long.toHexString(e.cookie()));
        }
        if (e.cgroup() != 0) {
            b.append(" cgroup:").append(cgroups.path(e.cgroup()));
        }
        // the kernel sends INET_DIAG_SKV6ONLY for listening and unconnected sockets only, and /proc has no such
        // field (its entries have no shutdown state either): ss prints v6only when the attribute came
        if (e.family() == SocketEntry.Family.INET6 && e.shutdown() >= 0
                && (e.state() == SocketState.LISTEN || e.state() == SocketState.CLOSE)) {
            b.append(" v6only:").append(e.v6only() ? 1 : 0);
        }
        appendShutdown(b, e);
        return b.toString();
    }

    /** ss's shutdown mark: {@code <->} open, {@code -->} receiving shut down, {@code <--} sending, {@code ---} both. */
    private static void appendShutdown(StringBuilder b, SocketEntry e) {
        if (e.shutdown() >= 0) {
            b.append(' ').append((e.shutdown() & 1) != 0 ? '-' : '<').append('-').append((e.shutdown() & 2) != 0 ? '-' : '>');
        }
    }

    /**
     * The second line of a row after its tab, as iproute2 6.1's ss prints it (inet_show_sock, tcp_show_info,
     * tcp_stats_print): with {@code -m} the socket's memory, with {@code -i} (TCP only) tcp_info, every item after a
     * space; null when the row has no such line (UDP or raw with {@code -i} alone). {@code options} ({@code -o},
     * {@code -e}) adds the TCP options negotiated (ts, sack, ecn...); {@code numeric} prints rates in bits per second
     * unscaled, as ss -n does. One addition of netdiag's: {@code snd_wnd:0} is printed (ss leaves a zero out),
     * since it says the peer stopped reading. Of the congestion modules' own figures BBR's are decoded
     * ({@code bbr:(...)}), DCTCP's ({@code dctcp:(...)}) are not.
     */
    static String detail(SocketEntry e, Details want, boolean options, boolean numeric) {
        boolean tcp = want.tcpInfo() && e.netid() == Netid.TCP;
        if (!inet(e) || !want.memory() && !tcp) {
            return null; // (UNIX and packet sockets' memory is on the row's own line; netlink sockets have none)
        }
        StringBuilder b = new StringBuilder();
        if (want.memory()) {
            e.memory().ifPresent(m -> b.append(skmem(m)));
        }
        if (!tcp || e.tcpInfo().isEmpty()) {
            return b.toString();
        }
        TcpInfo t = e.tcpInfo().get();
        if (options) {
            flag(b, t.options(), TcpInfo.OPT_TIMESTAMPS, "ts");
            flag(b, t.options(), TcpInfo.OPT_SACK, "sack");
            flag(b, t.options(), TcpInfo.OPT_ECN, "ecn");
            flag(b, t.options(), TcpInfo.OPT_ECN_SEEN, "ecnseen");
            flag(b, t.options(), TcpInfo.OPT_SYN_DATA, "fastopen");
        }
        if (e.congestion() != null) {
            b.append(' ').append(e.congestion());
        }
        if (t.options() > 0 && (t.options() & TcpInfo.OPT_WSCALE) != 0) {
            b.append(" wscale:").append(t.sndWscale()).append(',').append(t.rcvWscale());
        }
        if (t.rtoUs() > 0 && t.rtoUs() != 3_000_000) { // ss leaves out the initial 3 s
            b.append(" rto:").append(ms(t.rtoUs()));
        }
        positive(b, "backoff", t.backoff());
        if (t.rttUs() > 0) {
            b.append(" rtt:").append(ms(t.rttUs())).append('/').append(ms(t.rttvarUs()));
        }
        if (t.atoUs() > 0) {
            b.append(" ato:").append(ms(t.atoUs()));
        }
        positive(b, "mss", t.sndMss());
        positive(b, "pmtu", t.pmtu());
        positive(b, "rcvmss", t.rcvMss());
        positive(b, "advmss", t.advmss());
        positive(b, "cwnd", t.sndCwnd());
        if (t.sndSsthresh() > 0 && t.sndSsthresh() < 0xffff) {
            b.append(" ssthresh:").append(t.sndSsthresh());
        }
        positive(b, "bytes_sent", t.bytesSent());
        positive(b, "bytes_retrans", t.bytesRetrans());
        positive(b, "bytes_acked", t.bytesAcked());
        positive(b, "bytes_received", t.bytesReceived());
        positive(b, "segs_out", t.segsOut());
        positive(b, "segs_in", t.segsIn());
        positive(b, "data_segs_out", t.dataSegsOut());
        positive(b, "data_segs_in", t.dataSegsIn());
        if (t.bbrBandwidth() >= 0) {
            b.append(" bbr:(bw:").append(rate(t.bbrBandwidth() * 8.0, numeric)).append(",mrtt:").append(ms(t.bbrMinRttUs()));
            if (t.bbrPacingGain() > 0) {
                b.append(",pacing_gain:").append(sixDigits(t.bbrPacingGain() / 256.0));
            }
            if (t.bbrCwndGain() > 0) {
                b.append(",cwnd_gain:").append(sixDigits(t.bbrCwndGain() / 256.0));
            }
            b.append(')');
        }
        if (t.rttUs() > 0 && t.sndMss() > 0 && t.sndCwnd() > 0) {
            b.append(" send ").append(rate(t.sndCwnd() * t.sndMss() * 8.0 * 1_000_000.0 / t.rttUs(), numeric));
        }
        positive(b, "lastsnd", t.lastDataSentMs());
        positive(b, "lastrcv", t.lastDataRecvMs());
        positive(b, "lastack", t.lastAckRecvMs());
        if (t.pacingRate() > 0) { // (-1 is ~0: no rate)
            b.append(" pacing_rate ").append(rate(t.pacingRate() * 8.0, numeric));
            if (t.maxPacingRate() > 0) {
                b.append('/').append(rate(t.maxPacingRate() * 8.0, numeric));
            }
        }
        if (t.deliveryRate() > 0) {
            b.append(" delivery_rate ").append(rate(t.deliveryRate() * 8.0, numeric));
        }
        positive(b, "delivered", t.delivered());
        positive(b, "delivered_ce", t.deliveredCe());
        if (t.appLimited() > 0) {
            b.append(" app_limited");
        }
        if (t.busyTimeUs() > 0) {
            b.append(" busy:").append(t.busyTimeUs() / 1000).append("ms");
            limited(b, "rwnd_limited", t.rwndLimitedUs(), t.busyTimeUs());
            limited(b, "sndbuf_limited", t.sndbufLimitedUs(), t.busyTimeUs());
        }
        positive(b, "unacked", t.unacked());
        if (t.retrans() > 0 || t.totalRetrans() > 0) {
            b.append(" retrans:").append(Math.max(0, t.retrans())).append('/').append(Math.max(0, t.totalRetrans()));
        }
        positive(b, "lost", t.lost());
        if (!e.listening()) {
            positive(b, "sacked", t.sacked());
        }
        positive(b, "dsack_dups", t.dsackDups());
        positive(b, "fackets", t.fackets());
        if (t.reordering() >= 0 && t.reordering() != 3) {
            b.append(" reordering:").append(t.reordering());
        }
        positive(b, "reord_seen", t.reordSeen());
        if (t.rcvRttUs() > 0) {
            b.append(" rcv_rtt:").append(ms(t.rcvRttUs()));
        }
        positive(b, "rcv_space", t.rcvSpace());
        positive(b, "rcv_ssthresh", t.rcvSsthresh());
        positive(b, "notsent", t.notsentBytes());
        if (t.minRttUs() > 0 && t.minRttUs() != 0xffffffffL) {
            b.append(" minrtt:").append(ms(t.minRttUs()));
        }
        positive(b, "rcv_ooopack", t.rcvOoopack());
        if (t.sndWnd() >= 0 && !e.listening()) { // 0 is the news here: the peer's window is closed
            b.append(" snd_wnd:").append(t.sndWnd());
        }
        return b.toString();
    }

    private static boolean inet(SocketEntry e) {
        return e.family() == SocketEntry.Family.INET || e.family() == SocketEntry.Family.INET6;
    }

    /** ss's {@code " skmem:(r0,rb131072,t0,tb3939840,f0,w0,o0,bl0,d0)"}, with its leading space. */
    private static String skmem(SocketMemory m) {
        StringBuilder b = new StringBuilder(" skmem:(r").append(m.rmemAlloc()).append(",rb").append(m.rcvbuf()).append(",t")
                .append(m.wmemAlloc()).append(",tb").append(m.sndbuf()).append(",f").append(m.fwdAlloc()).append(",w")
                .append(m.wmemQueued()).append(",o").append(m.optmem()).append(",bl").append(m.backlog());
        if (m.drops() >= 0) {
            b.append(",d").append(m.drops());
        }
        return b.append(')').toString();
    }

    private static void flag(StringBuilder b, int options, int bit, String name) {
        if (options > 0 && (options & bit) != 0) {
            b.append(' ').append(name);
        }
    }

    /** ss's {@code rwnd_limited:12ms(3.4%)}: the time, and its share of the busy time. */
    private static void limited(StringBuilder b, String name, long micros, long busyMicros) {
        if (micros > 0) {
            b.append(' ').append(name).append(':').append(micros / 1000).append("ms(")
                    .append(String.format(Locale.ROOT, "%.1f", 100.0 * micros / busyMicros)).append("%)");
        }
    }

    private static void positive(StringBuilder b, String name, long value) {
        if (value > 0) {
            b.append(' ').append(name).append(':').append(value);
        }
    }

    /** Microseconds as milliseconds the way ss's %g prints them: 0.022, 204, 1.5. */
    static String ms(long micros) {
        return withoutTrailingZeros(String.format(Locale.ROOT, "%.3f", micros / 1000.0));
    }

    /**
     * Bits per second as ss's sprint_bw prints a rate, followed by "bps": unscaled with {@code numeric} (ss -n,
     * {@code 135168000000bps}), otherwise three significant digits with T, G, M or k ({@code 141Gbps},
     * {@code 31.4Mbps}, {@code 1.2kbps}, {@code 900bps}).
     */
    static String rate(double bps, boolean numeric) {
        if (numeric) {
            return String.format(Locale.ROOT, "%.0f", bps) + "bps";
        }
        String[] units = {"T", "G", "M", "k"};
        double[] scales = {1e12, 1e9, 1e6, 1e3};
        for (int u = 0; u < units.length; u++) {
            if (bps >= scales[u]) {
                return threeDigits(bps / scales[u]) + units[u] + "bps";
            }
        }
        return threeDigits(bps) + "bps";
    }

    /** C's {@code %g} (six significant digits, no trailing zeros) for a BBR gain: 2.88672, 1, 1.25. */
    static String sixDigits(double v) {
        return withoutTrailingZeros(String.format(Locale.ROOT, "%.6g", v));
    }

    /** C's {@code %.3g} for the values a scaled rate takes (below 1000): 135, 35.3, 1.2, 0.5. */
    private static String threeDigits(double v) {
        return withoutTrailingZeros(v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v));
    }

    /** A number's text without the zeros that end its fraction, nor a point left bare, as C's %g: 2.50 -> 2.5, 1.000 -> 1. */
    private static String withoutTrailingZeros(String digits) {
        if (digits.indexOf('.') < 0 || digits.indexOf('e') >= 0) {
            return digits;
        }
        String s = digits.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
