package io.netdiag.ping;

import io.netdiag.output.Json;
import io.netdiag.output.PingRenderer;
import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** ping -I, -p and -l on loopback, side by side with iputils ping (root: raw sockets here). */
class PingSourcePatternPreloadTest {

    private static List<String> args(String line) {
        return List.of(line.split(" "));
    }

    private static Host.Run iputils(String line) {
        List<String> command = new java.util.ArrayList<>(List.of("ping"));
        command.addAll(args(line));
        return Host.run(command, 60);
    }

    private static Cli.Result netdiag(String line) {
        List<String> command = new java.util.ArrayList<>(List.of("ping"));
        command.addAll(args(line));
        return Cli.run(command.toArray(String[]::new));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-c 2 -i 0.2 -I lo 127.0.0.1     | PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 lo: 56(84) bytes of data.",
            "-c 2 -i 0.2 -I 127.0.0.1 127.0.0.1 | PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 : 56(84) bytes of data.",
            "-6 -c 2 -i 0.2 -I lo ::1        | PING ::1(::1) from ::1 lo: 56 data bytes",
            "-c 2 -i 0.2 -I ::1 ::1          | PING ::1(::1) from ::1 : 56 data bytes",
            // an address of the other family: iputils picks the source by route and still binds it
            "-c 2 -i 0.2 -I ::1 127.0.0.1    | PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 : 56(84) bytes of data.",
    })
    void sourceHeaderIsIputilsOwnAndRepliesCome(String line, String header) {
        Host.requireRoot("raw ICMP sockets need root here");
        Cli.Result ours = netdiag(line);
        Host.Run theirs = iputils(line);
        assertEquals(0, theirs.exitCode(), theirs::toString);
        assertEquals(header, theirs.out().lines().findFirst().orElseThrow(), "iputils itself");
        assertEquals(0, ours.exitCode(), ours::toString);
        assertEquals(header, ours.out().lines().findFirst().orElseThrow(), ours::toString);
        assertEquals(PingLoopbackTest.shape(theirs.out()), PingLoopbackTest.shape(ours.out()), theirs.out() + "\nvs\n" + ours.out());
        assertEquals("", ours.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-c 1 -I ndnosuch0 127.0.0.1   | SO_BINDTODEVICE ndnosuch0: No such device",
            "-c 1 -I 10.255.77.9 127.0.0.1 | bind: Cannot assign requested address",
            "-6 -c 1 -I ndnosuch0 ::1      | unknown iface: ndnosuch0",
            "-c 1 -I fd00:254::77 ::1      | bind icmp socket: Cannot assign requested address",
            "-c 1 -I 1:2:3:zz ::1          | invalid source address: 1:2:3:zz",
    })
    void sourceErrorsCarryIputilsWordsAndExitTwo(String line, String words) {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Host.Run theirs = iputils(line);
        assertEquals(2, theirs.exitCode(), theirs::toString);
        assertEquals("ping: " + words, theirs.err().strip(), "iputils itself");
        Cli.Result ours = netdiag(line);
        assertEquals(2, ours.exitCode(), ours::toString);
        List<String> err = ours.err().lines().toList();
        assertTrue(err.getFirst().startsWith("netdiag ping: " + words), ours::toString);
        assertEquals(2, err.size(), ours::toString);
        assertTrue(err.get(1).startsWith("try: "), ours::toString);
        assertEquals("", ours.out(), "nothing on stdout, as iputils");
    }

    @Test
    void aDeviceWithoutARouteToTheTargetPicksItsOwnSourceAsIputils() throws Exception {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        String device = java.net.NetworkInterface.networkInterfaces()
                .filter(i -> !i.getName().equals("lo") && i.inetAddresses().anyMatch(a -> a instanceof java.net.Inet4Address))
                .map(java.net.NetworkInterface::getName).findFirst().orElse(null);
        assumeTrue(device != null, "needs an interface with an IPv4 address besides lo");
        String line = "-c 1 -W 1 -I " + device + " 127.0.0.1";
        Host.Run theirs = iputils(line);
        Cli.Result ours = netdiag(line);
        String header = theirs.out().lines().findFirst().orElseThrow();
        assertTrue(header.endsWith(" " + device + ": 56(84) bytes of data."), header);
        assertEquals(header, ours.out().lines().findFirst().orElseThrow(), ours::toString);
        assertEquals(theirs.exitCode(), ours.exitCode(), theirs + "\nvs\n" + ours);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-c 2 -i 0.2 -p ff 127.0.0.1",
            "-c 2 -i 0.2 -p abc 127.0.0.1",
            "-c 2 -i 0.2 -p 0102030405060708090a0b0c0d0e0f1011 127.0.0.1",
            "-c 2 -i 0.2 -s 8 -p 5a 127.0.0.1",
            "-c 2 -i 0.2 -s 100 -p deadbeef ::1",
            "-q -c 2 -i 0.2 -p ff 127.0.0.1",
    })
    void patternLineAndRepliesLookLikeIputils(String line) {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Host.Run theirs = iputils(line);
        Cli.Result ours = netdiag(line);
        assertEquals(0, ours.exitCode(), ours::toString);
        List<String> theirLines = theirs.out().lines().toList();
        List<String> ourLines = ours.out().lines().toList();
        // the PATTERN line is exact (no numbers vary), the rest by shape; no "wrong data byte" from either
        assertEquals(theirLines.getFirst(), ourLines.getFirst());
        assertEquals(line.startsWith("-q"), !ourLines.getFirst().startsWith("PATTERN: 0x"), ours::toString);
        assertEquals(PingLoopbackTest.shape(theirs.out()), PingLoopbackTest.shape(ours.out()), theirs.out() + "\nvs\n" + ours.out());
        assertTrue(ours.out().contains("2 received"), ours::toString);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-c 1 -p zz 127.0.0.1  | patterns must be specified as hex digits: zz",
            "-c 1 -p 1g2 127.0.0.1 | patterns must be specified as hex digits: g2",
            "-c 1 -l 0 127.0.0.1   | invalid argument: '0': out of range: 1 <= value <= 65536",
            "-c 1 -l 65537 127.0.0.1 | invalid argument: '65537': out of range: 1 <= value <= 65536",
    })
    void badPatternsAndPreloadsAreRefusedWithIputilsWords(String line, String words) {
        Cli.Result ours = netdiag(line);
        assertEquals(2, ours.exitCode(), ours::toString);
        // iputils' words; a refused option value is prefixed with the option's name (-l PRELOAD: ...)
        String first = ours.err().lines().findFirst().orElseThrow();
        assertTrue(first.equals("netdiag ping: " + words) || first.equals("netdiag ping: -l PRELOAD: " + words), ours::toString);
        Host.Run theirs = iputils(line);
        assertTrue(theirs.exitCode() != 0, theirs::toString);
        assertEquals("ping: " + words, theirs.err().strip());
    }

    @Test
    void patternFillsTheDataAfterTheTimestampAndRepliesAreCheckedAgainstIt() {
        byte[] pattern = EchoCodec.pattern("abc");
        assertArrayEquals(new byte[] {(byte) 0xab, 0x0c}, pattern, "sscanf(\"%2x\") reads two digits, then the odd one");
        assertEquals(16, EchoCodec.pattern("0102030405060708090a0b0c0d0e0f1011").length, "at most 16 bytes, as iputils");
        byte[] packet = new byte[8 + 40];
        int length = EchoCodec.request(packet, false, 7, 1, 40, 1_000_000_000L, pattern);
        assertEquals(48, length);
        for (int i = EchoCodec.TIMESTAMP_BYTES; i < 40; i++) {
            assertEquals(pattern[i % 2], packet[8 + i], "data byte " + i);
        }
        assertEquals(-1, EchoCodec.wrongDataByte(packet, 0, 40, pattern));
        byte[] corrupted = packet.clone();
        corrupted[8 + 21] ^= 0x40;
        assertEquals(21, EchoCodec.wrongDataByte(corrupted, 0, 40, pattern));
        assertEquals(16, EchoCodec.wrongDataByte(packet, 0, 40, null), "without -p the data is 0, 1, 2, ...");
        // a short reply is checked as far as it goes
        assertEquals(-1, EchoCodec.wrongDataByte(Arrays.copyOf(corrupted, 8 + 20), 0, 40, pattern));
    }

    @Test
    void wrongDataIsPrintedAsIputilsPrintsIt() {
        StringWriter out = new StringWriter();
        PingRenderer renderer = new PingRenderer(new PrintWriter(out), new PrintWriter(new StringWriter()), false, false, false, false);
        byte[] rest = new byte[40]; // data bytes 16..55 of a 56-byte probe
        for (int i = 0; i < rest.length; i++) {
            rest[i] = (byte) (i + 16);
        }
        rest[5] = 0;
        renderer.on(new PingEvent.WrongData("h", 0, 1, 21, 0x15, 0, rest));
        StringBuilder expected = new StringBuilder("wrong data byte #21 should be 0x15 but was 0x0\n#16\t");
        for (int i = 16; i < 56; i++) {
            if (i == 48) {
                expected.append("\n#48\t");
            }
            expected.append(Integer.toHexString(i == 21 ? 0 : i)).append(' ');
        }
        assertEquals(expected + "\n", out.toString());
    }

    @Test
    void preloadSendsAtOnceAndTheStatisticsShowThePipe() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        for (String address : List.of("127.0.0.1", "::1")) {
            String line = "-c 3 -l 3 " + address;
            Host.Run theirs = iputils(line);
            Cli.Result ours = netdiag(line);
            assertEquals(0, ours.exitCode(), ours::toString);
            assertTrue(theirs.out().stripTrailing().endsWith(", pipe 3"), theirs::toString);
            assertTrue(ours.out().stripTrailing().endsWith(", pipe 3"), ours::toString);
            assertEquals(PingLoopbackTest.shape(theirs.out()), PingLoopbackTest.shape(ours.out()), theirs.out() + "\nvs\n" + ours.out());
            Cli.Result json = Cli.run("--json", "ping", "-c", "3", "-l", "3", address);
            Map<?, ?> summary = (Map<?, ?>) Json.parse(json.out().lines().reduce((a, b) -> b).orElseThrow());
            assertEquals(3L, summary.get("pipe"), json::toString);
        }
        // without -l the next probe waits for the interval: nothing overlaps on loopback
        Cli.Result paced = netdiag("-c 2 -i 0.2 127.0.0.1");
        assertTrue(paced.out().lines().noneMatch(l -> l.contains("pipe")), paced::toString);
    }

    @Test
    void jsonStartCarriesTheSourceTheDeviceAndThePattern() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Cli.Result r = Cli.run("--json", "ping", "-c", "1", "-I", "lo", "-p", "ab", "127.0.0.1");
        assertEquals(0, r.exitCode(), r::toString);
        Map<?, ?> start = (Map<?, ?>) Json.parse(r.out().lines().findFirst().orElseThrow());
        assertEquals("start", start.get("type"));
        assertEquals("127.0.0.1", start.get("source"));
        assertEquals("lo", start.get("device"));
        assertEquals("ab", start.get("pattern"));
        Cli.Result plain = Cli.run("--json", "ping", "-c", "1", "127.0.0.1");
        Map<?, ?> bare = (Map<?, ?>) Json.parse(plain.out().lines().findFirst().orElseThrow());
        assertTrue(bare.containsKey("source") && bare.get("source") == null, plain::toString);
        assertTrue(bare.get("device") == null && bare.get("pattern") == null, plain::toString);
    }

    @Test
    void tcpAndUdpProbesLeaveFromTheSourceToo() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(listener.getLocalPort());
            Cli.Result r = Cli.run("ping", "--tcp", port, "-c", "1", "-I", "lo", "127.0.0.1");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("TCP PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 lo: port " + port + ".", r.out().lines().findFirst().orElseThrow());
            Cli.Result bound = Cli.run("ping", "--tcp", port, "-c", "1", "-I", "127.0.0.1", "127.0.0.1");
            assertEquals(0, bound.exitCode(), bound::toString);
            assertEquals("TCP PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 : port " + port + ".",
                    bound.out().lines().findFirst().orElseThrow());
            Cli.Result notLocal = Cli.run("ping", "--udp", port, "-c", "1", "-I", "10.255.77.9", "127.0.0.1");
            assertEquals(2, notLocal.exitCode(), notLocal::toString);
            assertTrue(notLocal.err().startsWith("netdiag ping: bind: Cannot assign requested address"), notLocal::toString);
            Cli.Result noDevice = Cli.run("ping", "--tcp", port, "-c", "1", "-I", "ndnosuch0", "127.0.0.1");
            assertEquals(2, noDevice.exitCode(), noDevice::toString);
            assertTrue(noDevice.err().startsWith("netdiag ping: SO_BINDTODEVICE ndnosuch0: No such device"), noDevice::toString);
        }
    }

    @Test
    void severalTargetsLeaveThroughTheDeviceToo() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Cli.Result r = Cli.run("ping", "-c", "1", "-I", "lo", "127.0.0.1", "::1");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("127.0.0.1 : [0], 64 bytes"), r::toString);
        assertTrue(r.out().contains("::1 : [0], 64 bytes"), r::toString);
        Cli.Result missing = Cli.run("ping", "-c", "1", "-I", "ndnosuch0", "127.0.0.1", "127.0.0.2");
        assertEquals(2, missing.exitCode(), missing::toString);
        assertTrue(missing.err().startsWith("netdiag ping: SO_BINDTODEVICE ndnosuch0: No such device"), missing::toString);
    }

    @Test
    void combinationsThatMeanNothingAreRefused() {
        for (String line : List.of("-l 2 127.0.0.1 ::1", "-p ff 127.0.0.0/30", "--tcp 80 -p ff 127.0.0.1",
                "--udp 53 -l 2 127.0.0.1", "--mtu -I lo 127.0.0.1")) {
            Cli.Result r = netdiag(line);
            assertEquals(2, r.exitCode(), line + ": " + r);
            assertEquals(1, r.err().lines().count(), r::toString);
        }
    }

    @Test
    void patternTextIsHexAsPrinted() {
        assertEquals("0102", HexFormat.of().formatHex(EchoCodec.pattern("0102")));
        assertEquals(0, EchoCodec.pattern("").length);
    }
}
