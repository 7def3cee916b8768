package io.netdiag.capture;

import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code capture -r} from what is not a plain file, each made for real: a FIFO written by tcpdump and by
 * tshark (pcap and pcapng), standard input fed by {@code tcpdump -w -} (from a file and live), a file its
 * reader may not open (chmod 000, read as nobody through setpriv), and records whose microsecond field is a
 * second or more. Output is compared with tshark's for the same bytes.
 */
class CaptureInputIT {
    @TempDir
    static Path dir;
    static Path sample;
    static Path sampleNg;

    @BeforeAll
    static void sample() throws Exception {
        Host.requireRoot("needs root to capture on lo");
        Host.require("tcpdump", "tshark", "setpriv", "mkfifo", "bash");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        sample = dir.resolve("sample.pcap");
        // real loopback traffic: a few TCP connections with data both ways and some UDP, on ports of this run
        // ports where tshark decodes nothing by number, so that its lines and netdiag's can be compared
        try (ServerSocket server = io.netdiag.testing.QuietPorts.tcpServer(InetAddress.getLoopbackAddress(), 50);
             DatagramSocket udp = io.netdiag.testing.QuietPorts.udp(InetAddress.getLoopbackAddress())) {
            int tcpPort = server.getLocalPort();
            int udpPort = udp.getLocalPort();
            Path log = dir.resolve("tcpdump-sample.log");
            Process tcpdump = new ProcessBuilder("tcpdump", "-Z", "root", "-i", "lo", "-U", "-B", "16384", "-w", sample.toString(),
                    "tcp port " + tcpPort + " or udp port " + udpPort).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                waitFor(log, "listening on", tcpdump);
                Thread echo = Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 5; i++) {
                            try (Socket s = server.accept()) {
                                byte[] request = s.getInputStream().readNBytes(100);
                                s.getOutputStream().write(request);
                                s.getOutputStream().write(new byte[3000]);
                            }
                        }
                    } catch (Exception ignored) {
                        // the test fails on the missing packets
                    }
                });
                for (int i = 0; i < 5; i++) {
                    try (Socket c = io.netdiag.testing.QuietPorts.tcpClient(InetAddress.getLoopbackAddress(),
                            new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort))) {
                        c.getOutputStream().write(new byte[100]);
                        c.getInputStream().readNBytes(3100);
                    }
                }
                echo.join(10_000);
                for (int i = 0; i < 20; i++) {
                    udp.send(new DatagramPacket(new byte[40 + i], 40 + i, InetAddress.getLoopbackAddress(), udpPort));
                }
                // libpcap hands over a ring block when it fills or after its 1 s timeout; tcpdump then writes it
                Thread.sleep(1500);
            } finally {
                Host.run("kill", "-INT", String.valueOf(tcpdump.pid()));
                assertTrue(tcpdump.waitFor(20, TimeUnit.SECONDS));
            }
        }
        sampleNg = dir.resolve("sample.pcapng");
        assertEquals(0, Host.run("tshark", "-r", sample.toString(), "-F", "pcapng", "-w", sampleNg.toString()).exitCode());
        assertTrue(tshark(sample).lines().count() > 50, tshark(sample) + Files.readString(dir.resolve("tcpdump-sample.log")));
    }

    private static void waitFor(Path log, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!Files.readString(log).contains(text)) {
            assertTrue(p.isAlive(), "ended early: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "never said '" + text + "': " + Files.readString(log));
            Thread.sleep(50);
        }
    }

    static String tshark(Path file) {
        Host.Run r = Host.run(List.of("tshark", "-n", "-r", file.toString()), 60);
        assertEquals(0, r.exitCode(), r.err());
        return r.out();
    }

    /** A shell pipeline with netdiag's jar as {@code $ND}; fails on time-out rather than hanging. */
    static Host.Run shell(String script) {
        String nd = String.join(" ", Jar.command(false).stream().map(a -> "'" + a + "'").toList());
        return Host.run(List.of("bash", "-c", "ND=\"" + nd.replace("\"", "\\\"") + "\"; " + script), 60);
    }

    @Test
    void readsPcapAndPcapngFromAFifoOpenedOnce() throws Exception {
        for (Path file : List.of(sample, sampleNg)) {
            Path fifo = dir.resolve("fifo-" + file.getFileName());
            assertEquals(0, Host.run("mkfifo", fifo.toString()).exitCode());
            // the writer opens the FIFO only once the reader has: a second open by the reader would hang
            String writer = file == sample ? "tcpdump -Z root -r '" + file + "' -w '" + fifo + "' 2>/dev/null"
                    : "cat '" + file + "' > '" + fifo + "'";
            Host.Run r = shell("eval \"$ND capture -r '" + fifo + "'\" > '" + dir.resolve("fifo.out") + "' & reader=$!; "
                    + writer + "; wait $reader; echo exit=$?");
            assertTrue(r.out().contains("exit=0"), r.out() + r.err());
            assertEquals(tshark(file), Files.readString(dir.resolve("fifo.out")), file.toString());
        }
    }

    @Test
    void readsStandardInputFromTcpdumpAndTshark() {
        Host.Run pcap = shell("tcpdump -Z root -r '" + sample + "' -w - 2>/dev/null | eval \"$ND capture -r -\"");
        assertEquals(0, pcap.exitCode(), pcap.err());
        assertEquals(tshark(sample), pcap.out());
        assertEquals("", pcap.err());

        Host.Run ng = shell("tshark -r '" + sample + "' -F pcapng -w - 2>/dev/null | eval \"$ND capture -r -\"");
        assertEquals(0, ng.exitCode(), ng.err());
        assertEquals(tshark(sampleNg), ng.out());

        // a filter and a count on a stream, as tcpdump applies them: the first three UDP packets
        Host.Run filtered = shell("cat '" + sample + "' | eval \"$ND capture -r - -c 3 udp\"");
        assertEquals(0, filtered.exitCode(), filtered.err());
        Host.Run tcpdump = Host.run("tcpdump", "-n", "-r", sample.toString(), "-c", "3", "udp");
        assertEquals(3, filtered.out().lines().count(), filtered.out());
        assertEquals(tcpdump.out().lines().count(), filtered.out().lines().count());
        assertTrue(filtered.out().lines().allMatch(l -> l.contains(" UDP ")), filtered.out());
    }

    @Test
    void readsALiveTcpdumpOnStandardInput() throws Exception {
        int port;
        try (DatagramSocket probe = io.netdiag.testing.QuietPorts.udp(InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path log = dir.resolve("live-tcpdump.log");
        Path copy = dir.resolve("live.pcap");
        Path out = dir.resolve("live.out");
        Files.deleteIfExists(log);
        Files.createFile(log);
        String nd = String.join(" ", Jar.command(false).stream().map(a -> "'" + a + "'").toList());
        Process pipeline = new ProcessBuilder("bash", "-c", "tcpdump -Z root -i lo -U -B 16384 -c 25 -w - 'udp port " + port + "' 2>'" + log
                + "' | tee '" + copy + "' | " + nd + " capture -r - >'" + out + "'").redirectErrorStream(true)
                .redirectOutput(dir.resolve("live.err").toFile()).start();
        try {
            waitFor(log, "listening on", pipeline);
            try (DatagramSocket u = io.netdiag.testing.QuietPorts.udp(InetAddress.getLoopbackAddress())) {
                for (int i = 0; i < 25; i++) {
                    u.send(new DatagramPacket(new byte[i + 1], i + 1, InetAddress.getLoopbackAddress(), port));
                }
            }
            assertTrue(pipeline.waitFor(30, TimeUnit.SECONDS), "the pipeline did not end after tcpdump's 25 packets");
        } finally {
            pipeline.destroyForcibly();
        }
        assertEquals(0, pipeline.exitValue(), Files.readString(dir.resolve("live.err")));
        assertEquals(25, Files.readString(out).lines().count(), Files.readString(out));
        assertEquals(tshark(copy), Files.readString(out));
    }

    @Test
    void aFileTheUserMayNotReadSaysPermissionDeniedAsTcpdump() throws Exception {
        Path locked = dir.resolve("locked.pcap");
        Files.copy(sample, locked);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Host.Run ours = Jar.run(true, "capture", "-r", locked.toString());
        Host.Run theirs = Host.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "tcpdump", "-r",
                locked.toString()), 30);
        assertTrue(theirs.err().contains("Permission denied"), theirs.err());
        assertEquals(3, ours.exitCode(), ours.err());
        List<String> lines = ours.err().lines().toList();
        assertEquals("netdiag capture: cannot read " + locked + ": Permission denied", lines.get(0));
        assertEquals(2, lines.size(), ours.err());
        assertTrue(lines.get(1).startsWith("try: "), ours.err());
        assertEquals("", ours.out());

        Host.Run missing = Jar.run("capture", "-r", dir.resolve("absent.pcap").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().startsWith("netdiag capture: cannot read "), missing.err());
        Host.Run directory = Jar.run("capture", "-r", dir.toString());
        assertEquals(2, directory.exitCode());
        assertEquals("netdiag capture: cannot read " + dir + ": Is a directory", directory.err().strip());
    }

    /** A time tshark printed with 6 or more fraction digits (a count of microseconds), normalised. */
    static String normalised(String time) {
        boolean negative = time.startsWith("-");
        String[] parts = (negative ? time.substring(1) : time).split("\\.");
        long micros = Long.parseLong(parts[0]) * 1_000_000 + Long.parseLong(parts[1]);
        return (negative ? "-" : "") + micros / 1_000_000 + "." + String.format("%06d", micros % 1_000_000);
    }

    /**
     * ts_usec of a second or more (seen in fuzzed files): every packet shown, no JNA warning or trace, exit 0.
     * Neither tcpdump nor tshark normalises such a field when printing it (tcpdump prints {@code .1500000},
     * tshark multiplies by 1,000 in 32 bits); netdiag adds it up as libpcap reads it (a signed count of
     * microseconds) and prints the normalised sum, which is tshark's own figure whenever the product fits.
     */
    @Test
    void oddMicrosecondFieldsShowEveryPacketWithTheTimeNormalised() throws Exception {
        byte[] bytes = Files.readAllBytes(sample);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> records = new ArrayList<>();
        for (int at = 24; at + 16 <= bytes.length; at += 16 + b.getInt(at + 8)) {
            records.add(at);
        }
        long firstSeconds = Integer.toUnsignedLong(b.getInt(records.get(0)));
        long firstMicros = b.getInt(records.get(0) + 4);
        int[] odd = {1_500_000, 1_000_000, 2_000_000, 999_999, -1, 3_000_000};
        for (int i = 0; i < odd.length; i++) {
            int at = records.get(2 + i);
            b.putInt(at, (int) firstSeconds);
            b.putInt(at + 4, odd[i]);
        }
        Path file = dir.resolve("odd-usec.pcap");
        Files.write(file, bytes);

        Host.Run ours = Jar.run("capture", "-r", file.toString());
        assertEquals(0, ours.exitCode(), ours.err());
        assertEquals("", ours.err(), "nothing on stderr: no JNA warning, no stack trace");
        List<String> mine = ours.out().lines().toList();
        List<String> theirs = tshark(file).lines().toList();
        assertEquals(records.size(), mine.size());
        assertEquals(theirs.size(), mine.size());
        for (int i = 0; i < odd.length; i++) {
            long micros = odd[i] - firstMicros;
            String expected = (micros < 0 ? "-" : "") + Math.abs(micros) / 1_000_000 + "." + String.format("%06d", Math.abs(micros) % 1_000_000);
            String line = mine.get(2 + i);
            String[] columns = line.strip().split("\\s+", 3);
            String[] tsharks = theirs.get(2 + i).strip().split("\\s+", 3);
            assertEquals(expected, columns[1], line);
            // the rest of the line always as tshark's, the time too wherever tshark's 32-bit product fits
            assertEquals(tsharks[2], columns[2]);
            if ((long) odd[i] * 1000 == (int) (odd[i] * 1000L)) {
                // tshark prints the fraction unnormalised ("0.1082113" for 1.082113 s): the same value
                assertEquals(expected, normalised(tsharks[1]), theirs.get(2 + i));
            }
        }
        Host.Run tcpdump = Host.run("tcpdump", "-n", "-r", file.toString());
        assertEquals(records.size(), tcpdump.out().lines().count());
        assertFalse(ours.out().contains("Exception"));
    }
}
