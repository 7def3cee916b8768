package io.netdiag.capture;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Writes classic pcap (microsecond timestamps, true original lengths) with tcpdump's ring-buffer rules:
 * {@code -C} rotates past a size, {@code -W} caps the number of files, {@code -G} rotates on time. Files are
 * created with mode 0600 because they hold other people's traffic. Written here rather than with
 * pcap_dump so that every packet is counted and the original length is kept.
 */
final class PcapFileWriter implements AutoCloseable {
    private final String name;
    private final int snaplen;
    private final int linkType;
    private final long maxBytes;
    private final int maxFiles;
    private final long rotateNanos;
    private OutputStream out;
    private long written;
    private int fileIndex;
    private int timeFiles;
    private long fileStartNanos = Long.MIN_VALUE;
    private final byte[] header = new byte[16];

    PcapFileWriter(String name, int snaplen, int dlt, long maxBytes, int maxFiles, long rotateSeconds) throws IOException {
        this.name = name;
        this.snaplen = snaplen;
        this.linkType = LinkNames.fileLinkType(dlt);
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.rotateNanos = rotateSeconds * 1_000_000_000L;
        if (rotateNanos == 0) {
            open(fileName(0, System.currentTimeMillis() * 1_000_000L));
        }
    }

    /**
     * Writes one packet; returns false (and writes nothing) when -G with -W has filled its last file,
     * which is where tcpdump exits.
     */
    boolean write(long epochNanos, byte[] data, int originalLength) throws IOException {
        if (out == null || (rotateNanos > 0 && epochNanos - fileStartNanos >= rotateNanos)) {
            if (out != null) {
                out.close();
                out = null;
                if (maxFiles > 0 && maxBytes <= 0 && ++timeFiles >= maxFiles) {
                    return false;
                }
                fileIndex = maxFiles > 0 ? (fileIndex + 1) % maxFiles : fileIndex + 1;
            }
            fileStartNanos = epochNanos;
            open(fileName(fileIndex, epochNanos));
        } else if (maxBytes > 0 && written > maxBytes && !"-".equals(name)) {
            out.close();
            fileIndex = maxFiles > 0 ? (fileIndex + 1) % maxFiles : fileIndex + 1;
            open(fileName(fileIndex, epochNanos));
        }
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        long micros = Math.floorMod(epochNanos, 1_000_000_000L) / 1000;
        putLe(header, 0, seconds);
        putLe(header, 4, micros);
        putLe(header, 8, data.length);
        putLe(header, 12, originalLength);
        out.write(header);
        out.write(data);
        written += 16 + data.length;
        return true;
    }

    void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    private String fileName(int index, long epochNanos) {
        String base = name;
        if (rotateNanos > 0) {
            base = strftime(name, Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L)).atZone(ZoneId.systemDefault()));
        }
        if (maxBytes <= 0 || (index == 0 && maxFiles == 0)) {
            return base;
        }
        int width = maxFiles > 0 ? String.valueOf(maxFiles).length() : 0;
        String number = String.valueOf(index);
        while (number.length() < width) {
            number = "0" + number;
        }
        return base + number;
    }

    private void open(String file) throws IOException {
        written = 0;
        if ("-".equals(file)) {
            out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        } else {
            Path path = Path.of(file);
            Files.deleteIfExists(path);
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            out = new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.WRITE), 1 << 16);
        }
        byte[] global = new byte[24];
        putLe(global, 0, 0xa1b2c3d4L);
        global[4] = 2;
        global[6] = 4;
        putLe(global, 16, snaplen);
        putLe(global, 20, linkType);
        out.write(global);
        written = 24;
    }

    private static void putLe(byte[] b, int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >> 8);
        b[off + 2] = (byte) (v >> 16);
        b[off + 3] = (byte) (v >> 24);
    }

    /** The strftime conversions tcpdump users put in -G file names. */
    private static String strftime(String pattern, ZonedDateTime t) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                s.append(c);
                continue;
            }
            char f = pattern.charAt(++i);
            switch (f) {
                case 'Y' -> s.append(t.getYear());
                case 'm' -> s.append(String.format("%02d", t.getMonthValue()));
                case 'd' -> s.append(String.format("%02d", t.getDayOfMonth()));
                case 'H' -> s.append(String.format("%02d", t.getHour()));
                case 'M' -> s.append(String.format("%02d", t.getMinute()));
                case 'S' -> s.append(String.format("%02d", t.getSecond()));
                case 's' -> s.append(t.toEpochSecond());
                case '%' -> s.append('%');
                default -> s.append('%').append(f);
            }
        }
        return s.toString();
    }
}
