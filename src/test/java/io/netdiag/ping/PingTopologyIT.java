package io.netdiag.ping;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import io.netdiag.testing.Namespaces;
import io.netdiag.testing.RoutedPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.netdiag.testing.Namespaces.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three namespaces built by the test, client -- router -- server, with firewall rules on the server:
 * silent drops, REJECTs with several ICMP codes, random drops, TTL expiry at the router, and a smaller
 * MTU behind it. netdiag and iputils ping run side by side in the client namespace, in both socket modes.
 */
class PingTopologyIT {
    private static Namespaces namespaces;
    private static String client;
    private static String router;
    private static String server;
    private static final int NET = 200 + (int) (ProcessHandle.current().pid() % 50);
    private static final String ROUTER_NEAR = "10.200." + NET + ".1";
    private static final String SERVER = "10.201." + NET + ".2";
    private static final String SERVER6 = "fd00:201:" + NET + "::2";
    private static final String RULES = "inet ndping";

    @BeforeAll
    static void build() {
        Host.requireRoot("needs root, ip and nft");
        Host.require("ip", "nft");
        namespaces = new Namespaces("ping");
        RoutedPath path = namespaces.routedPath("10.200." + NET, "fd00:200:" + NET + "::", "10.201." + NET, "fd00:201:" + NET + "::");
        client = path.client();
        router = path.router();
        server = path.server();
        // a smaller MTU behind the router, for "fragmentation needed"
        run(router, "ip", "link", "set", path.routerFarLink(), "mtu", "1280");
        run(server, "ip", "link", "set", path.serverLink(), "mtu", "1280");
        run(server, "nft", "add", "table", RULES);
        run(server, "nft", "add", "chain", RULES, "in", "{ type filter hook input priority 0; }");
        run(server, "nft", "add", "chain", RULES, "out", "{ type filter hook output priority 0; }");
    }

    @AfterEach
    void flushRules() {
        if (server != null) {
            run(server, "nft", "flush", "chain", RULES, "in");
            run(server, "nft", "flush", "chain", RULES, "out");
            run(client, "ip", "route", "flush", "cache");
        }
    }

    @AfterAll
    static void delete() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    /** Switches the client between datagram (the range open) and raw (the default range) ICMP sockets. */
    private static void mode(String kind) {
        run(client, "sysctl", "-q", "-w", "net.ipv4.ping_group_range=" + (kind.equals("datagram") ? "0 2147483647" : "1 0"));
    }

    private static List<String> shapeWithoutExplanations(String out) {
        return PingLoopbackTest.shape(out).stream().filter(l -> !l.startsWith("why: ") && !l.startsWith("try: ")).toList();
    }

