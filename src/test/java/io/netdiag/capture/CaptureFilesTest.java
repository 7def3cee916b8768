package io.netdiag.capture;

import io.netdiag.output.Json;
import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading files: crafted packets, filters and counts, bad and broken files. Needs libpcap, not root. */
class CaptureFilesTest {
    @TempDir
    Path dir;

    /** An Ethernet + IPv4 + UDP frame with the given payload (checksums left zero, as tshark does not check). */
    static byte[] udp(int sport, int dport, byte[] payload) {
        byte[] f = new byte[14 + 20 + 8 + payload.length];
        f[12] = 0x08;
        f[14] = 0x45;
        int total = 20 + 8 + payload.length;
        f[16] = (byte) (total >> 8);
        f[17] = (byte) total;
        f[22] = 64;
        f[23] = 17;
        f[26] = 10;
        f[29] = 1;
        f[30] = 10;
        f[33] = 2;
        f[34] = (byte) (sport >> 8);
        f[35] = (byte) sport;
        f[36] = (byte) (dport >> 8);
        f[37] = (byte) dport;
        int ulen = 8 + payload.length;
        f[38] = (byte) (ulen >> 8);
        f[39] = (byte) ulen;
        System.arraycopy(payload, 0, f, 42, payload.length);
        return f;
    }

    /** An Ethernet + IPv4 + TCP frame from a to b (a = 10.0.0.1:1000, b = 10.0.0.2:80) without options. */
    static byte[] tcp(boolean fromA, long seq, long ack, int flags, int window, int payload) {
        byte[] f = new byte[14 + 20 + 20 + payload];
        f[12] = 0x08;
        f[14] = 0x45;
        int total = 40 + payload;
        f[16] = (byte) (total >> 8);
        f[17] = (byte) total;
        f[22] = 64;
        f[23] = 6;
        f[26] = 10;
        f[29] = (byte) (fromA ? 1 : 2);
        f[30] = 10;
        f[33] = (byte) (fromA ? 2 : 1);
        int sport = fromA ? 1000 : 80;
        int dport = fromA ? 80 : 1000;
        f[34] = (byte) (sport >> 8);
        f[35] = (byte) sport;
        f[36] = (byte) (dport >> 8);
        f[37] = (byte) dport;
        for (int i = 0; i < 4; i++) {
            f[38 + i] = (byte) (seq >> (24 - 8 * i));
            f[42 + i] = (byte) (ack >> (24 - 8 * i));
        }
        f[46] = 0x50;
        f[47] = (byte) flags;
        f[48] = (byte) (window >> 8);
        f[49] = (byte) window;
        return f;
    }

