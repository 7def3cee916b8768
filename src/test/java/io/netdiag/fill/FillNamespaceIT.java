package io.netdiag.fill;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import io.netdiag.testing.Namespaces;
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

/**
 * The packaged jar on both sides of a real link: {@code fill --listen} in one network namespace,
 * {@code fill --connect} in another, joined by a veth pair (1500-byte MTU, real segments, real ACKs).
 */
class FillNamespaceIT {
    private static final String SERVER = "10.200.61.2";
    private static Namespaces namespaces;
    private static String clientNs;
    private static String serverNs;

    @BeforeAll
    static void namespaces() {
        Host.requireRoot("needs root and ip to build network namespaces");
        Host.require("ip");
        namespaces = new Namespaces("fill");
        clientNs = namespaces.create("a");
        serverNs = namespaces.create("b");
        Namespaces.veth(clientNs, "nd0", serverNs, "nd0");
        Namespaces.check(Namespaces.exec(clientNs, "ip", "addr", "add", "10.200.61.1/24", "dev", "nd0"));
        Namespaces.check(Namespaces.exec(serverNs, "ip", "addr", "add", SERVER + "/24", "dev", "nd0"));
    }

    @AfterAll
    static void cleanUp() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    private static List<String> netdiagIn(String ns, String... args) {
        return Namespaces.jarCommand(ns, false, args);
    }

    @Test
    @SuppressWarnings("unchecked")
    void connectAgainstANeverReadingServerInAnotherNamespace() throws Exception {
        Process server = new ProcessBuilder(netdiagIn(serverNs, "--json", "fill", "--listen", SERVER + ":5000",
                "--duration", "8")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Map<String, Object>> events = new ArrayList<>();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = lines.readLine();
            assertTrue(first != null && first.contains("\"listening\""), String.valueOf(first));
            Thread.ofVirtual().start(() -> lines.lines().forEach(l -> {
                synchronized (events) {
                    events.add((Map<String, Object>) Json.parse(l));
                }
            }));

            Host.Run client = Host.run(netdiagIn(clientNs, "--json", "fill", "--connect", SERVER + ":5000"), 60);
            assertEquals(1, client.exitCode(), client::toString);
            Map<String, Object> doc = (Map<String, Object>) Json.parse(client.out());
            assertEquals("connect", doc.get("mode"));
            assertEquals("netlink", doc.get("queue_source"), client.out());
            assertEquals(11L, ((Map<String, Object>) doc.get("failure")).get("errno"), client.out());
            Map<String, Object> accounting = (Map<String, Object>) doc.get("accounting");
            assertEquals(true, accounting.get("exact"), client.out());
            assertEquals(0L, ((Map<String, Object>) doc.get("window")).get("peer_window"), client.out());
            long acked = (Long) accounting.get("peer_acked");
            assertTrue(acked > 0, client.out());

            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server stops after --duration");
            assertEquals(0, server.exitValue());
            Thread.sleep(200);
            synchronized (events) {
                // what the client says the server acknowledged is what the server says sits unread in its Recv-Q
                long maxRecvQ = events.stream().filter(e -> "queue".equals(e.get("event")))
                        .mapToLong(e -> (Long) e.get("recv_q")).max().orElse(-1);
                assertEquals(acked, maxRecvQ, events::toString);
                assertTrue(events.stream().anyMatch(e -> "accepted".equals(e.get("event"))
                        && String.valueOf(e.get("peer")).startsWith("10.200.61.1:")), events::toString);
                assertTrue(events.stream().filter(e -> "queue".equals(e.get("event")))
                        .allMatch(e -> "netlink".equals(e.get("source"))), events::toString);
            }
        } finally {
            server.destroyForcibly();
            server.waitFor();
        }
    }

    @Test
    void anUnreachableConnectIsExplainedWithExitOne() {
        // nothing has 10.200.61.99 on the link: ARP fails and connect reports EHOSTUNREACH (or times out)
        Host.Run client = Host.run(netdiagIn(clientNs, "fill", "--connect", "10.200.61.99:5000", "--connect-timeout", "5s"), 60);
        assertEquals(1, client.exitCode(), client::toString);
        assertTrue(client.err().startsWith("netdiag fill: connect(10.200.61.99:5000): "), client::toString);
        assertEquals("", client.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void anUnprivilegedUserRunsTheLocalExperimentToo() {
        Host.Run r = Jar.run(true, "--json", "fill");
        assertEquals(1, r.exitCode(), r::toString);
        Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
        assertEquals(true, ((Map<String, Object>) doc.get("accounting")).get("exact"), r.out());
        // sock_diag answers any user about its own sockets, tcp_info included
        assertEquals("netlink", doc.get("queue_source"), r.out());
        assertEquals(0L, ((Map<String, Object>) doc.get("window")).get("peer_window"), r.out());
    }
}