    /** Runs netdiag and iputils with the same arguments in the client; asserts the same exit code, counts and shape. */
    private static Host.Run sideBySide(String... args) {
        Host.Run ours = Namespaces.jar(client, false, prepend("ping", args));
        Host.Run theirs = Namespaces.exec(client, prepend("ping", args));
        assertEquals(theirs.exitCode(), ours.exitCode(), () -> "exit codes differ\n" + theirs + "\nvs\n" + ours);
        assertEquals(counts(theirs.out()), counts(ours.out()), () -> theirs.out() + "\nvs\n" + ours.out());
        assertEquals(shapeWithoutExplanations(theirs.out()), shapeWithoutExplanations(ours.out()),
                () -> theirs.out() + "\nvs\n" + ours.out());
        return ours;
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** "N packets transmitted, N received[, +N errors]" from a statistics block. */
    private static String counts(String out) {
        Matcher m = Pattern.compile("(\\d+ packets transmitted, \\d+ received(, \\+\\d+ errors)?)").matcher(out);
        return m.find() ? m.group(1) : "no statistics in:\n" + out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "datagram"})
    void reachableThroughTheRouterWithTtlDecrementedOnce(String kind) {
        mode(kind);
        Host.Run ours = sideBySide("-c", "2", "-i", "0.2", SERVER);
        assertEquals(0, ours.exitCode());
        assertTrue(ours.out().contains("from " + SERVER + ": icmp_seq=1 ttl=63 "), ours::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "datagram"})
    void silentDropIsTotalLossAndExitOne(String kind) {
        mode(kind);
        run(server, "nft", "add", "rule", RULES, "in", "icmp", "type", "echo-request", "drop");
        Host.Run ours = sideBySide("-O", "-c", "2", "-i", "0.2", "-W", "1", SERVER);
        assertEquals(1, ours.exitCode());
        assertTrue(ours.out().contains("\nno answer yet for icmp_seq=1\n"), ours::toString);
        assertTrue(ours.out().contains("2 packets transmitted, 0 received, 100% packet loss"), ours::toString);
        assertTrue(ours.out().contains("\nwhy: 2 x no reply: no reply and no ICMP error came back [timeout]: "), ours::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "datagram"})
    void rejectsPrintTheIcmpErrorAsIputilsAndExplainIt(String kind) {
        mode(kind);
        Map<String, String> texts = Map.of(
                "host-unreachable", "Destination Host Unreachable",
                "admin-prohibited", "Packet filtered",
                "port-unreachable", "Destination Port Unreachable",
                "net-unreachable", "Destination Net Unreachable");
        for (Map.Entry<String, String> e : texts.entrySet()) {
            run(server, "nft", "flush", "chain", RULES, "in");
            run(server, "nft", "add", "rule", RULES, "in", "icmp", "type", "echo-request", "reject", "with", "icmp", "type", e.getKey());
            Host.Run ours = sideBySide("-c", "2", "-i", "0.2", SERVER);
            assertEquals(1, ours.exitCode(), ours::toString);
            assertTrue(ours.out().contains("From " + SERVER + " icmp_seq=1 " + e.getValue() + "\n"), ours::toString);
            assertTrue(ours.out().contains("2 packets transmitted, 0 received, +2 errors, 100% packet loss"), ours::toString);
            assertTrue(ours.out().contains("why: 2 x " + e.getValue() + " (from " + SERVER + "): "), ours::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "datagram"})
    void ipv6RejectAndTimeExceeded(String kind) {
        mode(kind);
        run(server, "nft", "add", "rule", RULES, "in", "icmpv6", "type", "echo-request", "reject", "with", "icmpv6", "type",
                "admin-prohibited");
        Host.Run rejected = sideBySide("-c", "2", "-i", "0.2", SERVER6);
        assertTrue(rejected.out().contains("From " + SERVER6 + " icmp_seq=1 Destination unreachable: Administratively prohibited"),
                rejected::toString);
        Host.Run expired = sideBySide("-c", "2", "-i", "0.2", "-t", "1", SERVER6);
        assertTrue(expired.out().contains("From fd00:200:" + NET + "::1 icmp_seq=1 Time exceeded: Hop limit"), expired::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "datagram"})
    void ttlExpiresAtTheRouter(String kind) {
        mode(kind);
        Host.Run ours = sideBySide("-c", "2", "-i", "0.2", "-t", "1", SERVER);
        assertTrue(ours.out().contains("From " + ROUTER_NEAR + " icmp_seq=1 Time to live exceeded"), ours::toString);
        assertTrue(ours.out().contains("why: 2 x Time to live exceeded (from " + ROUTER_NEAR + ")"), ours::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "datagram"})
    void dontFragmentBehindASmallerMtuReportsTheMtu(String kind) {
        mode(kind);
        Host.Run ours = Namespaces.jar(client, false, "ping", "-c", "3", "-i", "0.2", "-M", "do", "-s", "1400", SERVER);
        Host.Run theirs = Namespaces.exec(client, "ping", "-c", "3", "-i", "0.2", "-M", "do", "-s", "1400", SERVER);
        assertEquals(theirs.exitCode(), ours.exitCode(), theirs + "\nvs\n" + ours);
        assertTrue(ours.out().contains("From " + ROUTER_NEAR + " icmp_seq=1 Frag needed and DF set (mtu = 1280)"), ours::toString);
        // later probes fail locally: the kernel has learnt the path MTU
        assertTrue(ours.err().contains("local error: message too long, mtu=1280"), ours::toString);
        assertEquals(counts(theirs.out()), counts(ours.out()), theirs.out() + "\nvs\n" + ours.out());
    }

    @Test
    void randomDropsGivePartialLossMatchingTheRepliesTheServerSent() {
        mode("raw");
        run(server, "nft", "add", "rule", RULES, "in", "icmp", "type", "echo-request", "numgen", "random", "mod", "2", "==", "0",
                "drop");
        run(server, "nft", "add", "rule", RULES, "out", "icmp", "type", "echo-reply", "counter");
        Host.Run ours = Namespaces.jar(client, false, "--json", "ping", "-c", "20", "-i", "0.05", "-W", "1", SERVER);
        List<Map<?, ?>> objects = ours.out().lines().<Map<?, ?>>map(l -> (Map<?, ?>) Json.parse(l)).toList();
        Map<?, ?> summary = objects.getLast();
        long replies = objects.stream().filter(o -> "reply".equals(o.get("type"))).count();
        long received = (Long) summary.get("received");
        long sent = (Long) summary.get("transmitted");
        String counter = run(server, "nft", "list", "chain", RULES, "out").out();
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(counter);
        assertTrue(m.find(), counter);
        long serverSent = Long.parseLong(m.group(1));
        assertEquals(replies, received, ours::toString);
        assertEquals(serverSent, received, "replies the server sent vs replies counted\n" + counter + ours.out());
        assertTrue(received > 0 && received < sent, ours::toString);
        assertEquals(20L, sent, ours::toString);
        assertEquals(0, ours.exitCode(), "some replies without -w is exit 0, as iputils\n" + ours);
    }

    @Test
    void tcpAndUdpProbesTellTimeoutUnreachableAndClosedApart() {
        run(server, "nft", "add", "rule", RULES, "in", "tcp", "dport", "81", "drop");
        run(server, "nft", "add", "rule", RULES, "in", "tcp", "dport", "82", "reject", "with", "icmp", "type", "host-unreachable");
        run(server, "nft", "add", "rule", RULES, "in", "udp", "dport", "83", "drop");
        Host.Run timeout = Namespaces.jar(client, false, "ping", "--tcp", "81", "-c", "1", "-W", "0.5", SERVER);
        assertEquals(1, timeout.exitCode(), timeout::toString);
        assertTrue(timeout.out().contains("no answer from " + SERVER + ":81: tcp_seq=1 timeout"), timeout::toString);
        assertTrue(timeout.out().contains("a firewall drops the SYN, or the host is down"), timeout::toString);

        Host.Run unreachable = Namespaces.jar(client, false, "ping", "--tcp", "82", "-c", "1", "-W", "2", SERVER);
        assertEquals(1, unreachable.exitCode(), unreachable::toString);
        assertTrue(unreachable.out().contains("From " + SERVER + ":82 tcp_seq=1 No route to host (unreachable)"), unreachable::toString);

        Host.Run closed = Namespaces.jar(client, false, "ping", "--tcp", "84", "-c", "1", SERVER);
        assertTrue(closed.out().contains("tcp_seq=1 Connection refused (closed)"), closed::toString);

        Host.Run silent = Namespaces.jar(client, false, "ping", "--udp", "83", "-c", "1", "-W", "0.5", SERVER);
        assertEquals(1, silent.exitCode(), silent::toString);
        assertTrue(silent.out().contains("no answer from " + SERVER + ":83: udp_seq=1 open|filtered"), silent::toString);
        Host.Run udpClosed = Namespaces.jar(client, false, "ping", "--udp", "84", "-c", "1", SERVER);
        assertTrue(udpClosed.out().contains("udp_seq=1 Connection refused (closed)"), udpClosed::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "datagram"})
    void aRangeBehindTheRouterSeparatesLiveRejectedAndSilentHosts(String kind) {
        mode(kind);
        run(server, "nft", "add", "rule", RULES, "in", "icmp", "type", "echo-request", "reject", "with", "icmp", "type",
                "admin-prohibited");
        Host.Run ours = Namespaces.jar(client, false, "ping", "-c", "1", "-W", "0.5", "10.201." + NET + ".0/29", "10.200." + NET + ".1");
        assertEquals(1, ours.exitCode(), ours::toString);
        List<String> lines = ours.out().lines().toList();
        assertTrue(lines.contains("10.201." + NET + ".2 : [0], From " + SERVER + " Packet filtered"), ours::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("10\\.201\\." + NET + "\\.1 : \\[0], 64 bytes, .*")), ours::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("10\\.201\\." + NET + "\\.2 +10\\.201\\.\\d+\\.2 +1 +0 +100% +- +Packet filtered")),
                ours::toString);
        assertEquals(4, lines.stream().filter(l -> l.matches("10\\.201\\.\\d+\\.[3-6] .* +1 +0 +100% +- +no reply")).count(),
                ours::toString);
        assertTrue(ours.out().contains("why: 1 x Packet filtered (1 target): "), ours::toString);
        assertTrue(ours.out().contains("why: 4 x no reply (4 targets): "), ours::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "datagram"})
    void pathMtuSearchFindsTheSmallerLinkAndWhoReportedIt(String kind) {
        mode(kind);
        Host.Run ours = Namespaces.jar(client, false, "ping", "--mtu", SERVER);
        assertEquals(0, ours.exitCode(), ours::toString);
        assertTrue(ours.out().contains("size 1500: From " + ROUTER_NEAR + " Frag needed and DF set (mtu = 1280)"), ours::toString);
        assertTrue(ours.out().contains("path MTU 1280 bytes (ICMP data 1252, ping -M do -s 1252); fragmentation needed reported by "
                + ROUTER_NEAR), ours::toString);
        // the first IPv6 packets wait for neighbour discovery on both links (seconds): resolve them first
        Namespaces.exec(client, "ping", "-c", "1", "-W", "5", SERVER6);
        Host.Run ours6 = Namespaces.jar(client, false, "ping", "--mtu", SERVER6);
        assertEquals(0, ours6.exitCode(), ours6::toString);
        assertTrue(ours6.out().contains("size 1500: From fd00:200:" + NET + "::1 Packet too big: mtu=1280"), ours6::toString);
        assertTrue(ours6.out().contains("path MTU 1280 bytes (ICMP data 1232, ping -M do -s 1232)"), ours6::toString);
        // and iputils agrees: 1252 data bytes pass with DF set, 1253 do not
        assertEquals(0, Namespaces.exec(client, "ping", "-c", "1", "-M", "do", "-s", "1252", SERVER).exitCode());
        assertEquals(1, Namespaces.exec(client, "ping", "-c", "1", "-W", "1", "-M", "do", "-s", "1253", SERVER).exitCode());
    }

    @Test
    void pathMtuSearchThroughABlackHoleUsesTimeouts() {
        mode("raw");
        // the server drops big packets silently: no "fragmentation needed" to learn from
        run(server, "nft", "add", "rule", RULES, "in", "ip", "length", "gt", "1000", "drop");
        Host.Run ours = Namespaces.jar(client, false, "ping", "--mtu", "-W", "0.2", SERVER);
        assertEquals(0, ours.exitCode(), ours::toString);
        assertTrue(ours.out().contains("path MTU 1000 bytes (ICMP data 972"), ours::toString);
        assertTrue(ours.out().contains(": no answer within 200 ms"), ours::toString);
    }

    @Test
    void duplicatedRepliesAreMarkedAndCountedAsIputilsDoes() {
        mode("raw");
        // the server sends a copy of echo replies to its gateway (nft dup names the next hop), which forwards it
        run(server, "nft", "add", "table", "ip", "ndpingdup");
        Host.Run ours;
        try {
            run(server, "nft", "add", "chain", "ip", "ndpingdup", "out", "{ type filter hook output priority 0; }");
            run(server, "nft", "add", "rule", "ip", "ndpingdup", "out", "icmp", "type", "echo-reply", "dup", "to",
                    "10.201." + NET + ".1");
            ours = Namespaces.jar(client, false, "ping", "-c", "3", "-i", "0.2", SERVER);
        } finally {
            run(server, "nft", "delete", "table", "ip", "ndpingdup");
        }
        assertEquals(0, ours.exitCode(), ours::toString);
        long dupLines = ours.out().lines().filter(l -> l.matches("64 bytes from .* time=\\S+ ms \\(DUP!\\)")).count();
        assertTrue(dupLines > 0, ours::toString);
        assertTrue(ours.out().contains("3 packets transmitted, 3 received, +" + dupLines + " duplicates, 0% packet loss"),
                ours::toString);
    }
}