    /** An Ethernet + IPv6 + UDP frame between two addresses (eight colon-separated groups each), empty payload. */
    static byte[] udp6(String src, String dst) {
        byte[] f = new byte[14 + 40 + 8];
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xdd;
        f[14] = 0x60;
        f[19] = 8;
        f[20] = 17;
        f[21] = 64;
        groups(src, f, 22);
        groups(dst, f, 38);
        f[54] = 0x13;
        f[55] = (byte) 0x88;
        f[56] = 0x13;
        f[57] = (byte) 0x89;
        f[59] = 8;
        // IPv6 makes the UDP checksum mandatory (tshark flags a zero one): pseudo-header + UDP header
        long sum = 8 + 17;
        for (int i = 22; i < 62; i += 2) {
            sum += ((f[i] & 0xff) << 8) | (f[i + 1] & 0xff);
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        int checksum = (int) (~sum & 0xffff);
        checksum = checksum == 0 ? 0xffff : checksum;
        f[60] = (byte) (checksum >> 8);
        f[61] = (byte) checksum;
        return f;
    }

    private static void groups(String address, byte[] f, int at) {
        String[] g = address.split(":");
        for (int i = 0; i < 8; i++) {
            int v = Integer.parseInt(g[i], 16);
            f[at + 2 * i] = (byte) (v >> 8);
            f[at + 2 * i + 1] = (byte) v;
        }
    }

    Path file(List<byte[]> frames) throws Exception {
        List<PcapFiles.Record> records = new ArrayList<>();
        long usec = 0;
        for (byte[] f : frames) {
            records.add(new PcapFiles.Record(1_700_000_000L, usec, f, f.length));
            usec += 1500;
        }
        Path p = dir.resolve("crafted" + frames.size() + "-" + System.nanoTime() + ".pcap");
        PcapFiles.write(p, 1, records);
        return p;
    }

    @Test
    void readsCraftedPacketsWithFilterAndCount() throws Exception {
        Path p = file(List.of(udp(1000, 2000, new byte[10]), udp(1001, 2001, new byte[20]), udp(1002, 2002, new byte[30])));
        Cli.Result all = Cli.run("capture", "-r", p.toString());
        assertEquals(0, all.exitCode(), all.toString());
        assertEquals(List.of(
                "    1   0.000000     10.0.0.1 → 10.0.0.2     UDP 52 1000 → 2000 Len=10",
                "    2   0.001500     10.0.0.1 → 10.0.0.2     UDP 62 1001 → 2001 Len=20",
                "    3   0.003000     10.0.0.1 → 10.0.0.2     UDP 72 1002 → 2002 Len=30"), all.out().lines().toList());

        Cli.Result filtered = Cli.run("capture", "-r", p.toString(), "udp", "port", "2001", "or", "udp", "port", "2002");
        assertEquals(List.of(
                "    1   0.000000     10.0.0.1 → 10.0.0.2     UDP 62 1001 → 2001 Len=20",
                "    2   0.001500     10.0.0.1 → 10.0.0.2     UDP 72 1002 → 2002 Len=30"), filtered.out().lines().toList());
        Cli.Result withF = Cli.run("capture", "-r", p.toString(), "-f", "udp port 2002");
        assertEquals(1, withF.out().lines().count(), withF.toString());

        Cli.Result counted = Cli.run("capture", "-r", p.toString(), "-c", "2");
        assertEquals(2, counted.out().lines().count(), counted.toString());
    }

    /**
     * IPv6 text at its edges, as tshark -n prints it: tshark formats with the system's inet_ntop (Wireshark's
     * ws_inet_ntop6), so IPv4-mapped and IPv4-compatible addresses keep their dotted tail, exactly as
     * io.netdiag.os.AddressText does for ss and ping.
     */
    @Test
    void ipv6AddressTextAgreesWithTshark() throws Exception {
        List<String> edges = List.of("0:0:0:0:0:0:0:1", "1:0:0:2:0:0:3:4", "1:0:0:2:0:0:0:4", "1:0:2:3:4:5:6:7",
                "fe80:0:0:0:0:0:0:1", "0:0:0:0:0:1:0:0", "0:0:0:0:0:ffff:7f00:1", "0:0:0:0:0:ffff:0:0",
                "0:0:0:0:0:0:102:304", "0:0:0:0:0:0:0:2", "0:0:0:0:0:0:0:102", "0:0:0:0:ffff:0:102:304",
                "0:0:0:0:0:ffff:1:2", "64:ff9b:0:0:0:0:c000:201", "2001:db8:0:1:0:0:0:1");
        List<byte[]> frames = new ArrayList<>();
        for (String e : edges) {
            frames.add(udp6(e, "fd00:200:0:0:0:0:0:2"));
        }
        Path p = file(frames);
        Cli.Result r = Cli.run("capture", "-r", p.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(edges.size(), lines.size(), r.toString());
        assertTrue(lines.get(0).contains(" ::1 → fd00:200::2 "), lines.get(0));
        assertTrue(lines.get(6).contains(" ::ffff:127.0.0.1 → "), lines.get(6));
        assertTrue(lines.get(8).contains(" ::1.2.3.4 → "), lines.get(8));
        assertTrue(lines.get(9).contains(" ::2 → "), lines.get(9));
        Host.require("tshark");
        Host.Run theirs = Host.run(List.of("tshark", "-n", "-r", p.toString()), 60);
        assertEquals(0, theirs.exitCode(), theirs.err());
        assertEquals(theirs.out(), r.out());
    }

    @Test
    void zeroWindowProbesAndSequenceWrapAgreeWithTshark() throws Exception {
        long isn = 0xFFFFFF00L;
        long a = isn + 1;
        int syn = 0x02;
        int ack = 0x10;
        int psh = 0x08;
        List<byte[]> frames = List.of(
                tcp(true, isn, 0, syn, 65535, 0),
                tcp(false, 1000, a, syn | ack, 1000, 0),
                tcp(true, a, 1001, ack, 65535, 0),
                tcp(true, a, 1001, psh | ack, 65535, 500),                      // crosses 2^32
                tcp(true, (a + 500) & 0xFFFFFFFFL, 1001, psh | ack, 65535, 500), // fills the window
                tcp(false, 1001, (a + 1000) & 0xFFFFFFFFL, ack, 0, 0),            // zero window
                tcp(true, (a + 1000) & 0xFFFFFFFFL, 1001, ack, 65535, 1),         // probe
                tcp(false, 1001, (a + 1000) & 0xFFFFFFFFL, ack, 0, 0),            // probe ack
                tcp(false, 1001, (a + 1000) & 0xFFFFFFFFL, ack, 1000, 0),         // window update
                tcp(true, (a + 1000) & 0xFFFFFFFFL, 1001, psh | ack, 65535, 100),
                tcp(false, 1001, (a + 1100) & 0xFFFFFFFFL, ack, 1000, 0),
                tcp(true, (a + 1000) & 0xFFFFFFFFL, 1001, psh | ack, 65535, 100), // already acknowledged
                tcp(false, 1001, (a + 1100) & 0xFFFFFFFFL, ack, 1000, 0),
                tcp(false, 1001, (a + 1100) & 0xFFFFFFFFL, ack, 1000, 0),
                tcp(true, (a + 1100) & 0xFFFFFFFFL, 1001, 0x04, 0, 0));
        Path p = file(frames);
        Cli.Result r = Cli.run("capture", "-r", p.toString());
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.out();
        for (String flag : List.of("[TCP Window Full]", "[TCP ZeroWindow]", "[TCP ZeroWindowProbe]", "[TCP ZeroWindowProbeAck]",
                "[TCP Window Update]", "[TCP Spurious Retransmission]", "[TCP Dup ACK 11#2]")) {
            assertTrue(out.contains(flag), flag + " missing:\n" + out);
        }
        assertTrue(out.contains("Seq=501 Ack=1 Win=65535 Len=500"), "relative numbers across the wrap:\n" + out);
        Host.require("tshark");
        Host.Run theirs = Host.run(List.of("tshark", "-n", "-r", p.toString()), 60);
        assertEquals(theirs.out(), out);
        System.out.printf("capture differential [crafted zero-window probes, 32-bit wrap]: %d/%d lines agree%n",
                out.lines().count(), theirs.out().lines().count());
    }

    @Test
    void unknownLinkTypesAreCountedAndSaidSo() throws Exception {
        Path ethernet = file(List.of(udp(1, 2, new byte[3]), udp(3, 4, new byte[5])));
        Path user0 = dir.resolve("user0.pcap");
        PcapFiles.write(user0, 147, PcapFiles.read(ethernet));
        Cli.Result r = Cli.run("capture", "-r", user0.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(
                "    1   0.000000              →              UNKNOWN 45 Unknown link type",
                "    2   0.001500              →              UNKNOWN 47 Unknown link type"), r.out().lines().toList());
    }

    @Test
    void jsonIsOneObjectPerPacket() throws Exception {
        Path p = file(List.of(udp(1000, 2000, new byte[10]), udp(1001, 2001, new byte[20])));
        Cli.Result r = Cli.run("--json", "capture", "-r", p.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) Json.parse(lines.get(0));
        assertEquals("UDP", first.get("protocol"));
        assertEquals("10.0.0.1", first.get("source"));
        assertEquals(2000L, ((Number) first.get("dst_port")).longValue());
        assertEquals("1000 → 2000 Len=10", first.get("info"));
        assertEquals(52L, ((Number) first.get("length")).longValue());
    }

    @Test
    void brokenPacketsAreDescribedNeverThrown() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        byte[] badIhl = udp(1, 2, new byte[4]);
        badIhl[14] = 0x42;
        frames.add(badIhl);
        byte[] badUdpLength = udp(1, 2, new byte[4]);
        badUdpLength[39] = 3;
        frames.add(badUdpLength);
        byte[] badDns = udp(5353, 53, new byte[] {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 60, 'a'});
        frames.add(badDns);
        frames.add(new byte[] {1, 2, 3});
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] f = udp(1000 + i, 53, new byte[random.nextInt(60)]);
            for (int j = 14; j < f.length; j++) {
                if (random.nextInt(4) == 0) {
                    f[j] = (byte) random.nextInt(256);
                }
            }
            if (random.nextBoolean()) {
                f[23] = (byte) (random.nextBoolean() ? 6 : 1);
            }
            frames.add(f);
        }
        Path p = file(frames);
        Cli.Result r = Cli.run("capture", "-r", p.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(frames.size(), lines.size(), r.toString());
        assertTrue(lines.get(0).endsWith("IPv4 46 Bogus IP header length (8, must be at least 20)"), lines.get(0));
        assertTrue(lines.get(1).contains("[Malformed Packet]"), lines.get(1));
        assertTrue(lines.get(2).contains("DNS") && lines.get(2).contains("[Malformed Packet]"), lines.get(2));
        assertTrue(lines.get(3).contains("[Malformed Packet]"), lines.get(3));
        Host.require("tshark");
        Host.Run theirs = Host.run(List.of("tshark", "-n", "-r", p.toString()), 60);
        List<String> t = theirs.out().lines().toList();
        int same = 0;
        for (int i = 0; i < Math.min(t.size(), lines.size()); i++) {
            if (t.get(i).equals(lines.get(i))) {
                same++;
            }
        }
        // random corruption reaches protocols netdiag does not name (IP protocol numbers, IPv6 behind an
        // IPv4 ethertype): report the figure, insist on the bulk
        assertTrue(same >= lines.size() * 3 / 4, same + " of " + lines.size());
        System.out.printf("capture differential [randomly corrupted packets]: %d/%d lines agree with tshark%n", same, lines.size());
    }

