package io.netdiag.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Reads and writes classic little-endian pcap files in tests: crafted packets and rewritten captures. */
final class PcapFiles {
    private PcapFiles() {
    }

    /** One record: timestamp, the bytes kept and the length on the wire. */
    record Record(long seconds, long micros, byte[] data, int originalLength) {
    }

    static List<Record> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0xa1b2c3d4) {
            throw new IOException("not a little-endian microsecond pcap: " + file);
        }
        b.position(24);
        List<Record> records = new ArrayList<>();
        while (b.remaining() >= 16) {
            long sec = b.getInt() & 0xffffffffL;
            long usec = b.getInt() & 0xffffffffL;
            int caplen = b.getInt();
            int len = b.getInt();
            byte[] data = new byte[caplen];
            b.get(data);
            records.add(new Record(sec, usec, data, len));
        }
        return records;
    }

    static int linkType(Path file) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getInt(20);
    }

    static void write(Path file, int linkType, List<Record> records) throws IOException {
        int size = 24;
        for (Record r : records) {
            size += 16 + r.data().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(linkType);
        for (Record r : records) {
            b.putInt((int) r.seconds()).putInt((int) r.micros()).putInt(r.data().length).putInt(r.originalLength()).put(r.data());
        }
        Files.write(file, b.array());
    }

    /** Rewrites every frame: a new link-layer header in place of Ethernet's 14 bytes. */
    static void relink(Path from, Path to, int linkType, UnaryOperator<byte[]> header) throws IOException {
        List<Record> out = new ArrayList<>();
        for (Record r : read(from)) {
            byte[] eth = r.data();
            byte[] ip = java.util.Arrays.copyOfRange(eth, 14, eth.length);
            byte[] h = header.apply(eth);
            byte[] data = new byte[h.length + ip.length];
            System.arraycopy(h, 0, data, 0, h.length);
            System.arraycopy(ip, 0, data, h.length, ip.length);
            out.add(new Record(r.seconds(), r.micros(), data, r.originalLength() - 14 + h.length));
        }
        write(to, linkType, out);
    }

    /**
     * The same frames in a finer clock: classic pcap with the nanosecond magic ({@code a1b23c4d}), or pcapng
     * (big-endian when asked, to exercise byte order) whose interface has if_tsresol {@code resolution}
     * (9: 10^-9 s; 0x80 | n: 2^-n s; 0 or less: no option, microseconds). Each time gains {@code extraNanos}
     * times the frame's index, modulo a microsecond, so that the digits past the microsecond differ.
     */
    static void rewriteFinerClock(Path from, Path to, boolean pcapng, int resolution, boolean bigEndian, int extraNanos)
            throws IOException {
        List<Record> records = read(from);
        int link = linkType(from);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        if (!pcapng) {
            ByteBuffer h = ByteBuffer.allocate(24).order(order);
            h.putInt(0xa1b23c4d).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(link);
            bytes.writeBytes(h.array());
        } else {
            bytes.writeBytes(block(order, 0x0A0D0D0A, ByteBuffer.allocate(16).order(order)
                    .putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array()));
            ByteBuffer idb = ByteBuffer.allocate(resolution > 0 ? 20 : 8).order(order);
            idb.putShort((short) link).putShort((short) 0).putInt(262144);
            if (resolution > 0) {
                idb.putShort((short) 9).putShort((short) 1).put((byte) resolution).put(new byte[3]);
                idb.putShort((short) 0).putShort((short) 0);
            }
            bytes.writeBytes(block(order, 1, idb.array()));
        }
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            long nanos = r.seconds() * 1_000_000_000L + r.micros() * 1000 + (long) i * extraNanos % 1000;
            if (!pcapng) {
                ByteBuffer h = ByteBuffer.allocate(16).order(order);
                h.putInt((int) r.seconds()).putInt((int) (nanos % 1_000_000_000L)).putInt(r.data().length).putInt(r.originalLength());
                bytes.writeBytes(h.array());
                bytes.writeBytes(r.data());
                continue;
            }
            long ticks;
            if (resolution <= 0) {
                ticks = nanos / 1000;
            } else if ((resolution & 0x80) == 0) {
                ticks = nanos / (long) Math.pow(10, 9 - resolution);
            } else {
                ticks = (long) (nanos / 1e9 * Math.pow(2, resolution & 0x7f));
            }
            int padded = (r.data().length + 3) & ~3;
            ByteBuffer epb = ByteBuffer.allocate(20 + padded).order(order);
            epb.putInt(0).putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(r.data().length).putInt(r.originalLength());
            epb.put(r.data());
            bytes.writeBytes(block(order, 6, epb.array()));
        }
        Files.write(to, bytes.toByteArray());
    }

    private static byte[] block(ByteOrder order, int type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(12 + body.length).order(order);
        b.putInt(type).putInt(12 + body.length).put(body).putInt(12 + body.length);
        return b.array();
    }

    /** Keeps at most snaplen bytes of every frame, as a capture with -s snaplen would have. */
    static void truncate(Path from, Path to, int snaplen) throws IOException {
        List<Record> out = new ArrayList<>();
        for (Record r : read(from)) {
            byte[] data = r.data().length > snaplen ? java.util.Arrays.copyOf(r.data(), snaplen) : r.data();
            out.add(new Record(r.seconds(), r.micros(), data, r.originalLength()));
        }
        write(to, linkType(from), out);
    }
}
