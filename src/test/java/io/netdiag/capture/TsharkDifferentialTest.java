package io.netdiag.capture;

import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        assumeTrue(Host.isRoot(), "needs root for network namespaces and capture");
        assumeTrue(Host.has("tshark") && Host.has("tcpdump") && Host.has("ip"), "needs tshark, tcpdump and ip");
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

    static Path record(TestNamespace ns, String name, Runnable traffic) throws Exception {
        Path pcap = dir.resolve(name + ".pcap");
        Path log = dir.resolve(name + ".log");
        Process tcpdump = ns.start(log, "tcpdump", "-i", "lo", "-U", "-n", "-w", pcap.toString());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(log) || !Files.readString(log).contains("listening on")) {
            assertTrue(System.nanoTime() < deadline, "tcpdump did not start");
            Thread.sleep(20);
        }
        traffic.run();
        Thread.sleep(300);
        tcpdump.destroy();
        tcpdump.waitFor();
        assertTrue(Files.size(pcap) > 24, "nothing captured");
        return pcap;
    }

    @Test
    void everyDayTrafficAgreesLineForLine() throws Exception {
        try (TestNamespace ns = new TestNamespace("d")) {
            Path pcap = record(ns, "basic", () -> {
                ns.traffic("basic");
                TestNamespace.check(ns.exec(30, "ping", "-c", "2", "-i", "0.2", "127.0.0.1"));
                TestNamespace.check(ns.exec(30, "ping", "-6", "-c", "2", "-i", "0.2", "::1"));
            });
            Agreement a = compare("handshakes, HTTP, UDP, DNS, ICMP, reset, IPv6, port reuse", pcap);
            assertTrue(a.total() > 50, "too few packets: " + a.total());
            assertEquals(a.total(), a.agreeing(), String.join("\n", a.differences()));
            assertTrue(a.flagsSeen().contains("TCP Port numbers reused"), a.flagsSeen().toString());
        }
    }

    @Test
    void zeroWindowAndKeepAliveAgree() throws Exception {
        try (TestNamespace ns = new TestNamespace("z")) {
            Path pcap = record(ns, "zerowindow", () -> ns.traffic("zerowindow"));
            Agreement a = compare("never-reading server, keep-alives", pcap);
            assertTrue(a.flagsSeen().contains("TCP ZeroWindow"), a.flagsSeen().toString());
            assertTrue(a.flagsSeen().contains("TCP Keep-Alive"), a.flagsSeen().toString());
            assertEquals(a.total(), a.agreeing(), String.join("\n", a.differences()));
        }
    }

    @Test
    void lossFromRandomDropsAgrees() throws Exception {
        try (TestNamespace ns = new TestNamespace("l")) {
            TestNamespace.check(ns.exec(10, "ip", "link", "set", "lo", "mtu", "1500"));
            TestNamespace.check(ns.exec(10, "nft", "add", "table", "inet", "ndloss"));
            // dropped on input, after the capture point on lo: the capture shows the loss and the repair
            TestNamespace.check(ns.exec(10, "nft", "add", "chain", "inet", "ndloss", "in",
                    "{ type filter hook input priority 0; }"));
            TestNamespace.check(ns.exec(10, "nft", "add", "rule", "inet", "ndloss", "in", "tcp", "dport", "18100",
                    "tcp", "flags", "&", "syn", "==", "0", "numgen", "random", "mod", "25", "==", "0", "drop"));
            TestNamespace.check(ns.exec(10, "nft", "add", "rule", "inet", "ndloss", "in", "tcp", "sport", "18100",
                    "tcp", "flags", "&", "syn", "==", "0", "numgen", "random", "mod", "40", "==", "0", "drop"));
            Path pcap = record(ns, "loss", () -> ns.traffic("bulk", "18100", "1000000"));
            Agreement a = compare("4% random drops (nft numgen) on a bulk transfer", pcap);
            assertTrue(a.flagsSeen().stream().anyMatch(f -> f.contains("Retransmission")), a.flagsSeen().toString());
            assertTrue(a.flagsSeen().contains("TCP Dup ACK"), a.flagsSeen().toString());
            assertTrue(a.percent() >= 99.0, "agreement " + a.percent() + "%\n" + String.join("\n", a.differences()));
        }
    }
}