    @Test
    void badFilesGiveOneClearLine() throws Exception {
        Cli.Result missing = Cli.run("capture", "-r", dir.resolve("nope.pcap").toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().startsWith("netdiag capture: cannot read "), missing.err());
        assertTrue(missing.err().contains("no such file"), missing.err());

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "this is not a capture file\n".repeat(10));
        Cli.Result notPcap = Cli.run("capture", "-r", text.toString());
        assertEquals(2, notPcap.exitCode(), notPcap.toString());
        assertTrue(notPcap.err().contains("not a pcap or pcapng file"), notPcap.err());
        assertEquals(1, notPcap.err().lines().count(), notPcap.err());

        Path empty = dir.resolve("empty.pcap");
        Files.write(empty, new byte[0]);
        assertEquals(2, Cli.run("capture", "-r", empty.toString()).exitCode());

        Path whole = file(List.of(udp(1, 2, new byte[100]), udp(3, 4, new byte[100])));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 50));
        Cli.Result partial = Cli.run("capture", "-r", cut.toString());
        assertEquals(1, partial.exitCode(), partial.toString());
        assertEquals(1, partial.out().lines().count(), partial.toString());
        assertTrue(partial.err().contains("truncated"), partial.err());

        Cli.Result badFilter = Cli.run("capture", "-r", whole.toString(), "port", "not-a-port");
        assertEquals(2, badFilter.exitCode(), badFilter.toString());
        assertTrue(badFilter.err().contains("bad filter expression"), badFilter.err());

        Cli.Result both = Cli.run("capture", "-r", whole.toString(), "-f", "udp", "tcp");
        assertEquals(2, both.exitCode(), both.toString());

        Cli.Result badStop = Cli.run("capture", "-r", whole.toString(), "-a", "packets:3");
        assertEquals(2, badStop.exitCode(), badStop.toString());
        assertFalse(badStop.err().contains("Exception"), badStop.err());
    }
}
