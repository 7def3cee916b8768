package io.netdiag.output;

import io.netdiag.capture.CaptureInterface;
import io.netdiag.capture.CaptureStatistics;
import io.netdiag.capture.PacketSummary;
import io.netdiag.capture.TimestampResolution;

import java.io.PrintWriter;
import java.util.List;

/**
 * Prints capture results: packet lines in tshark's default column layout (or one JSON object per packet),
 * the interface list as {@code tcpdump -D} prints it, and tcpdump's banner and exit statistics.
 */
public final class CaptureRenderer {
    private final PrintWriter out;
    private final boolean json;
    private final boolean flushEachPacket;
    private final StringBuilder line = new StringBuilder(160);
    private long printed;
    private int timeDigits = TimestampResolution.MICROSECONDS;
    private boolean hexDump;
    private java.io.OutputStream raw;
    private byte[] bytes;
    private int used;

    /** Standard output was closed (netdiag capture ... | head): the reader has seen enough. */
    public static final class OutputClosedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutputClosedException() {
            super("standard output closed", null, false, false);
        }
    }

    public CaptureRenderer(PrintWriter out, boolean json, boolean flushEachPacket) {
        this.out = out;
        this.json = json;
        this.flushEachPacket = flushEachPacket;
    }

    /** Digits after the decimal point of times, as tshark prints them for the file's resolution. */
    public CaptureRenderer timeDigits(int digits) {
        this.timeDigits = digits;
        return this;
    }

    /**
     * Text lines go as UTF-8 straight to {@code stream} (the stream under {@code out}), encoded here into a
     * buffer of our own: the writer's encoder takes its slow path for every line, whose arrow makes it a
     * UTF-16 string. Call {@link #flush()} before anything else writes to {@code out}.
     */
    public CaptureRenderer rawOutput(java.io.OutputStream stream) {
        this.raw = stream;
        this.bytes = new byte[1 << 16];
        return this;
    }

    /** Writes what is buffered and flushes the output. */
    public void flush() {
        if (raw != null && used > 0) {
            try {
                raw.write(bytes, 0, used);
            } catch (java.io.IOException e) {
                throw new OutputClosedException();
            }
            used = 0;
        }
        try {
            if (raw != null) {
                raw.flush();
            }
        } catch (java.io.IOException e) {
            throw new OutputClosedException();
        }
        out.flush();
    }

    private void encode(String text) {
        int n = text.length();
        if (bytes.length - used < n * 3) {
            flushBytes();
            if (bytes.length < n * 3) {
                bytes = new byte[n * 3];
            }
        }
        used = writeText(bytes, used, text);
    }

    private void flushBytes() {
        if (used > 0) {
            try {
                raw.write(bytes, 0, used);
            } catch (java.io.IOException e) {
                throw new OutputClosedException();
            }
            used = 0;
        }
    }

    /** After each line, the frame's bytes in hex and ASCII, as {@code tshark -P -x} prints them. */
    public CaptureRenderer hexDump(boolean on) {
        this.hexDump = on;
        return this;
    }

    /** One packet: a tshark line, or a JSON object on its own line. */
    public void packet(PacketSummary p) {
        if (json) {
            out.write(Json.compact(PacketJson.of(p)));
            out.write('\n');
        } else if (raw != null && !hexDump) {
            writeLine(p);
        } else {
            line.setLength(0);
            appendLine(line, p, timeDigits);
            line.append('\n');
            if (hexDump) {
                // tshark names the frame's bytes only when other data follows them
                line.append('\n');
                int length = Math.min(p.capturedLength(), p.bytes().length);
                if (!p.sources().isEmpty()) {
                    line.append("Frame (").append(length).append(" bytes):\n");
                }
                appendHex(line, p.bytes(), length);
                for (PacketSummary.Source source : p.sources()) {
                    line.append(source.name()).append(" (").append(source.bytes().length).append(" bytes):\n");
                    appendHex(line, source.bytes(), source.bytes().length);
                }
                line.append('\n');
            }
            if (raw != null) {
                encode(line.toString());
                if (used > bytes.length - 4096) {
                    flushBytes();
                }
            } else {
                out.write(line.toString());
            }
        }
        if (flushEachPacket) {
            flush();
        }
        // PrintWriter and the PrintStream under it (System.out) swallow EPIPE; checkError flushes, so ask
        // only now and then, and ask System.out too, which is where the error is recorded
        if ((++printed & 1023) == 0 && (out.checkError() || System.out.checkError())) {
            throw new OutputClosedException();
        }
    }

    /**
     * The line of {@link #appendLine} and its newline, as UTF-8 straight into the output buffer: no
     * StringBuilder, no String, no second pass to encode.
     */
    private void writeLine(PacketSummary p) {
        String source = p.source();
        String destination = p.destination();
        String protocol = p.protocol();
        String info = p.info();
        int most = 3 * (source.length() + destination.length() + protocol.length() + info.length()) + 128;
        if (bytes.length - used < most) {
            flushBytes();
            if (bytes.length < most) {
                bytes = new byte[most];
            }
        }
        byte[] b = bytes;
        int u = used;
        u = writeNumber(b, u, p.number(), 5);
        b[u++] = ' ';
        u = writeSeconds(b, u, p.relativeNanos(), timeDigits);
        b[u++] = ' ';
        for (int i = source.length(); i < 12; i++) {
            b[u++] = ' ';
        }
        u = writeText(b, u, source);
        b[u++] = ' ';
        b[u++] = (byte) 0xe2; // →
        b[u++] = (byte) 0x86;
        b[u++] = (byte) 0x92;
        b[u++] = ' ';
        u = writeText(b, u, destination);
        for (int i = destination.length(); i < 12; i++) {
            b[u++] = ' ';
        }
        b[u++] = ' ';
        u = writeText(b, u, protocol);
        b[u++] = ' ';
        u = writeNumber(b, u, p.length(), 0);
        b[u++] = ' ';
        u = writeText(b, u, info);
        b[u++] = '\n';
        used = u;
        if (used > bytes.length - 4096) {
            flushBytes();
        }
    }

    /** {@code value} in decimal, padded on the left with spaces to {@code width}. */
    private static int writeNumber(byte[] b, int u, long value, int width) {
        if (value < 0 || value > 0xffffffffL) {
            String text = Long.toString(value);
            for (int i = text.length(); i < width; i++) {
                b[u++] = ' ';
            }
            return writeText(b, u, text);
        }
        int digits = digitsOf(value);
        for (int i = digits; i < width; i++) {
            b[u++] = ' ';
        }
        for (int i = u + digits - 1; i >= u; i--) {
            long q = tenth(value);
            b[i] = (byte) ('0' + (value - q * 10));
            value = q;
        }
        return u + digits;
    }

    /** Decimal digits of {@code 0 <= value < 2^32}. */
    private static int digitsOf(long value) {
        int digits = 1;
        while (value >= 10) {
            value = tenth(value);
            digits++;
        }
        return digits;
    }

    /**
     * {@code v / 10} for {@code 0 <= v < 2^32} by a multiplication: C1, which runs capture -r, divides by a
     * constant with the divide instruction, where C2 would multiply.
     */
    private static long tenth(long v) {
        return (v * 0xCCCCCCCDL) >>> 35;
    }

    /** {@link #seconds} padded on the left to 10 characters, as tshark pads its time column. */
    private static int writeSeconds(byte[] b, int u, long nanos, int digits) {
        long unit = 1;
        for (int i = digits; i < 9; i++) {
            unit *= 10;
        }
        long perSecond = 1_000_000_000L / unit;
        long scaled = Math.abs(nanos) / unit;
        if (scaled < 0) {
            return writeText(b, u, padded(seconds(nanos, digits), 10)); // Long.MIN_VALUE
        }
        long whole = scaled / perSecond;
        long fraction = scaled % perSecond;
        if (whole > 0xffffffffL) {
            return writeText(b, u, padded(seconds(nanos, digits), 10)); // more than 136 years apart
        }
        int length = (nanos < 0 ? 1 : 0) + digitsOf(whole) + (digits > 0 ? 1 + digits : 0);
        for (int i = length; i < 10; i++) {
            b[u++] = ' ';
        }
        if (nanos < 0) {
            b[u++] = '-';
        }
        u = writeNumber(b, u, whole, 0);
        if (digits > 0) {
            b[u++] = '.';
            for (int i = u + digits - 1; i >= u; i--) {
                long q = tenth(fraction);
                b[i] = (byte) ('0' + (fraction - q * 10));
                fraction = q;
            }
            u += digits;
        }
        return u;
    }

    private static String padded(String text, int width) {
        StringBuilder s = new StringBuilder(width);
        padLeft(s, text, width);
        return s.toString();
    }

    /** {@code text} as UTF-8 (an unpaired surrogate as '?', as the JDK's encoder writes it); room is there. */
    private static int writeText(byte[] b, int u, String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                b[u++] = (byte) c;
            } else if (c < 0x800) {
                b[u++] = (byte) (0xc0 | (c >> 6));
                b[u++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                b[u++] = (byte) (0xf0 | (cp >> 18));
                b[u++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                b[u++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                b[u++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                b[u++] = '?'; // an unpaired surrogate, as the JDK's encoder replaces it
            } else {
                b[u++] = (byte) (0xe0 | (c >> 12));
                b[u++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[u++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        return u;
    }

    /** The line {@code tshark -n -r} prints for the packet of a microsecond file, without the newline. */
    public static String line(PacketSummary p) {
        return line(p, TimestampResolution.MICROSECONDS);
    }

    /** The line {@code tshark -n -r} prints for the packet, times with {@code timeDigits} decimals. */
    public static String line(PacketSummary p, int timeDigits) {
        StringBuilder s = new StringBuilder(160);
        appendLine(s, p, timeDigits);
        return s.toString();
    }

    private static void appendLine(StringBuilder s, PacketSummary p, int timeDigits) {
        padLeft(s, Long.toString(p.number()), 5);
        s.append(' ');
        // tshark pads time columns to 10 characters; nanosecond times are longer and not padded
        padLeft(s, seconds(p.relativeNanos(), timeDigits), 10);
        s.append(' ');
        padLeft(s, p.source(), 12);
        s.append(" → ");
        s.append(p.destination());
        for (int i = p.destination().length(); i < 12; i++) {
            s.append(' ');
        }
        s.append(' ').append(p.protocol()).append(' ').append(p.length()).append(' ').append(p.info());
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** tshark's hex dump: offset, sixteen bytes in hex, then the same bytes as ASCII ('.' when unprintable). */
    static void appendHex(StringBuilder s, byte[] bytes, int length) {
        int digits = 4; // more when the offsets need them (a reassembled body past 64 KiB)
        while (length > 0 && ((length - 1) >>> (4 * digits)) != 0) {
            digits++;
        }
        for (int row = 0; row < length; row += 16) {
            for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
                s.append(HEX[(row >> shift) & 0xf]);
            }
            s.append("  ");
            int end = Math.min(length, row + 16);
            for (int i = row; i < row + 16; i++) {
                if (i < end) {
                    s.append(HEX[(bytes[i] >> 4) & 0xf]).append(HEX[bytes[i] & 0xf]).append(' ');
                } else {
                    s.append("   ");
                }
            }
            s.append("  ");
            for (int i = row; i < end; i++) {
                int c = bytes[i] & 0xff;
                s.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
            }
            s.append('\n');
        }
    }

    private static void padLeft(StringBuilder s, String text, int width) {
        for (int i = text.length(); i < width; i++) {
            s.append(' ');
        }
        s.append(text);
    }

    /** Seconds with {@code digits} decimals (0 to 9), cut rather than rounded, as tshark prints them. */
    static String seconds(long nanos, int digits) {
        long unit = 1;
        for (int i = digits; i < 9; i++) {
            unit *= 10;
        }
        long perSecond = 1_000_000_000L / unit;
        long scaled = Math.abs(nanos) / unit;
        StringBuilder s = new StringBuilder(24);
        if (nanos < 0) {
            s.append('-');
        }
        s.append(scaled / perSecond);
        if (digits > 0) {
            String fraction = Long.toString(scaled % perSecond);
            s.append('.');
            for (int i = fraction.length(); i < digits; i++) {
                s.append('0');
            }
            s.append(fraction);
        }
        return s.toString();
    }

    public void interfaces(List<CaptureInterface> list) {
        if (json) {
            out.println(Json.pretty(list));
        } else {
            for (CaptureInterface i : list) {
                out.println(i.tcpdumpLine());
            }
        }
        out.flush();
    }

    /** tcpdump's start line on standard error. */
    public static void banner(PrintWriter err, String device, String linkType, int snaplen) {
        err.println("netdiag capture: listening on " + device + ", link-type " + linkType + ", snapshot length " + snaplen + " bytes");
        err.flush();
    }

    /** tcpdump's exit statistics on standard error; files have only the count. */
    public static void statistics(PrintWriter err, CaptureStatistics s) {
        err.println(s.captured() + " packet" + plural(s.captured()) + " captured");
        if (s.receivedByFilter() != null) {
            err.println(s.receivedByFilter() + " packet" + plural(s.receivedByFilter()) + " received by filter");
            err.println(s.droppedByKernel() + " packet" + plural(s.droppedByKernel()) + " dropped by kernel");
            if (s.droppedByInterface() != null && s.droppedByInterface() != 0) {
                err.println(s.droppedByInterface() + " packet" + plural(s.droppedByInterface()) + " dropped by interface");
            }
        }
        err.flush();
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }

    /** The JSON form of one packet (documented in netdiag-capture(1)). */
    record PacketJson(long number, double time, double relativeTime, String source, String destination, String protocol,
                      int length, int capturedLength, String info, String transport, Integer srcPort, Integer dstPort,
                      PacketSummary.Tcp tcp, PacketSummary.Icmp icmp, List<String> analysis, String problem) {
        static PacketJson of(PacketSummary p) {
            return new PacketJson(p.number(), p.epochNanos() / 1e9, p.relativeNanos() / 1e9, p.source(), p.destination(),
                    p.protocol(), p.length(), p.capturedLength(), p.info(), p.transport(),
                    p.sourcePort() < 0 ? null : p.sourcePort(), p.destinationPort() < 0 ? null : p.destinationPort(),
                    p.tcp(), p.icmp(), p.analysis(), p.problem());
        }
    }
}
