package io.netdiag.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the real readers make of a pcap file netdiag wrote: tcpdump -r, tshark -r and capinfos, which must agree. */
public final class PcapReaders {
    private PcapReaders() {
    }

    /**
     * The number of packets in {@code file}, after checking that tcpdump, tshark and capinfos each read it to the
     * end without an error (no "truncated dump file", no "cut short in the middle of a packet") and count the same.
     */
    public static long packets(Path file) {
        Host.Run tcpdump = Host.run("tcpdump", "-n", "-r", file.toString());
        assertEquals(0, tcpdump.exitCode(), "tcpdump -r " + file + ": " + tcpdump);
        assertEquals("", withoutNotes(tcpdump.err(), "reading from file"), "tcpdump -r " + file);
        Host.Run tshark = Host.run("tshark", "-n", "-r", file.toString());
        assertEquals(0, tshark.exitCode(), "tshark -r " + file + ": " + tshark);
        assertEquals("", withoutNotes(tshark.err(), "Running as user"), "tshark -r " + file);
        Host.Run capinfos = Host.run("capinfos", "-c", "-M", file.toString());
        assertEquals(0, capinfos.exitCode(), "capinfos " + file + ": " + capinfos);
        assertEquals("", capinfos.err(), "capinfos " + file);
        long counted = -1;
        for (String line : capinfos.out().lines().toList()) {
            if (line.startsWith("Number of packets:")) {
                counted = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        assertTrue(counted >= 0, "no count from capinfos: " + capinfos.out());
        assertEquals(counted, tcpdump.out().lines().count(), "tcpdump and capinfos disagree on " + file);
        assertEquals(counted, tshark.out().lines().count(), "tshark and capinfos disagree on " + file);
        return counted;
    }

    /** The count in tcpdump's (and netdiag's) "N packets captured" statistics line. */
    public static long captured(String stderr) {
        for (String line : stderr.lines().toList()) {
            if (line.endsWith(" packets captured") || line.endsWith(" packet captured")) {
                return Long.parseLong(line.substring(0, line.indexOf(' ')));
            }
        }
        throw new AssertionError("no statistics in: " + stderr);
    }

    private static String withoutNotes(String err, String note) {
        List<String> lines = err.lines().filter(l -> !l.startsWith(note)).toList();
        return lines.stream().collect(Collectors.joining("\n"));
    }
}
