package io.netdiag.sockets;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar as root and as the unprivileged user nobody, on sockets this (root) test process owns:
 * netlink serves both, owners degrade to "hidden" for nobody, and the /proc fallback agrees on the queues.
 */
class SocketsJarIT {
    private static LoopbackSockets sockets;

    @BeforeAll
    static void open() throws Exception {
        sockets = new LoopbackSockets();
    }

    @AfterAll
    static void close() throws Exception {
        sockets.close();
    }

    private static String listenerRow(String out, int port) {
        return out.lines().filter(l -> l.contains("]:" + port + " ") && l.contains("LISTEN")).findFirst()
                .orElseThrow(() -> new AssertionError("no listener on " + port + " in\n" + out));
    }

    @Test
    void rootSeesOwnersAndNoNotes() throws Exception {
        int port = sockets.port(sockets.fullListener);
        Host.Run r = Jar.run("sockets", "-6tlp", "--port", Integer.toString(port));
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err(), r::toString);
        String row = listenerRow(r.out(), port);
        assertTrue(row.contains("pid=" + ProcessHandle.current().pid() + ","), row);
        assertTrue(row.matches("LISTEN\\s+3\\s+2\\s+.*"), row);
    }

    @Test
    void nobodyStillReadsNetlinkButOwnersAreHidden() throws Exception {
        Host.requireRoot("needs root to switch to nobody");
        Host.require("setpriv");
        int port = sockets.port(sockets.fullListener);
        Host.Run r = Jar.run(true, "sockets", "-6tlp", "--port", Integer.toString(port));
        assertEquals(0, r.exitCode(), r::toString);
        String row = listenerRow(r.out(), port);
        assertTrue(row.matches("LISTEN\\s+3\\s+2\\s+\\S+\\s+\\S+$"), "queues exact, owner column empty: " + row);
        assertTrue(r.err().contains("owners of other users' sockets are hidden"), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);

        Host.Run json = Jar.run(true, "--json", "sockets", "-6tlp", "--port", Integer.toString(port));
        Map<?, ?> doc = (Map<?, ?>) Json.parse(json.out());
        assertEquals(Boolean.FALSE, doc.get("owners_complete"), json::toString);
        assertEquals("netlink", doc.get("source"));
        List<?> list = (List<?>) doc.get("sockets");
        assertEquals(List.of(), ((Map<?, ?>) list.getFirst()).get("owners"));
    }

    @Test
    void nobodyThroughProcAgreesOnQueuesAndSaysWhatProcLacks() throws Exception {
        Host.requireRoot("needs root to switch to nobody");
        Host.require("setpriv");
        int server = sockets.port(sockets.pairListener);
        Host.Run proc = Jar.run(true, "sockets", "-6tn", "--source", "proc", "sport = :" + server);
        Host.Run netlink = Jar.run(true, "sockets", "-6tn", "sport = :" + server);
        assertEquals(0, proc.exitCode(), proc::toString);
        assertEquals(netlink.out(), proc.out());
        assertTrue(proc.out().lines().anyMatch(l -> l.matches("ESTAB\\s+[1-9]\\d*\\s+0\\s+.*")), proc::toString);
        assertTrue(proc.err().contains("/proc/net/tcp has no listener backlog"), proc::toString);
        assertFalse(netlink.err().contains("/proc"), netlink::toString);

        int listener = sockets.port(sockets.fullListener);
        Host.Run listen = Jar.run(true, "sockets", "-6tln", "--source", "proc", "sport = :" + listener);
        assertTrue(listenerRow(listen.out(), listener).matches("LISTEN\\s+3\\s+0\\s+.*"),
                "from /proc the accept queue is right and the backlog unknown: " + listen.out());
    }
}
