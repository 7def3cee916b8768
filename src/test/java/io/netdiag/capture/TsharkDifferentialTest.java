package io.netdiag.capture;

import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import io.netdiag.testing.Namespaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captures real traffic made by the test (tcpdump in a network namespace of its own) and compares
 * {@code netdiag capture -r} with {@code tshark -n -r} line by line: every column and every TCP analysis flag.
 * The agreement figure is printed in the test output.
 */
class TsharkDifferentialTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void tools() {
        Host.requireRoot("needs root for network namespaces and capture");
        Host.require("tshark", "tcpdump", "ip");
    }

    /** Agreement of two summaries: lines equal at the same position. */
    record Agreement(int agreeing, int total, List<String> differences, Set<String> flagsSeen) {
        double percent() {
            return total == 0 ? 0 : 100.0 * agreeing / total;
        }
    }

    static Agreement compare(String scenario, Path pcap) {
        Cli.Result ours = Cli.run("capture", "-r", pcap.toString());
        assertEquals(0, ours.exitCode(), ours.toString());
        Host.Run theirs = Host.run(List.of("tshark", "-n", "-r", pcap.toString()), 120);
        assertEquals(0, theirs.exitCode(), theirs.err());
        List<String> a = ours.out().lines().toList();
        List<String> b = theirs.out().lines().toList();
        int total = Math.max(a.size(), b.size());
        int same = 0;
        List<String> differences = new ArrayList<>();
        Set<String> flags = new TreeSet<>();
        for (int i = 0; i < total; i++) {
            String x = i < a.size() ? a.get(i) : "<missing>";
            String y = i < b.size() ? b.get(i) : "<missing>";
            if (x.equals(y)) {
                same++;
            } else {
                differences.add("netdiag: " + x + "\ntshark:  " + y);
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[(TCP [^\\]#0-9]+)").matcher(y);
            while (m.find()) {
                flags.add(m.group(1).strip());
            }
        }
        Agreement agreement = new Agreement(same, total, differences, flags);
        System.out.printf("capture differential [%s]: %d/%d lines agree with tshark -n -r (%.2f%%); tshark flags seen: %s%n",
                scenario, same, total, agreement.percent(), flags);
        differences.stream().limit(20).forEach(System.out::println);
        return agreement;
    }

    /** -x: every packet's bytes, and the reassembled and de-chunked data, exactly as tshark -P -x prints them. */
    static void compareHex(String scenario, Path pcap) {
        Cli.Result ours = Cli.run("capture", "-x", "-r", pcap.toString());
        assertEquals(0, ours.exitCode(), ours.toString());
        Host.Run theirs = Host.run(List.of("tshark", "-n", "-P", "-x", "-r", pcap.toString()), 120);
        assertEquals(0, theirs.exitCode(), theirs.err());
        List<String> a = ours.out().lines().toList();
        List<String> b = theirs.out().lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "<missing>";
            String y = i < b.size() ? b.get(i) : "<missing>";
            int line = i + 1;
            assertEquals(y, x, () -> scenario + ": -x output differs from tshark -P -x at line " + line);
        }
        System.out.printf("capture differential [%s, -x]: %d lines identical to tshark -P -x%n", scenario, a.size());
    }

    static Path record(String ns, String name, Runnable traffic) throws Exception {
        Path pcap = recordOn(ns, "lo", name, traffic);
        assertTrue(Files.size(pcap) > 24, "nothing captured");
        return pcap;
    }

    /** Traffic from {@link TrafficGenerator} inside the namespace. */
    static void traffic(String ns, String... args) {
        Namespaces.check(Namespaces.testMain(ns, TrafficGenerator.class, args));
    }

    @Test
    void everyDayTrafficAgreesLineForLine() throws Exception {
        try (Namespaces nets = new Namespaces("cap")) {
            String ns = nets.create("d");
            Path pcap = record(ns, "basic", () -> {
                traffic(ns, "basic");
                Namespaces.check(Namespaces.exec(ns, "ping", "-c", "2", "-i", "0.2", "127.0.0.1"));
                Namespaces.check(Namespaces.exec(ns, "ping", "-6", "-c", "2", "-i", "0.2", "::1"));
            });
            Agreement a = compare("handshakes, HTTP, UDP, DNS, ICMP, reset, IPv6, port reuse", pcap);
            assertTrue(a.total() > 50, "too few packets: " + a.total());
            assertEquals(a.total(), a.agreeing(), String.join("\n", a.differences()));
            compareHex("handshakes, HTTP, UDP, DNS, ICMP, reset, IPv6, port reuse", pcap);
            assertTrue(a.flagsSeen().contains("TCP Port numbers reused"), a.flagsSeen().toString());

            // the same packets behind the other link types netdiag decodes
            int ethernetTypeIpv6 = 0x86dd;
            Path raw = dir.resolve("basic-raw.pcap");
            PcapFiles.relink(pcap, raw, 101, eth -> new byte[0]);
            Path nul = dir.resolve("basic-null.pcap");
            PcapFiles.relink(pcap, nul, 0, eth -> new byte[] {(byte) (type(eth) == ethernetTypeIpv6 ? 30 : 2), 0, 0, 0});
            Path sll = dir.resolve("basic-sll.pcap");
            PcapFiles.relink(pcap, sll, 113, eth -> new byte[] {0, 0, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, eth[12], eth[13]});
            Path sll2 = dir.resolve("basic-sll2.pcap");
            PcapFiles.relink(pcap, sll2, 276, eth -> new byte[] {eth[12], eth[13], 0, 0, 0, 0, 0, 1, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0});
            for (Path variant : List.of(raw, nul, sll, sll2)) {
                Agreement v = compare("link type " + PcapFiles.linkType(variant), variant);
                assertEquals(v.total(), v.agreeing(), String.join("\n", v.differences()));
            }

            // finer clocks: tshark prints as many decimals as the file's resolution (dumpcap writes nanoseconds)
            for (Object[] clock : new Object[][] {{false, 9, false}, {false, 9, true}, {true, 9, false}, {true, 9, true},
                    {true, 0, false}, {true, 3, false}, {true, 0x80 | 20, false}, {true, 0x80 | 30, true}}) {
                Path finer = dir.resolve("basic-clock.pcap" + ((boolean) clock[0] ? "ng" : ""));
                PcapFiles.rewriteFinerClock(pcap, finer, (boolean) clock[0], (int) clock[1], (boolean) clock[2], 337);
                Agreement v = compare("clock " + java.util.Arrays.toString(clock), finer);
                assertEquals(v.total(), v.agreeing(), String.join("\n", v.differences()));
            }

            // cut by a snapshot length: "[Packet size limited during capture]" where tshark ran out of bytes
            int agreeing = 0;
            int total = 0;
            for (int snaplen : new int[] {14, 20, 34, 40, 42, 50, 54, 60, 80, 100, 120}) {
                Path cut = dir.resolve("basic-s" + snaplen + ".pcap");
                PcapFiles.truncate(pcap, cut, snaplen);
                Agreement v = compare("snapshot length " + snaplen, cut);
                agreeing += v.agreeing();
                total += v.total();
            }
            System.out.printf("capture differential [truncated captures]: %d/%d lines agree (%.2f%%)%n", agreeing, total,
                    100.0 * agreeing / total);
            assertEquals(total, agreeing);

            Cli.Result conversations = Cli.run("capture", "-r", pcap.toString(), "--conversations");
            assertEquals(0, conversations.exitCode(), conversations.toString());
            assertTrue(conversations.out().contains("ICMP port unreachable for UDP 9999 from 127.0.0.1: nothing listens there"),
                    conversations.out());
            assertTrue(conversations.out().contains("category: refused"), conversations.out());
            assertTrue(conversations.out().contains("reset by 127.0.0.1 after data"), conversations.out());
            assertTrue(conversations.out().contains("category: peer-gone"), conversations.out());
            System.out.println(conversations.out());
        }
    }

    private static int type(byte[] eth) {
        return ((eth[12] & 0xff) << 8) | (eth[13] & 0xff);
    }

    @Test
    void arpAndEthernetBetweenTwoNamespacesAgree() throws Exception {
        try (Namespaces nets = new Namespaces("cap")) {
            String a = nets.create("a");
            String b = nets.create("b");
            String va = nets.stem() + "va";
            String vb = nets.stem() + "vb";
            Namespaces.veth(a, va, b, vb);
            Namespaces.check(Namespaces.exec(a, "ip", "addr", "add", "10.200.71.1/24", "dev", va));
            Namespaces.check(Namespaces.exec(b, "ip", "addr", "add", "10.200.71.2/24", "dev", vb));
            Namespaces.check(Namespaces.exec(b, "nft", "add", "table", "inet", "ndrej"));
            Namespaces.check(Namespaces.exec(b, "nft", "add", "chain", "inet", "ndrej", "in", "{ type filter hook input priority 0; }"));
            Namespaces.check(Namespaces.exec(b, "nft", "add", "rule", "inet", "ndrej", "in", "udp", "dport", "7777", "reject",
                    "with", "icmp", "type", "admin-prohibited"));
            Thread.sleep(300);
            Path again = recordOn(a, va, "veth2", () -> {
                Namespaces.exec(a, "ip", "neigh", "flush", "dev", va);
                Namespaces.exec(a, "ping", "-c", "2", "-i", "0.2", "10.200.71.2");
                Namespaces.exec(a, "bash", "-c", "echo x > /dev/udp/10.200.71.2/7777; echo y > /dev/udp/10.200.71.2/7778; sleep 0.2");
            });
            Agreement v = compare("veth between namespaces: ARP, ICMP errors from reject rules", again);
            assertTrue(v.total() >= 6, "too few packets");
            assertEquals(v.total(), v.agreeing(), String.join("\n", v.differences()));
            Cli.Result lines = Cli.run("capture", "-r", again.toString());
            assertTrue(lines.out().contains("ARP"), lines.out());
            assertTrue(lines.out().contains("Destination unreachable"), lines.out());
        }
    }

    @Test
    void ttlExceededFromARouterNamespaceAgrees() throws Exception {
        try (Namespaces nets = new Namespaces("cap")) {
            String a = nets.create("ra");
            String r = nets.create("rr");
            String c = nets.create("rc");
            String ar = nets.stem() + "ar";
            String ra = nets.stem() + "ra";
            String rc = nets.stem() + "rc";
            String cr = nets.stem() + "cr";
            Namespaces.veth(a, ar, r, ra);
            Namespaces.veth(r, rc, c, cr);
            Namespaces.check(Namespaces.exec(a, "ip", "addr", "add", "10.200.72.1/24", "dev", ar));
            Namespaces.check(Namespaces.exec(r, "ip", "addr", "add", "10.200.72.2/24", "dev", ra));
            Namespaces.check(Namespaces.exec(r, "ip", "addr", "add", "10.200.73.1/24", "dev", rc));
            Namespaces.check(Namespaces.exec(c, "ip", "addr", "add", "10.200.73.2/24", "dev", cr));
            Namespaces.check(Namespaces.exec(a, "ip", "route", "add", "default", "via", "10.200.72.2"));
            Namespaces.check(Namespaces.exec(c, "ip", "route", "add", "default", "via", "10.200.73.1"));
            Namespaces.check(Namespaces.exec(r, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"));
            Thread.sleep(300);
            Path pcap = recordOn(a, ar, "router", () -> {
                Namespaces.exec(a, "ping", "-c", "1", "10.200.73.2");
                Namespaces.exec(a, "ping", "-c", "2", "-i", "0.2", "-t", "1", "10.200.73.2");
                Namespaces.exec(a, "ping", "-c", "1", "-W", "1", "10.200.74.9");
            });
            Agreement v = compare("ICMP time exceeded and errors from a router namespace", pcap);
            assertEquals(v.total(), v.agreeing(), String.join("\n", v.differences()));
            Cli.Result lines = Cli.run("capture", "-r", pcap.toString());
            assertTrue(lines.out().contains("Time-to-live exceeded (Time to live exceeded in transit)"), lines.out());
        }
    }

    static Path recordOn(String ns, String device, String name, Runnable traffic) throws Exception {
        Path pcap = dir.resolve(name + ".pcap");
        Path log = dir.resolve(name + ".log");
        // No immediate mode and a 16 MiB buffer: in immediate mode libpcap gives every packet a slot of the
        // snapshot length, and a burst on a loaded machine overflows the ring. The lost packets then
        // show up as "Previous segment not captured" / "ACKed unseen segment" and the test compares
        // the capture's gaps instead of the traffic. Without immediate mode the kernel hands packets
        // over in blocks, at the latest after libpcap's 1 s timeout: wait that long before stopping.
        // client ports from a range where tshark's table registers no TCP or UDP port (`tshark -G decodes`): a client
        // port such as 44322 (pmproxy) or 34980 (EtherCAT) makes tshark decode the conversation as that protocol
        Namespaces.check(Namespaces.exec(ns, "sysctl", "-qw",
                "net.ipv4.ip_local_port_range=" + io.netdiag.testing.QuietPorts.FIRST + " " + io.netdiag.testing.QuietPorts.LAST));
        Process tcpdump = Namespaces.start(ns, log, "tcpdump", "-i", device, "-B", "16384", "-U", "-n", "-w", pcap.toString());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(log) || !Files.readString(log).contains("listening on")) {
            assertTrue(System.nanoTime() < deadline, "tcpdump did not start");
            Thread.sleep(20);
        }
        traffic.run();
        Thread.sleep(1300);
        tcpdump.destroy();
        tcpdump.waitFor();
        return pcap;
    }

    @Test
    void httpAcrossSegmentsAgrees() throws Exception {
        try (Namespaces nets = new Namespaces("cap")) {
            String ns = nets.create("h");
            // 18098 is HTTP to tshark by its first line only; 8080 is one of tshark's HTTP ports
            for (int port : new int[] {18098, 8080}) {
                Path pcap = record(ns, "http" + port, () -> traffic(ns, "http", Integer.toString(port)));
                Agreement a = compare("HTTP reassembly on port " + port, pcap);
                assertTrue(a.total() > 80, "too few packets: " + a.total());
                assertEquals(a.total(), a.agreeing(), String.join("\n", a.differences()));
                compareHex("HTTP reassembly on port " + port, pcap);
                String lines = Cli.run("capture", "-r", pcap.toString()).out();
                assertTrue(lines.contains("[TCP segment of a reassembled PDU]"), lines);
                assertTrue(lines.contains("HTTP/JSON "), lines);
                // a segment in the middle of the 200 kB body sent again (as a loaded machine does now and then):
                // tshark shows it as a TCP line and still ends the body in its response
                Path resent = dir.resolve("http" + port + "-resent.pcap");
                resend(pcap, resent, (index, length) -> length > 30_000);
                Agreement r = compare("HTTP body with a segment sent twice, port " + port, resent);
                assertTrue(r.flagsSeen().stream().anyMatch(f -> f.contains("Retransmission")), r.flagsSeen().toString());
                assertEquals(r.total(), r.agreeing(), String.join("\n", r.differences()));
                // and the first SYN sent again after the handshake: a retransmission to tshark, not out-of-order
                Path synAgain = dir.resolve("http" + port + "-syn.pcap");
                resend(pcap, synAgain, (index, length) -> index == 0);
                Agreement s = compare("HTTP connection with its SYN sent twice, port " + port, synAgain);
                assertTrue(s.flagsSeen().contains("TCP Retransmission"), s.flagsSeen().toString());
                assertEquals(s.total(), s.agreeing(), String.join("\n", s.differences()));
            }
        }
    }

    /**
     * Writes {@code pcap} (libpcap format, as tcpdump -w writes it) to {@code out} with the first record that
     * {@code pick} chooses (by index and length) repeated two records later, a microsecond after the record it then
     * follows.
     */
    static void resend(Path pcap, Path out, java.util.function.BiPredicate<Integer, Integer> pick) throws java.io.IOException {
        byte[] in = Files.readAllBytes(pcap);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(in).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        o.write(in, 0, 24);
        int at = 24;
        int copyFrom = -1;
        int copyLength = 0;
        int countdown = -1;
        int index = 0;
        while (at + 16 <= in.length) {
            int length = 16 + b.getInt(at + 8);
            o.write(in, at, length);
            if (countdown == 0) {
                // sent again a microsecond after the record it follows: time does not run backwards in a capture
                byte[] copy = java.util.Arrays.copyOfRange(in, copyFrom, copyFrom + copyLength);
                java.nio.ByteBuffer c = java.nio.ByteBuffer.wrap(copy).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                c.putInt(0, b.getInt(at));
                c.putInt(4, b.getInt(at + 4) + 1);
                o.write(copy);
            }
            countdown--;
            if (copyFrom < 0 && pick.test(index, length)) {
                copyFrom = at;
                copyLength = length;
                countdown = 1;
            }
            at += length;
            index++;
        }
        assertTrue(copyFrom > 0, "no record to resend in " + pcap);
        Files.write(out, o.toByteArray());
    }

    /**
     * The UDP protocols of a LAN capture (mDNS, LLMNR, DHCP, SSDP, NetBIOS name service), written by
     * lan-traffic.py as a pcap of made-up hosts: named and summarised as tshark does, line by line and in hex.
     */
    @Test
    void lanProtocolsAgree() throws Exception {
        Host.require("python3");
        Path script = dir.resolve("lan-traffic.py");
        try (var in = TsharkDifferentialTest.class.getResourceAsStream("lan-traffic.py")) {
            Files.copy(in, script);
        }
        Path pcap = dir.resolve("lan.pcap");
        Host.Run made = Host.run(List.of("python3", script.toString(), pcap.toString()), 60);
        assertEquals(0, made.exitCode(), made::toString);
        Agreement a = compare("LAN protocols over UDP", pcap);
        assertEquals(23, a.total());
        assertEquals(a.total(), a.agreeing(), String.join("\n", a.differences()));
        compareHex("LAN protocols over UDP", pcap);
        String lines = Cli.run("capture", "-r", pcap.toString()).out();
        for (String expected : List.of(" MDNS ", ", \"QU\" question", "A, cache flush 192.168.1.20", " LLMNR ",
                "DHCP Discover - Transaction ID 0x3903f326", " SSDP ", "M-SEARCH * HTTP/1.1 ", "Name query NB WORKGROUP<1d>",
                "SRV, cache flush 0 0 631 printer.local")) {
            assertTrue(lines.contains(expected), () -> expected + " in\n" + lines);
        }
    }

    @Test
    void dnsOverTcpAgrees() throws Exception {
        try (Namespaces nets = new Namespaces("cap")) {
            String ns = nets.create("n");
            for (int port : new int[] {53, 5353}) {
                Path pcap = record(ns, "dnstcp" + port, () -> traffic(ns, "dnstcp", Integer.toString(port)));
                Agreement a = compare("DNS over TCP on port " + port, pcap);
                assertTrue(a.total() > 15, "too few packets: " + a.total());
                assertEquals(a.total(), a.agreeing(), String.join("\n", a.differences()));
                compareHex("DNS over TCP on port " + port, pcap);
                String lines = Cli.run("capture", "-r", pcap.toString()).out();
                assertTrue(lines.contains("DNS ") && lines.contains("Standard query response 0x0004 A d.example A 10.0.0.3"), lines);
                assertTrue(lines.contains("[TCP segment of a reassembled PDU]"), lines);
            }
        }
    }

    /** A PKCS#12 key store (password "netdiag") with a fresh EC key pair for CN=localhost, made by the JDK's keytool. */
    private static Path keystore(String name) {
        Path keystore = dir.resolve(name);
        Host.Run keytool = Host.run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "netdiag", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "netdiag"), 60);
        assertEquals(0, keytool.exitCode(), keytool.err());
        return keystore;
    }

    @Test
    void tlsAgrees() throws Exception {
        Path keystore = keystore("tls.p12");
        try (Namespaces nets = new Namespaces("cap")) {
            String ns = nets.create("t");
            // 443 is tshark's TLS port, where even a record header split over two segments is TLS; on 18443
            // tshark finds TLS by the first record's header (records are split after it there)
            for (int port : new int[] {443, 18443}) {
                String split = port == 443 ? "3" : "10";
                Path pcap = record(ns, "tls" + port,
                        () -> traffic(ns, "tls", Integer.toString(port), keystore.toString(), split));
                Agreement a = compare("TLS 1.3 and 1.2 on port " + port, pcap);
                assertTrue(a.total() > 20, "too few packets: " + a.total());
                assertEquals(a.total(), a.agreeing(), String.join("\n", a.differences()));
                compareHex("TLS 1.3 and 1.2 on port " + port, pcap);
                String lines = Cli.run("capture", "-r", pcap.toString()).out();
                assertTrue(lines.contains("TLSv1.3 ") && lines.contains("TLSv1.2 "), lines);
                assertTrue(lines.contains("Client Hello") && lines.contains("Encrypted Handshake Message"), lines);
                assertTrue(lines.contains("[TCP segment of a reassembled PDU]"), lines);
            }
        }
    }

    /**
     * A client port reused for a new TLS connection after a reset: tshark starts a new conversation at the SYN
     * ("TCP Port numbers reused"), so the new Client Hello is a Client Hello again, not an encrypted handshake record.
     */
    @Test
    void tlsAfterPortReuseAgrees() throws Exception {
        Path keystore = keystore("reuse.p12");
        try (Namespaces nets = new Namespaces("cap")) {
            String ns = nets.create("u");
            Path pcap = record(ns, "tlsreuse", () -> traffic(ns, "tlsreuse", "18444", keystore.toString()));
            Agreement a = compare("TLS 1.3 twice from one client port", pcap);
            assertEquals(a.total(), a.agreeing(), String.join("\n", a.differences()));
            String lines = Cli.run("capture", "-r", pcap.toString()).out();
            assertTrue(lines.contains("[TCP Port numbers reused]"), lines);
            assertEquals(2, lines.lines().filter(l -> l.contains("Client Hello")).count(), lines);
        }
    }

    @Test
    void fragmentsReassembleAsTshark() throws Exception {
        try (Namespaces nets = new Namespaces("cap")) {
            String ns = nets.create("f");
            Namespaces.check(Namespaces.exec(ns, "ip", "link", "set", "lo", "mtu", "1500"));
            Path pcap = record(ns, "fragments", () -> {
                Namespaces.check(Namespaces.exec(ns, "ping", "-c", "2", "-i", "0.2", "-s", "3000", "127.0.0.1"));
                Namespaces.check(Namespaces.exec(ns, "ping", "-6", "-c", "1", "-s", "3000", "::1"));
                traffic(ns, "bigudp");
            });
            Agreement a = compare("IPv4 and IPv6 fragments, reassembled", pcap);
            assertTrue(a.total() >= 20, "too few packets: " + a.total());
            assertEquals(a.total(), a.agreeing(), String.join("\n", a.differences()));
            compareHex("IPv4 and IPv6 fragments, reassembled", pcap);
            Cli.Result lines = Cli.run("capture", "-r", pcap.toString());
            assertTrue(lines.out().contains("Fragmented IP protocol (proto=ICMP 1, off=1480"), lines.out());
            assertTrue(lines.out().contains("IPv6 fragment (off=1448 more=y"), lines.out());
        }
    }

    @Test
    void zeroWindowAndKeepAliveAgree() throws Exception {
        try (Namespaces nets = new Namespaces("cap")) {
            String ns = nets.create("z");
            Path pcap = record(ns, "zerowindow", () -> traffic(ns, "zerowindow"));
            Agreement a = compare("never-reading server, keep-alives", pcap);
            assertTrue(a.flagsSeen().contains("TCP ZeroWindow"), a.flagsSeen().toString());
            assertTrue(a.flagsSeen().contains("TCP Keep-Alive"), a.flagsSeen().toString());
            assertEquals(a.total(), a.agreeing(), String.join("\n", a.differences()));
            Cli.Result conversations = Cli.run("capture", "-r", pcap.toString(), "--conversations");
            assertTrue(conversations.out().contains("receiver 127.0.0.1:18090 advertised a zero window"), conversations.out());
            assertTrue(conversations.out().contains("category: would-block"), conversations.out());
            System.out.println(conversations.out());
        }
    }

    @Test
    void lossFromDroppedSegmentsAgrees() throws Exception {
        try (Namespaces nets = new Namespaces("cap")) {
            String ns = nets.create("l");
            Namespaces.check(Namespaces.exec(ns, "ip", "link", "set", "lo", "mtu", "1500"));
            Namespaces.check(Namespaces.exec(ns, "nft", "add", "table", "inet", "ndloss"));
            // dropped on input, after the capture point on lo: the capture shows the loss and the repair. Data
            // segments: every 10th from the 5th on, so that later segments always follow a lost one and the
            // receiver answers with duplicate ACKs (lo sends 64 KB segments, and 1 MB is only a few dozen of them:
            // a 4% random drop sometimes hit none, or only the last, and gave no Dup ACK); ACKs: 2.5% at random
            Namespaces.check(Namespaces.exec(ns, "nft", "add", "chain", "inet", "ndloss", "in",
                    "{ type filter hook input priority 0; }"));
            Namespaces.check(Namespaces.exec(ns, "nft", "add", "rule", "inet", "ndloss", "in", "tcp", "dport", "18100",
                    "tcp", "flags", "&", "syn", "==", "0", "numgen", "inc", "mod", "10", "==", "5", "drop"));
            Namespaces.check(Namespaces.exec(ns, "nft", "add", "rule", "inet", "ndloss", "in", "tcp", "sport", "18100",
                    "tcp", "flags", "&", "syn", "==", "0", "numgen", "random", "mod", "40", "==", "0", "drop"));
            Path pcap = record(ns, "loss", () -> traffic(ns, "bulk", "18100", "1000000"));
            Agreement a = compare("every 10th data segment and 2.5% of ACKs dropped (nft numgen) on a bulk transfer", pcap);
            assertTrue(a.flagsSeen().stream().anyMatch(f -> f.contains("Retransmission")), a.flagsSeen().toString());
            assertTrue(a.flagsSeen().contains("TCP Dup ACK"), a.flagsSeen().toString());
            assertTrue(a.percent() >= 99.0, "agreement " + a.percent() + "%\n" + String.join("\n", a.differences()));
            Cli.Result conversations = Cli.run("capture", "-r", pcap.toString(), "--conversations");
            assertTrue(conversations.out().contains("of segments"), conversations.out());
            // the bulk transfer runs over lo inside the namespace, so the finding names the local causes
            assertTrue(conversations.out().contains("a local firewall rule or a full receive queue dropped segments"),
                    conversations.out());
            assertTrue(conversations.out().contains("category: timeout"), conversations.out());
            System.out.println(conversations.out());
        }
    }
}
