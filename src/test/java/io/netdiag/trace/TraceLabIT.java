package io.netdiag.trace;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import io.netdiag.testing.Namespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.netdiag.testing.Namespaces.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A routed path built once for the class: client -- r1 -- r2 -- r3 -- server, five namespaces joined by veth
 * pairs (10.71.1-4.0/24, fd71:1-4::/64), forwarding on, routes set. Each test makes one failure for real with
 * nftables or sysctl on one router, runs the packaged netdiag in the client, asserts the hops and the verdict,
 * and, where mtr or traceroute run the same probes, that their hop addresses are netdiag's.
 */
class TraceLabIT {
    private static final String SERVER = "10.71.4.2";
    private static final String SERVER6 = "fd71:4::2";
    private static final List<String> HOPS = List.of("10.71.1.1", "10.71.2.2", "10.71.3.2", SERVER);
    private static final List<String> HOPS6 = List.of("fd71:1::1", "fd71:2::2", "fd71:3::2", SERVER6);
    private static final int OPEN = 5432;
    private static final int CLOSED = 5433;
    private static final String TABLE = "ndtrace";

    private static Namespaces namespaces;
    private static String client;
    private static String r1;
    private static String r2;
    private static String r3;
    private static String server;
    private static String stem;
    private static Process listener;
    private static Path listenerLog;

    @BeforeAll
    static void build() throws IOException {
        Host.requireRoot("needs root, ip and nft");
        Host.require("ip", "nft");
        namespaces = new Namespaces("trace");
        client = namespaces.create("c");
        r1 = namespaces.create("r1");
        r2 = namespaces.create("r2");
        r3 = namespaces.create("r3");
        server = namespaces.create("s");
        stem = namespaces.stem();
        link(client, "c", 2, r1, "a", 1, 1);
        link(r1, "b", 1, r2, "d", 2, 2);
        link(r2, "e", 1, r3, "f", 2, 3);
        link(r3, "g", 1, server, "h", 2, 4);
        route(client, "default", "1.1", "default", "1::1");
        route(r1, "default", "2.2", "default", "2::2");
        route(r2, "10.71.1.0/24", "2.1", "fd71:1::/64", "2::1");
        route(r2, "10.71.4.0/24", "3.2", "fd71:4::/64", "3::2");
        route(r3, "default", "3.1", "default", "3::1");
        route(server, "default", "4.1", "default", "4::1");
        for (String ns : List.of(r1, r2, r3, server)) {
            // every router answers every probe unless a test says otherwise (the default limits ICMP errors to one a second)
            run(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1", "net.ipv4.icmp_ratelimit=0",
                    "net.ipv6.icmp.ratelimit=0");
            run(ns, "nft", "add", "table", "inet", TABLE);
            run(ns, "nft", "add", "chain", "inet", TABLE, "fw", "{ type filter hook forward priority 0; }");
            run(ns, "nft", "add", "chain", "inet", TABLE, "out", "{ type filter hook output priority 0; }");
        }
        listenerLog = Files.createTempFile("ndtrace-listener", ".log");
        listener = Namespaces.start(server, listenerLog, "python3", "-c", "import socket, time\n"
                + "s = socket.socket(socket.AF_INET6)\n"
                + "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\n"
                + "s.bind(('::', " + OPEN + "))\n"
                + "s.listen(64)\n"
                + "print('listening', flush=True)\n"
                + "time.sleep(600)\n");
        // neighbour discovery on fresh links takes a moment: settle both families before the first trace
        Namespaces.exec(client, "ping", "-c", "1", "-W", "5", SERVER6);
        run(client, "ping", "-c", "1", "-W", "5", SERVER);
        long until = System.currentTimeMillis() + 5000;
        while (!Files.readString(listenerLog).contains("listening") && System.currentTimeMillis() < until) {
            Thread.onSpinWait();
        }
    }

    private static void link(String a, String devA, int hostA, String b, String devB, int hostB, int subnet) {
        Namespaces.link(a, stem + devA, b, stem + devB, "10.71." + subnet, "fd71:" + subnet + "::", hostA, hostB);
    }

