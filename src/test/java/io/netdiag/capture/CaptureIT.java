package io.netdiag.capture;

import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar as users start it: Ctrl-C mid-capture, no privilege, no libpcap, pcap on stdout. */
class CaptureIT {
    @TempDir
    Path dir;

    private static List<String> jar(String... args) {
        List<String> command = new ArrayList<>(List.of(Jar.java().toString(), "--enable-native-access=ALL-UNNAMED", "-jar",
                Jar.jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts the jar, waits for tcpdump's "listening on" line on stderr, and returns the process. */
    static Process startCapture(Path stdout, Path stderr, String... args) throws Exception {
        Process p = new ProcessBuilder(jar(args)).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.readString(stderr).contains("listening on")) {
            assertTrue(p.isAlive(), "capture ended early: " + Files.readString(stderr));
            assertTrue(System.nanoTime() < deadline, "no banner: " + Files.readString(stderr));
            Thread.sleep(50);
        }
        return p;
    }

    private static void send(int port, int count) throws Exception {
        try (DatagramSocket u = new DatagramSocket()) {
            for (int i = 0; i < count; i++) {
                u.send(new DatagramPacket(new byte[64], 64, InetAddress.getLoopbackAddress(), port));
                if (i % 50 == 0) {
                    Thread.sleep(1);
                }
            }
        }
    }

    private static long captured(String stderr) {
        for (String line : stderr.lines().toList()) {
            if (line.endsWith(" packets captured") || line.endsWith(" packet captured")) {
                return Long.parseLong(line.substring(0, line.indexOf(' ')));
            }
        }
        throw new AssertionError("no statistics in: " + stderr);
    }

    @Test
    void ctrlCLeavesAFileWithEveryCountedPacket() throws Exception {
        Host.requireRoot("live capture and switching to nobody");
        Host.require("tcpdump");
        int port = ThreadLocalRandom.current().nextInt(40000, 60000);
        Path file = dir.resolve("sigint.pcap");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = startCapture(out, err, "capture", "-i", "lo", "-w", file.toString(), "udp", "port", String.valueOf(port));
        send(port, 300);
        Thread.sleep(500);
        assertEquals(0, Host.run("kill", "-INT", String.valueOf(p.pid())).exitCode());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "did not stop on SIGINT");
        String stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), stderr);
        long counted = captured(stderr);
        assertEquals(300, counted, stderr);
        assertTrue(stderr.contains("packets received by filter") && stderr.contains("packets dropped by kernel"), stderr);
        Host.Run tcpdump = Host.run("tcpdump", "-n", "-r", file.toString());
        assertEquals(0, tcpdump.exitCode(), tcpdump.toString());
        assertEquals(counted, tcpdump.out().lines().count(), tcpdump.err());
    }

    @Test
    void sigtermWhilePrintingPrintsTheStatistics() throws Exception {
        Host.requireRoot("live capture and switching to nobody");
        int port = ThreadLocalRandom.current().nextInt(40000, 60000);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = startCapture(out, err, "capture", "-i", "lo", "udp", "port", String.valueOf(port));
        send(port, 50);
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (Files.readString(out).lines().count() < 50 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        p.destroy();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String stderr = Files.readString(err);
        assertEquals(50, captured(stderr), stderr);
        assertEquals(50, Files.readString(out).lines().count());
        assertTrue(stderr.contains("packets received by filter"), stderr);
    }

    @Test
    void pcapOnStandardOutput() throws Exception {
        Host.requireRoot("live capture and switching to nobody");
        Host.require("tcpdump");
        int port = ThreadLocalRandom.current().nextInt(40000, 60000);
        Path file = dir.resolve("stdout.pcap");
        Path err = dir.resolve("err.txt");
        Process p = startCapture(file, err, "capture", "-i", "lo", "-c", "5", "-w", "-", "udp", "port", String.valueOf(port));
        for (int i = 0; i < 100 && p.isAlive(); i++) {
            send(port, 1);
            Thread.sleep(20);
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertEquals(5, Host.run("tcpdump", "-n", "-r", file.toString()).out().lines().count());
    }

    @Test
    void aClosedPipeEndsTheRunQuietly() throws Exception {
        List<PcapFiles.Record> records = new ArrayList<>();
        byte[] frame = CaptureFilesTest.udp(1000, 2000, new byte[10]);
        for (int i = 0; i < 300_000; i++) {
            records.add(new PcapFiles.Record(1_700_000_000L + i / 1_000_000, i % 1_000_000, frame, frame.length));
        }
        Path file = dir.resolve("many.pcap");
        PcapFiles.write(file, 1, records);
        Process p = new ProcessBuilder(jar("capture", "-r", file.toString())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < 10; i++) {
            assertTrue(out.readLine().contains("UDP 52 1000 → 2000 Len=10"));
        }
        p.getInputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), err);
        assertEquals("", err);
    }

    @Test
    void withoutPrivilegeItExplainsAndExits3() {
        Host.requireRoot("needs root to switch to nobody");
        Host.require("setpriv");
        Host.Run r = Jar.run(true, "capture", "-i", "lo", "-c", "1");
        assertEquals(3, r.exitCode(), r.toString());
        List<String> lines = r.err().lines().toList();
        assertTrue(lines.get(0).startsWith("netdiag capture: cannot capture on lo: "), r.err());
        assertTrue(lines.get(0).contains("not permitted"), r.err());
        assertTrue(lines.get(1).startsWith("try: run as root, or grant cap_net_raw,cap_net_admin"), r.err());
        assertEquals(2, lines.size(), r.err());
        // reading a file needs no privilege
        Host.Run list = Jar.run(true, "capture", "-D");
        assertEquals(0, list.exitCode(), list.toString());
    }

    @Test
    void missingLibpcapNamesThePackage() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(jar("capture", "-i", "lo", "-c", "1"));
        pb.environment().put("NETDIAG_PCAP_LIB", "/nonexistent");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue(), err);
        assertTrue(err.startsWith("netdiag capture: libpcap not found at /nonexistent\n"), err);
        assertTrue(err.contains("try: apt-get install libpcap0.8"), err);
        assertTrue(err.contains("NETDIAG_PCAP_LIB"), err);
    }
}
