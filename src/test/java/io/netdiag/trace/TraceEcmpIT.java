package io.netdiag.trace;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import io.netdiag.testing.Namespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.netdiag.testing.Namespaces.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two equal-cost paths built for the class: client -- r1 -- {a, b} -- server, with r1 holding a multipath route to the
 * server's address through a and through b and hashing on the five-tuple (fib_multipath_hash_policy=1), so that each
 * flow sticks to one path and different flows spread over both (10.79.1-5.0/24, the server's address 10.79.6.1).
 * netdiag's default keeps one flow (Paris traceroute): one address at hop 2, as many rounds as it runs. --flows N
 * cycles N flows: both a and b at hop 2, as traceroute's classic varying ports show too.
 */
class TraceEcmpIT {
    private static final String SERVER = "10.79.6.1";
    private static final String A = "10.79.2.2";
    private static final String B = "10.79.3.2";
    private static final String CLOSED = "33434";

    private static Namespaces namespaces;
    private static String client;

    @BeforeAll
    static void build() {
        Host.requireRoot("needs root and ip");
        Host.require("ip", "traceroute");
        namespaces = new Namespaces("ecmp");
        client = namespaces.create("c");
        String r1 = namespaces.create("r");
        String a = namespaces.create("a");
        String b = namespaces.create("b");
        String server = namespaces.create("s");
        String stem = namespaces.stem();
        Namespaces.link(client, stem + "c", r1, stem + "rc", "10.79.1", "fd79:1::", 2, 1);
        Namespaces.link(r1, stem + "ra", a, stem + "ar", "10.79.2", "fd79:2::", 1, 2);
        Namespaces.link(r1, stem + "rb", b, stem + "br", "10.79.3", "fd79:3::", 1, 2);
        Namespaces.link(a, stem + "as", server, stem + "sa", "10.79.4", "fd79:4::", 1, 2);
        Namespaces.link(b, stem + "bs", server, stem + "sb", "10.79.5", "fd79:5::", 1, 2);
        run(server, "ip", "addr", "add", SERVER + "/32", "dev", "lo");
        run(client, "ip", "route", "add", "default", "via", "10.79.1.1");
        run(r1, "ip", "route", "add", SERVER + "/32", "nexthop", "via", A, "nexthop", "via", B);
        run(a, "ip", "route", "add", SERVER + "/32", "via", "10.79.4.2");
        run(a, "ip", "route", "add", "default", "via", "10.79.2.1");
        run(b, "ip", "route", "add", SERVER + "/32", "via", "10.79.5.2");
        run(b, "ip", "route", "add", "default", "via", "10.79.3.1");
        run(server, "ip", "route", "add", "default", "via", "10.79.4.1");
        for (String ns : List.of(r1, a, b, server)) {
            run(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.icmp_ratelimit=0");
        }
        run(r1, "sysctl", "-qw", "net.ipv4.fib_multipath_hash_policy=1");
        run(client, "ping", "-c", "1", "-W", "5", SERVER);
    }

    @AfterAll
    static void delete() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    @Test
    void oneFlowByDefaultKeepsToOnePathEvenOverManyRounds() {
        Map<String, Object> udp = trace("-c", "12", "-i", "0.1", "--udp", CLOSED, SERVER);
        assertEquals("port-closed", map(udp.get("verdict")).get("kind"), udp::toString);
        Set<String> hop2 = addressesAt(udp, 2);
        assertEquals(1, hop2.size(), udp::toString);
        assertTrue(Set.of(A, B).containsAll(hop2), udp::toString);
        assertEquals(Set.of(SERVER), addressesAt(udp, 3), udp::toString);
    }

    @Test
    void manyFlowsShowBothPathsAsTracerouteDoes() {
        // 16 flows over 16 rounds: all of them hashed onto one of two paths would be a 1 in 32,768 chance
        Map<String, Object> udp = trace("-c", "16", "-i", "0.1", "--flows", "16", "--udp", CLOSED, SERVER);
        assertEquals(Set.of(A, B), addressesAt(udp, 2), udp::toString);
        assertEquals(Set.of(SERVER), addressesAt(udp, 3), udp::toString);
        assertTrue(hop(udp, 2).get("notes").toString().contains("also answered from "), udp::toString);
        Map<String, Object> tcp = trace("-c", "16", "-i", "0.1", "--flows", "16", "--tcp", CLOSED, SERVER);
        assertEquals(Set.of(A, B), addressesAt(tcp, 2), tcp::toString);
        assertEquals("port-closed", map(tcp.get("verdict")).get("kind"), tcp::toString);
        // the kernel's five-tuple hash has no ports for ICMP echo (proto_ports_offset): another identifier is no other path
        Map<String, Object> icmp = trace("-c", "16", "-i", "0.1", "--flows", "16", SERVER);
        assertEquals(1, addressesAt(icmp, 2).size(), icmp::toString);
        assertEquals("reached", map(icmp.get("verdict")).get("kind"), icmp::toString);
        // traceroute's default UDP probes change the destination port with every probe: every flow is new (at most
        // 10 probes a hop, so two runs: both on one path would be a 1 in 2^19 chance)
        Set<String> seen = new TreeSet<>();
        StringBuilder outputs = new StringBuilder();
        for (int run = 0; run < 2; run++) {
            Host.Run theirs = Namespaces.exec(client, "traceroute", "-n", "-q", "10", "-w", "1", "-m", "3", SERVER);
            assertEquals(0, theirs.exitCode(), theirs::toString);
            outputs.append(theirs.out());
            String line2 = theirs.out().lines().filter(l -> l.matches("\\s*2\\s.*")).findFirst().orElseThrow();
            Matcher m = Pattern.compile("10\\.79\\.\\d+\\.\\d+").matcher(line2);
            while (m.find()) {
                seen.add(m.group());
            }
        }
        assertEquals(addressesAt(udp, 2), seen, outputs::toString);
    }

    private static Set<String> addressesAt(Map<String, Object> summary, int ttl) {
        Map<String, Object> h = hop(summary, ttl);
        Set<String> all = new TreeSet<>();
        if (h.get("address") != null) {
            all.add((String) h.get("address"));
        }
        for (Object o : (List<?>) h.get("others")) {
            all.add((String) o);
        }
        return all;
    }

    private static Map<String, Object> hop(Map<String, Object> summary, int ttl) {
        for (Object o : (List<?>) summary.get("hops")) {
            Map<String, Object> h = map(o);
            if (((Number) h.get("ttl")).intValue() == ttl) {
                return h;
            }
        }
        throw new AssertionError("no hop " + ttl + " in " + summary);
    }

    /** The summary object of {@code netdiag --json trace -n -W 1 ARGS} run in the client namespace. */
    private static Map<String, Object> trace(String... args) {
        List<String> full = new ArrayList<>(List.of("--json", "trace", "-n", "-W", "1"));
        full.addAll(List.of(args));
        Host.Run r = Namespaces.jar(client, false, full.toArray(String[]::new));
        for (String line : r.out().lines().toList()) {
            Map<String, Object> o = map(Json.parse(line));
            if ("summary".equals(o.get("type"))) {
                return o;
            }
        }
        throw new AssertionError("no summary in " + r);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