    private static void route(String ns, String to4, String via4, String to6, String via6) {
        run(ns, "ip", "route", "add", to4, "via", "10.71." + via4);
        run(ns, "ip", "-6", "route", "add", to6, "via", "fd71:" + via6);
    }

    @AfterEach
    void undo() {
        if (namespaces == null) {
            return;
        }
        for (String ns : List.of(r1, r2, r3, server)) {
            run(ns, "nft", "flush", "table", "inet", TABLE);
        }
        run(r1, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");
        run(r2, "ip", "link", "set", stem + "e", "mtu", "1500");
        run(r3, "ip", "link", "set", stem + "f", "mtu", "1500");
        Namespaces.exec(client, "ip", "route", "flush", "cache");
        Namespaces.exec(client, "ip", "-6", "route", "flush", "cache");
    }

    @AfterAll
    static void delete() {
        if (listener != null) {
            listener.destroyForcibly();
        }
        if (namespaces != null) {
            namespaces.close();
        }
        if (listenerLog != null) {
            listenerLog.toFile().delete();
        }
    }

    /** A netdiag --json trace in the client: the summary object, the probe objects, the exit code. */
    private record Trace(Map<String, Object> summary, List<Map<String, Object>> probes, int exitCode, String raw) {
        Map<String, Object> verdict() {
            return map(summary.get("verdict"));
        }

        List<Map<String, Object>> hops() {
            List<Map<String, Object>> hops = new ArrayList<>();
            for (Object o : (List<?>) summary.get("hops")) {
                hops.add(map(o));
            }
            return hops;
        }

        Map<String, Object> hop(int ttl) {
            return hops().stream().filter(h -> ((Number) h.get("ttl")).intValue() == ttl).findFirst().orElseThrow(
                    () -> new AssertionError("no hop " + ttl + " in " + raw));
        }

        List<String> addresses() {
            return hops().stream().map(h -> (String) h.get("address")).toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static Trace trace(String... args) {
        List<String> full = new ArrayList<>(List.of("--json", "trace", "-n", "-W", "1"));
        full.addAll(List.of(args));
        Host.Run r = Namespaces.jar(client, false, full.toArray(String[]::new));
        List<Map<String, Object>> probes = new ArrayList<>();
        Map<String, Object> summary = null;
        for (String line : r.out().lines().toList()) {
            Map<String, Object> o = map(Json.parse(line));
            if ("probe".equals(o.get("type"))) {
                probes.add(o);
            } else if ("summary".equals(o.get("type"))) {
                summary = o;
            }
        }
        assertTrue(summary != null, () -> "no summary in " + r);
        return new Trace(summary, probes, r.exitCode(), r.toString());
    }

    /** Hop addresses of an mtr report, "???" kept as null. */
    private static List<String> mtrHops(String... args) {
        // -G: mtr waits 5 s for late answers after its last round by default
        List<String> full = new ArrayList<>(List.of("mtr", "-r", "-n", "-G", "0.5"));
        full.addAll(List.of(args));
        Host.Run r = run(client, full.toArray(String[]::new));
        List<String> hops = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\d+\\.\\|-- (\\S+)").matcher(r.out());
        while (m.find()) {
            hops.add(m.group(1).equals("???") ? null : m.group(1));
        }
        return hops;
    }

    /** Hop addresses of traceroute -n -q 1 (one probe per hop), "*" as null. */
    private static List<String> tracerouteHops(String... args) {
        List<String> full = new ArrayList<>(List.of("traceroute", "-n", "-q", "1", "-w", "1"));
        full.addAll(List.of(args));
        Host.Run r = Namespaces.exec(client, full.toArray(String[]::new));
        List<String> hops = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\d+\\s+(\\S+)").matcher(r.out());
        while (m.find()) {
            hops.add(m.group(1).equals("*") ? null : m.group(1));
        }
        return hops;
    }

    @Test
    void cleanPathByIcmpReachesTheServerAndAgreesWithMtrAndTraceroute() {
        Trace t = trace("-c", "3", "-i", "0.1", SERVER);
        assertEquals(0, t.exitCode(), t.raw());
        assertEquals(HOPS, t.addresses(), t.raw());
        assertEquals(true, t.summary().get("reached"));
        assertEquals("reached", t.verdict().get("kind"));
        assertEquals(4, ((Number) t.verdict().get("ttl")).intValue());
        // one probe object per hop per round
        assertEquals(12, t.probes().size(), t.raw());
        assertTrue(t.probes().stream().allMatch(p -> p.get("rtt_ms") != null), t.raw());
        assertEquals(HOPS, mtrHops("-c", "2", "-i", "0.1", SERVER));
        assertEquals(HOPS, tracerouteHops("-I", SERVER));
    }

    @Test
    void reportModePrintsMtrColumnsAndTheVerdict() {
        Host.Run r = Namespaces.jar(client, false, "trace", "-n", "-c", "2", "-i", "0.1", "-W", "1", SERVER);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("Loss%   Snt   Last   Avg  Best  Wrst StDev\n"), r::toString);
        assertTrue(r.out().contains("  4.|-- 10.71.4.2                  0.0%     2 "), r::toString);
        assertTrue(r.out().contains("\nwhy: reached: ICMP echo reaches 10.71.4.2 at hop 4.\n"), r::toString);
    }

    @Test
    void tcpPortDroppedInARoutersForwardChainIsBlockedAtThatHopWhileIcmpGoesThrough() {
        run(r2, "nft", "add", "rule", "inet", TABLE, "fw", "tcp", "dport", String.valueOf(OPEN), "drop");
        Trace t = trace("-c", "2", "-i", "0.1", "--tcp", String.valueOf(OPEN), SERVER);
        assertEquals(1, t.exitCode(), t.raw());
        assertEquals(false, t.summary().get("reached"));
        assertEquals("blocked", t.verdict().get("kind"), t.raw());
        assertEquals(2, ((Number) t.verdict().get("ttl")).intValue());
        assertEquals("10.71.2.2", t.verdict().get("address"));
        assertEquals("timeout", t.verdict().get("category"));
        assertTrue(((String) t.verdict().get("text")).contains(
                "TCP to port 5432 is dropped at or after hop 2 (10.71.2.2); ICMP reaches the destination at hop 4"), t.raw());
        assertEquals(Map.of("protocol", "icmp", "reached", true), Map.of("protocol", map(t.summary().get("comparison")).get("protocol"),
                "reached", map(t.summary().get("comparison")).get("reached")));
        assertNull(t.hop(3).get("address"));
        // traceroute -T stops answering after the same hop
        List<String> theirs = tracerouteHops("-T", "-p", String.valueOf(OPEN), "-m", "4", SERVER);
        assertEquals(List.of("10.71.1.1", "10.71.2.2"), theirs.subList(0, 2));
        assertNull(theirs.get(2));
        assertEquals(t.addresses().subList(0, 2), theirs.subList(0, 2));
    }

    @Test
    void rejectWithAdminProhibitedNamesTheRouterThatSentIt() {
        run(r3, "nft", "add", "rule", "inet", TABLE, "fw", "tcp", "dport", String.valueOf(OPEN), "reject", "with", "icmp", "type",
                "admin-prohibited");
        Trace t = trace("-c", "2", "-i", "0.1", "--tcp", String.valueOf(OPEN), SERVER);
        assertEquals(1, t.exitCode(), t.raw());
        assertEquals("rejected", t.verdict().get("kind"), t.raw());
        assertEquals(4, ((Number) t.verdict().get("ttl")).intValue());
        assertEquals("10.71.3.2", t.verdict().get("address"));
        assertEquals("Packet filtered", t.hop(4).get("icmp"));
        assertTrue(((String) t.verdict().get("text")).contains("rejected by 10.71.3.2 at hop 4"), t.raw());
        // traceroute prints the same router with !X at hop 4
        Host.Run theirs = Namespaces.exec(client, "traceroute", "-n", "-q", "1", "-w", "1", "-T", "-p", String.valueOf(OPEN), SERVER);
        assertTrue(theirs.out().contains(" 4  10.71.3.2 ") && theirs.out().contains("!X"), theirs::toString);
        assertEquals(HOPS.subList(0, 3), t.addresses().subList(0, 3));
    }

    @Test
    void icmpRateLimitingAtOneRouterIsMarkedAsSuchNotAsLoss() {
        run(r1, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=1000");
        Trace t = trace("-c", "20", "-i", "0.1", SERVER);
        assertEquals(0, t.exitCode(), t.raw());
        assertEquals("reached", t.verdict().get("kind"), t.raw());
        Map<String, Object> hop1 = t.hop(1);
        assertTrue(((Number) hop1.get("loss_percent")).doubleValue() >= 30, t.raw());
        assertEquals(true, hop1.get("rate_limited"), t.raw());
        for (int ttl = 2; ttl <= 4; ttl++) {
            assertEquals(0.0, ((Number) t.hop(ttl).get("loss_percent")).doubleValue(), t.raw());
            assertEquals(false, t.hop(ttl).get("rate_limited"));
        }
        assertTrue(((String) t.verdict().get("text")).contains("rate limiting, not loss"), t.raw());
        // mtr shows the same hops, and prints the limiting as loss at hop 1
        Host.Run mtr = run(client, "mtr", "-r", "-n", "-G", "0.5", "-c", "20", "-i", "0.1", SERVER);
        Matcher m = Pattern.compile(" 1\\.\\|-- 10\\.71\\.1\\.1\\s+(\\d+\\.\\d)%").matcher(mtr.out());
        assertTrue(m.find() && Double.parseDouble(m.group(1)) > 0, mtr::toString);
    }

    @Test
    void aRouterThatNeverSendsTimeExceededIsASilentHopNotAFault() {
        run(r2, "nft", "add", "rule", "inet", TABLE, "out", "icmp", "type", "time-exceeded", "drop");
        Trace t = trace("-c", "2", "-i", "0.1", SERVER);
        assertEquals(0, t.exitCode(), t.raw());
        assertEquals("reached", t.verdict().get("kind"));
        assertNull(t.hop(2).get("address"));
        assertEquals(true, t.hop(2).get("silent"));
        assertEquals(false, t.hop(2).get("rate_limited"));
        assertTrue(((String) t.verdict().get("text")).contains("Hop 2 never answers"), t.raw());
        List<String> expected = new ArrayList<>(HOPS);
        expected.set(1, null);
        assertEquals(expected, t.addresses());
        assertEquals(expected, mtrHops("-c", "2", "-i", "0.1", SERVER));
    }

    @Test
    void lossOfEveryFifthForwardedPacketFromOneHopOnIsForwardingLossStartingAfterIt() {
        run(r2, "nft", "add", "rule", "inet", TABLE, "fw", "numgen", "inc", "mod", "5", "==", "0", "drop");
        Trace t = trace("-c", "10", "-i", "0.1", SERVER);
        assertEquals(0, t.exitCode(), t.raw());
        assertEquals(HOPS, t.addresses());
        assertEquals("forwarding-loss", t.verdict().get("kind"), t.raw());
        assertEquals(3, ((Number) t.verdict().get("ttl")).intValue(), t.raw());
        assertEquals(0.0, ((Number) t.hop(1).get("loss_percent")).doubleValue());
        assertEquals(0.0, ((Number) t.hop(2).get("loss_percent")).doubleValue());
        assertTrue(((Number) t.hop(3).get("loss_percent")).doubleValue() > 0, t.raw());
        assertTrue(((Number) t.hop(4).get("loss_percent")).doubleValue() > 0, t.raw());
    }

    @Test
    void aSmallerLinkInTheMiddleShowsItsMtuAtTheHopBehindIt() {
        run(r2, "ip", "link", "set", stem + "e", "mtu", "1400");
        run(r3, "ip", "link", "set", stem + "f", "mtu", "1400");
        Trace t = trace("-c", "2", "-i", "0.1", "--mtu", SERVER);
        assertEquals(0, t.exitCode(), t.raw());
        assertEquals(1400, ((Number) t.summary().get("path_mtu")).intValue(), t.raw());
        assertEquals(1500, ((Number) t.hop(2).get("mtu")).intValue(), t.raw());
        assertEquals(1400, ((Number) t.hop(3).get("mtu")).intValue(), t.raw());
        assertTrue(((List<?>) t.hop(3).get("notes")).toString().contains("F=1400"), t.raw());
        // traceroute --mtu prints F=1400 at the same hop
        run(client, "ip", "route", "flush", "cache");
        Host.Run theirs = run(client, "traceroute", "-n", "-q", "1", "-w", "1", "--mtu", SERVER);
        assertTrue(Pattern.compile("(?m)^ 3  10\\.71\\.3\\.2 .*F=1400").matcher(theirs.out()).find(), theirs::toString);
    }

    @Test
    void aClosedPortIsReachedUnlessAnOpenOneIsRequired() {
        Trace tcp = trace("-c", "2", "-i", "0.1", "--tcp", String.valueOf(CLOSED), SERVER);
        assertEquals(0, tcp.exitCode(), tcp.raw());
        assertEquals(true, tcp.summary().get("reached"));
        assertEquals("port-closed", tcp.verdict().get("kind"));
        assertEquals("refused", tcp.verdict().get("category"));
        assertEquals("TCP RST", tcp.hop(4).get("icmp"));
        Trace required = trace("-c", "1", "--require-open", "--tcp", String.valueOf(CLOSED), SERVER);
        assertEquals(1, required.exitCode(), required.raw());
        Trace udp = trace("-c", "2", "-i", "0.1", "--udp", String.valueOf(CLOSED), SERVER);
        assertEquals(0, udp.exitCode(), udp.raw());
        assertEquals("port-closed", udp.verdict().get("kind"));
        assertEquals(HOPS, udp.addresses());
        assertEquals(HOPS, tracerouteHops("-U", "-p", String.valueOf(CLOSED), SERVER));
    }

    @Test
    void anOpenTcpPortIsReachedOverIpv4AndIpv6AlongTheSameHops() {
        // --flows 2: the rounds alternate two source ports; one path here, so the same hops
        Trace v4 = trace("-c", "2", "-i", "0.1", "--flows", "2", "--tcp", String.valueOf(OPEN), SERVER);
        assertEquals(0, v4.exitCode(), v4.raw());
        assertEquals("reached", v4.verdict().get("kind"), v4.raw());
        assertEquals("reply", v4.hop(4).get("answer"));
        assertEquals(HOPS, v4.addresses());
        assertEquals(java.util.Set.of(0, 1), v4.probes().stream().map(p -> ((Number) p.get("flow")).intValue())
                .collect(java.util.stream.Collectors.toSet()), v4.raw());
        Trace v6 = trace("-c", "2", "-i", "0.1", "--tcp", String.valueOf(OPEN), SERVER6);
        assertEquals(0, v6.exitCode(), v6.raw());
        assertEquals("reached", v6.verdict().get("kind"), v6.raw());
        assertEquals(HOPS6, v6.addresses());
        Trace icmp6 = trace("-c", "2", "-i", "0.1", SERVER6);
        assertEquals(HOPS6, icmp6.addresses());
        assertEquals(HOPS6, mtrHops("-6", "-c", "2", "-i", "0.1", SERVER6));
        assertEquals(HOPS6, tracerouteHops("-6", "-T", "-p", String.valueOf(OPEN), SERVER6));
    }

    @Test
    void namesComeFromTheResolverInParallelAndDeviceBindingWorks() throws IOException {
        // ip netns exec mounts /etc/netns/NS/hosts over /etc/hosts for that namespace only
        Path dir = Path.of("/etc/netns", client);
        Files.createDirectories(dir);
        try {
            Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n10.71.2.2 r2.trace.test\n10.71.4.2 server.trace.test\n");
            Host.Run r = Namespaces.jar(client, false, "--json", "trace", "-c", "2", "-i", "0.1", "-W", "1", "-I", stem + "c",
                    SERVER);
            assertEquals(0, r.exitCode(), r::toString);
            Map<String, Object> summary = map(Json.parse(r.out().lines().reduce((a, b) -> b).orElseThrow()));
            List<?> hops = (List<?>) summary.get("hops");
            assertEquals("r2.trace.test", map(hops.get(1)).get("name"), r::toString);
            assertEquals("server.trace.test", map(hops.get(3)).get("name"), r::toString);
            Host.Run text = Namespaces.jar(client, false, "trace", "-c", "1", "-W", "1", SERVER);
            assertTrue(text.out().contains("  2.|-- r2.trace.test "), text::toString);
            Host.Run wrongDevice = Namespaces.jar(client, false, "trace", "-c", "1", "-I", "nosuchdev0", SERVER);
            assertEquals(2, wrongDevice.exitCode(), wrongDevice::toString);
            assertTrue(wrongDevice.err().startsWith("netdiag trace: SO_BINDTODEVICE nosuchdev0: No such device"), wrongDevice::toString);
        } finally {
            Files.deleteIfExists(dir.resolve("hosts"));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void ipv6TcpBlockedAtTheSameHop() {
        run(r2, "nft", "add", "rule", "inet", TABLE, "fw", "tcp", "dport", String.valueOf(OPEN), "drop");
        Trace t = trace("-c", "2", "-i", "0.1", "--tcp", String.valueOf(OPEN), SERVER6);
        assertEquals("blocked", t.verdict().get("kind"), t.raw());
        assertEquals("fd71:2::2", t.verdict().get("address"));
    }

    @Test
    void withoutPrivilegeIcmpUsesDatagramSocketsAndTcpIsOneLineExitThree() {
        run(client, "sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647");
        try {
            Host.Run icmp = Namespaces.jar(client, true, "--json", "trace", "-n", "-c", "2", "-i", "1", "-W", "1", SERVER);
            assertEquals(0, icmp.exitCode(), icmp::toString);
            Map<String, Object> summary = map(Json.parse(icmp.out().lines().reduce((a, b) -> b).orElseThrow()));
            assertEquals("datagram", summary.get("socket"));
            List<String> addresses = new ArrayList<>();
            for (Object h : (List<?>) summary.get("hops")) {
                addresses.add((String) map(h).get("address"));
            }
            assertEquals(HOPS, addresses);
            Host.Run tcp = Namespaces.jar(client, true, "trace", "-n", "-c", "1", "--tcp", String.valueOf(OPEN), SERVER);
            assertEquals(3, tcp.exitCode(), tcp::toString);
            List<String> lines = tcp.err().lines().toList();
            assertEquals(2, lines.size(), tcp::toString);
            assertTrue(lines.get(0).startsWith("netdiag trace: cannot open a raw socket for TCP probes: "), tcp::toString);
            assertTrue(lines.get(1).startsWith("try: "), tcp::toString);
            assertFalse(tcp.err().contains("\tat "), tcp::toString);
            // UDP goes on without privilege: a socket per probe, errors from its error queue
            Host.Run udp = Namespaces.jar(client, true, "--json", "trace", "-n", "-c", "2", "-i", "1", "-W", "1", "--udp",
                    String.valueOf(CLOSED), SERVER);
            assertEquals(0, udp.exitCode(), udp::toString);
            Map<String, Object> udpSummary = map(Json.parse(udp.out().lines().reduce((a, b) -> b).orElseThrow()));
            assertEquals("datagram", udpSummary.get("socket"));
            assertEquals("port-closed", map(udpSummary.get("verdict")).get("kind"), udp::toString);
            assertEquals(4, ((List<?>) udpSummary.get("hops")).size(), udp::toString);
        } finally {
            run(client, "sysctl", "-qw", "net.ipv4.ping_group_range=1 0");
        }
    }
}
