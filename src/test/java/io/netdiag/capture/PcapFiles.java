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
