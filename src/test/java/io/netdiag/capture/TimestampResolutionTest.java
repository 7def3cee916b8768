package io.netdiag.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimestampResolutionTest {
    @TempDir
    Path dir;

    private int digits(boolean pcapng, int resolution, boolean bigEndian) throws Exception {
        Path source = dir.resolve("source.pcap");
        PcapFiles.write(source, 1, List.of(new PcapFiles.Record(1, 2, new byte[60], 60)));
        Path file = dir.resolve("file" + pcapng + resolution + bigEndian);
        PcapFiles.rewriteFinerClock(source, file, pcapng, resolution, bigEndian, 0);
        return TimestampResolution.digits(file);
    }

    @Test
    void digitsFollowTheFilesClock() throws Exception {
        Path micro = dir.resolve("micro.pcap");
        PcapFiles.write(micro, 1, List.of(new PcapFiles.Record(1, 2, new byte[60], 60)));
        assertEquals(6, TimestampResolution.digits(micro));
        assertEquals(9, digits(false, 9, false));
        assertEquals(9, digits(false, 9, true));
        assertEquals(9, digits(true, 9, false));
        assertEquals(9, digits(true, 9, true));
        assertEquals(6, digits(true, 0, false), "pcapng without if_tsresol is microseconds");
        assertEquals(3, digits(true, 3, true));
        assertEquals(6, digits(true, 0x80 | 20, false), "2^20 ticks per second reach microseconds, not 10^7");
        assertEquals(9, digits(true, 0x80 | 30, false));
    }

    @Test
    void unreadableOrForeignFilesFallBackToMicroseconds() throws Exception {
        assertEquals(6, TimestampResolution.digits(dir.resolve("missing.pcap")));
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a capture at all");
        assertEquals(6, TimestampResolution.digits(text));
        assertEquals(6, TimestampResolution.digits(new byte[] {1, 2}));
    }
}
