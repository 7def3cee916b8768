package io.netdiag.ping;

import io.netdiag.testing.Host;
import io.netdiag.testing.Namespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.netdiag.testing.Namespaces.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ping -b from the packaged jar beside iputils ping: a pinger whose bridge joins two hosts that answer broadcast
 * echoes (icmp_echo_ignore_broadcasts=0), each in a namespace of its own.
 */
class PingBroadcastIT {
    private static Namespaces namespaces;
    private static String pinger;
    private static final int NET = 200 + (int) ((ProcessHandle.current().pid() + 23) % 50);
    private static final String BROADCAST = "10.213." + NET + ".255";
    private static final String FIRST = "10.213." + NET + ".2";
    private static final String SECOND = "10.213." + NET + ".3";

    @BeforeAll
    static void build() {
        Host.requireRoot("needs root for namespaces");
        Host.require("ip", "ping");
        namespaces = new Namespaces("ping");
        pinger = namespaces.create("bp");
        String stem = namespaces.stem();
        String bridge = stem + "br";
        run(pinger, "ip", "link", "add", bridge, "type", "bridge");
        run(pinger, "ip", "link", "set", bridge, "up");
        run(pinger, "ip", "addr", "add", "10.213." + NET + ".1/24", "dev", bridge);
        int host = 2;
        for (String tag : List.of("b1", "b2")) {
            String responder = namespaces.create(tag);
            Namespaces.veth(pinger, stem + tag, responder, stem + "x");
            run(pinger, "ip", "link", "set", stem + tag, "master", bridge);
            run(responder, "ip", "addr", "add", "10.213." + NET + "." + host++ + "/24", "dev", stem + "x");
            run(responder, "sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_broadcasts=0");
        }
    }

    @AfterAll
    static void deleteNamespaces() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    @Test
    void withoutMinusBTheBroadcastAddressIsRefusedInIputilsWords() {
        Host.Run ours = Namespaces.jar(pinger, false, "ping", "-c", "1", BROADCAST);
        Host.Run theirs = Namespaces.exec(pinger, "ping", "-c", "1", BROADCAST);
        assertEquals(2, theirs.exitCode(), theirs::toString);
        assertTrue(theirs.err().contains("Do you want to ping broadcast? Then -b. If not, check your local firewall rules"),
                theirs::toString);
        assertEquals(theirs.exitCode(), ours.exitCode(), ours::toString);
        assertEquals("netdiag ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules",
                ours.err().lines().findFirst().orElseThrow(), ours::toString);
        assertEquals("", ours.out(), ours::toString);
    }

    @Test
    void withMinusBEveryHostAnswersAndTheLaterAnswersCountAsDuplicatesUnmarked() {
        String[] args = {"ping", "-b", "-c", "3", "-i", "0.3", "-W", "1", BROADCAST};
        Host.Run ours = Namespaces.jar(pinger, false, args);
        Host.Run theirs = Namespaces.exec(pinger, args);
        for (Host.Run run : List.of(theirs, ours)) {
            assertEquals(0, run.exitCode(), run::toString);
            assertTrue(run.err().contains("WARNING: pinging broadcast address"), run::toString);
            List<String> replies = run.out().lines().filter(l -> l.contains(" bytes from ")).toList();
            // both hosts answer every probe; ping ends at the third first answer, the last second one may come after
            assertTrue(replies.size() == 5 || replies.size() == 6, run::toString);
            Set<String> senders = replies.stream().map(l -> l.split(" ")[3].replace(":", "")).collect(Collectors.toSet());
            assertEquals(Set.of(FIRST, SECOND), senders, run::toString);
            // iputils marks no (DUP!) for a broadcast (or multicast) target, but counts the later answers
            assertTrue(replies.stream().noneMatch(l -> l.contains("DUP")), run::toString);
            assertTrue(run.out().lines().anyMatch(l -> l.matches(
                    "3 packets transmitted, 3 received, \\+" + (replies.size() - 3) + " duplicates, 0% packet loss, time \\d+ms")),
                    run::toString);
        }
        assertEquals("PING " + BROADCAST + " (" + BROADCAST + ") 56(84) bytes of data.", ours.out().lines().findFirst().orElseThrow());
        assertEquals(theirs.out().lines().findFirst().orElseThrow(), ours.out().lines().findFirst().orElseThrow());
        assertEquals("netdiag ping: WARNING: pinging broadcast address", ours.err().lines().findFirst().orElseThrow(), ours::toString);

        // JSON: the start says broadcast, the later answers to a probe are duplicates
        Host.Run json = Namespaces.jar(pinger, false, "--json", "ping", "-b", "-c", "2", "-i", "0.3", "-W", "1", BROADCAST);
        assertEquals(0, json.exitCode(), json::toString);
        List<String> lines = json.out().lines().toList();
        assertTrue(lines.getFirst().startsWith("{\"type\":\"warning\"") && lines.getFirst().contains("pinging broadcast"), json::toString);
        assertTrue(lines.get(1).startsWith("{\"type\":\"start\"") && lines.get(1).contains("\"broadcast\":true"), json::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"type\":\"reply\"") && l.contains("\"duplicate\":true")), json::toString);
    }
}
