package io.netdiag.ping;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import io.netdiag.testing.Namespaces;
import io.netdiag.testing.Jar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Both socket kinds on real loopback: the datagram kind inside a namespace whose ping_group_range the
 * test opens (never the host's), the raw kind as root, and the refusal of both as an unprivileged user.
 */
class PingSocketModesIT {
    private static Namespaces namespaces;
    private static String open;

    @BeforeAll
    static void namespaceWithPingSocketsAllowed() {
        Host.requireRoot("needs root for namespaces");
        Host.require("ip");
        namespaces = new Namespaces("ping");
        open = namespaces.create("dg");
        Namespaces.check(Namespaces.exec(open, "sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 2147483647"));
    }

    @AfterAll
    static void deleteNamespaces() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    private static Map<?, ?> summary(Host.Run run) {
        String last = run.out().lines().reduce((a, b) -> b).orElseThrow();
        return (Map<?, ?>) Json.parse(last);
    }

    @Test
    void datagramSocketsInsideTheNamespaceForIpv4AndIpv6() {
        for (String address : List.of("127.0.0.1", "::1")) {
            Host.Run run = Namespaces.jar(open, false, "--json", "ping", "-c", "2", "-i", "0.2", address);
            assertEquals(0, run.exitCode(), run::toString);
            Map<?, ?> s = summary(run);
            assertEquals("datagram", s.get("socket_kind"), run::toString);
            assertEquals(2L, s.get("received"), run::toString);
            // the kernel strips the IP header; the TTL must come from the IP_RECVTTL / IPV6_HOPLIMIT message
            assertTrue(run.out().contains("\"ttl\":64"), run::toString);
        }
    }

    @Test
    void nobodyUsesDatagramSocketsWhereTheRangeAllowsAndGetsIputilsOutput() {
        Host.require("setpriv");
        Host.Run ours = Namespaces.jar(open, true, "ping", "-c", "2", "-i", "0.2", "127.0.0.1");
        assertEquals(0, ours.exitCode(), ours::toString);
        Host.Run theirs = Namespaces.exec(open, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "ping", "-c", "2", "-i", "0.2", "127.0.0.1");
        assertEquals(PingLoopbackTest.shape(theirs.out()), PingLoopbackTest.shape(ours.out()), theirs.out() + "\nvs\n" + ours.out());
    }

    @Test
    void floodAndShortIntervalsAreForRootOnlyAsInIputils() {
        Host.require("setpriv");
        for (List<String> args : List.of(List.of("-f", "-c", "1", "127.0.0.1"), List.of("-i", "0.001", "-c", "1", "127.0.0.1"))) {
            List<String> ping = new java.util.ArrayList<>(List.of("ping"));
            ping.addAll(args);
            Host.Run ours = Namespaces.jar(open, true, ping.toArray(String[]::new));
            List<String> iputils = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--inh-caps=-all"));
            iputils.addAll(ping);
            Host.Run theirs = Namespaces.exec(open, iputils.toArray(String[]::new));
            assertEquals(2, ours.exitCode(), ours::toString);
            assertEquals(theirs.exitCode(), ours.exitCode(), theirs::toString);
            assertEquals("netdiag ping: cannot flood; minimal interval allowed for user is 2ms", ours.err().lines().findFirst().orElseThrow());
            assertTrue(theirs.err().contains("cannot flood; minimal interval allowed for user is 2ms"), theirs::toString);
        }
    }

    @Test
    void nobodyOnTheHostGetsBothRefusalsExplainedAndExitThree() {
        Host.require("setpriv");
        String range = Host.run("cat", "/proc/sys/net/ipv4/ping_group_range").out().trim();
        assumeTrue(range.matches("1\\s+0"), "the host's default range keeps datagram ICMP sockets closed");
        Host.Run run = Jar.run(true, "ping", "-c", "1", "127.0.0.1");
        assertEquals(3, run.exitCode(), run::toString);
        assertEquals("", run.out(), run::toString);
        List<String> lines = run.err().lines().toList();
        assertEquals(2, lines.size(), run::toString);
        assertTrue(lines.get(0).startsWith("netdiag ping: cannot open an ICMP socket: socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)"),
                run::toString);
        assertTrue(lines.get(0).contains("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)"), run::toString);
        assertTrue(lines.get(0).contains("EACCES"), run::toString);
        assertTrue(lines.get(1).startsWith("try: sysctl -w net.ipv4.ping_group_range="), run::toString);
        assertTrue(lines.get(1).contains("--tcp"), run::toString);
    }

    @Test
    void ctrlCPrintsTheStatisticsAndExitsLikeIputils() throws Exception {
        List<String> ours = interrupt(List.of(Jar.java().toString(), "--enable-native-access=ALL-UNNAMED", "-jar",
                Jar.jar().toString(), "ping", "-i", "0.2", "127.0.0.1"));
        List<String> theirs = interrupt(List.of("ping", "-i", "0.2", "127.0.0.1"));
        assertEquals("0", ours.getLast(), "exit code after SIGINT with replies: " + ours);
        assertEquals(theirs.getLast(), ours.getLast());
        assertTrue(ours.stream().anyMatch(l -> l.equals("--- 127.0.0.1 ping statistics ---")), ours::toString);
        assertTrue(ours.stream().anyMatch(l -> l.matches(PingLoopbackTest.RTT)), ours::toString);
        String stats = ours.stream().filter(l -> l.contains("packets transmitted")).findFirst().orElseThrow();
        long replies = ours.stream().filter(l -> l.contains(" bytes from ")).count();
        assertTrue(stats.contains(", " + replies + " received"), ours + "");
    }

    /** Runs until the third reply, sends SIGINT, returns the output lines and, last, the exit code. */
    private static List<String> interrupt(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean sent = false;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (!sent && line.contains("icmp_seq=3")) {
                    Host.run("kill", "-INT", Long.toString(p.pid()));
                    sent = true;
                }
            }
        } finally {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        lines.add(Integer.toString(p.exitValue()));
        return lines;
    }

    @Test
    void noRouteStopsBeforeTheFirstProbeLikeIputils() {
        Host.Run ours = Namespaces.jar(open, false, "ping", "-c", "1", "10.9.9.9");
        Host.Run theirs = Namespaces.exec(open, "ping", "-c", "1", "10.9.9.9");
        assertTrue(theirs.err().contains("connect: Network is unreachable"), theirs::toString);
        assertEquals("", ours.out(), ours::toString);
        assertTrue(ours.err().startsWith("netdiag ping: 10.9.9.9: connect: Network is unreachable"), ours::toString);
        assertTrue(ours.err().contains("try: check the routes: ip route get 10.9.9.9"), ours::toString);
        assertEquals(1, ours.exitCode(), "netdiag's exit code for unreachable (iputils: 2)");
    }

    @Test
    void numericOptionSkipsReverseLookupsOfNames() {
        Host.Run named = Namespaces.jar(open, false, "ping", "-c", "1", "localhost");
        Host.Run numeric = Namespaces.jar(open, false, "ping", "-n", "-c", "1", "localhost");
        Host.Run theirs = Namespaces.exec(open, "ping", "-n", "-c", "1", "localhost");
        assertTrue(named.out().contains("64 bytes from localhost (127.0.0.1): icmp_seq=1"), named::toString);
        assertTrue(numeric.out().contains("64 bytes from 127.0.0.1: icmp_seq=1"), numeric::toString);
        assertEquals(PingLoopbackTest.shape(theirs.out()), PingLoopbackTest.shape(numeric.out()), theirs.out() + "\nvs\n" + numeric.out());
    }
}
