package io.netdiag.ping;

import io.netdiag.testing.Host;
import io.netdiag.testing.Namespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.netdiag.testing.Namespaces.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ping -I, -p and -l from the packaged jar in namespaces, beside iputils ping: a client with two veths
 * where a target answers only through one of them, the unprivileged path (datagram ICMP sockets as nobody),
 * and the pattern as it appears on the wire.
 */
class PingSourceIT {
    private static Namespaces namespaces;
    private static String client;
    private static String open;
    private static String mangled;
    private static String devA;
    private static String devB;
    private static final int NET = 200 + (int) ((ProcessHandle.current().pid() + 17) % 50);
    private static final String A_NEAR = "10.210." + NET + ".1";
    private static final String B_NEAR = "10.211." + NET + ".1";
    private static final String TARGET = "10.212." + NET + ".9";

    @BeforeAll
    static void build() {
        Host.requireRoot("needs root for namespaces");
        Host.require("ip");
        namespaces = new Namespaces("ping");
        client = namespaces.create("ic");
        String a = namespaces.create("ia");
        String b = namespaces.create("ib");
        open = namespaces.create("iu");
        String stem = namespaces.stem();
        devA = stem + "A";
        devB = stem + "B";
        Namespaces.veth(client, devA, a, stem + "a");
        Namespaces.veth(client, devB, b, stem + "b");
        run(client, "ip", "addr", "add", A_NEAR + "/24", "dev", devA);
        run(a, "ip", "addr", "add", "10.210." + NET + ".2/24", "dev", stem + "a");
        run(client, "ip", "addr", "add", B_NEAR + "/24", "dev", devB);
        run(b, "ip", "addr", "add", "10.211." + NET + ".2/24", "dev", stem + "b");
        // the target lives behind B only; the client's preferred route to it goes through A, which drops it
        run(b, "ip", "addr", "add", TARGET + "/32", "dev", "lo");
        run(client, "ip", "route", "add", TARGET + "/32", "via", "10.210." + NET + ".2", "dev", devA, "metric", "100");
        run(client, "ip", "route", "add", TARGET + "/32", "via", "10.211." + NET + ".2", "dev", devB, "metric", "200");
        for (String conf : List.of("all", "default", devA, devB)) {
            run(client, "sysctl", "-q", "-w", "net.ipv4.conf." + conf + ".rp_filter=0");
        }
        run(open, "sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 2147483647");
        Host.require("nft");
        // echo replies leave this namespace's loopback with their data byte 16 rewritten (nft fixes the checksum)
        mangled = namespaces.create("im");
        run(mangled, "nft", "add", "table", "ip", "ndmangle");
        run(mangled, "nft", "add", "chain", "ip", "ndmangle", "out", "{ type filter hook output priority 0; }");
        run(mangled, "nft", "add", "rule", "ip", "ndmangle", "out", "icmp", "type", "echo-reply", "@th,192,8", "set", "0x77");
    }

    @AfterAll
    static void deleteNamespaces() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    private static Host.Run iputils(String ns, boolean nobody, String... args) {
        List<String> command = new ArrayList<>();
        if (nobody) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"));
        }
        command.add("ping");
        command.addAll(List.of(args));
        return Namespaces.exec(ns, command.toArray(String[]::new));
    }

    private static String[] ping(String... args) {
        List<String> all = new ArrayList<>(List.of("ping"));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void theDeviceChoosesTheRouteAndTheSourceAsInIputils() {
        Host.Run ours = Namespaces.jar(client, false, ping("-c", "2", "-i", "0.2", "-I", devB, TARGET));
        Host.Run theirs = iputils(client, false, "-c", "2", "-i", "0.2", "-I", devB, TARGET);
        String header = "PING " + TARGET + " (" + TARGET + ") from " + B_NEAR + " " + devB + ": 56(84) bytes of data.";
        assertEquals(0, theirs.exitCode(), theirs::toString);
        assertEquals(header, theirs.out().lines().findFirst().orElseThrow());
        assertEquals(0, ours.exitCode(), ours::toString);
        assertEquals(header, ours.out().lines().findFirst().orElseThrow(), ours::toString);
        assertEquals(PingLoopbackTest.shape(theirs.out()), PingLoopbackTest.shape(ours.out()), theirs.out() + "\nvs\n" + ours.out());

        // through A (and without -I, which takes A's better route) the target never answers
        for (List<String> args : List.of(List.of("-I", devA), List.<String>of())) {
            List<String> line = new ArrayList<>(List.of("-c", "1", "-W", "1"));
            line.addAll(args);
            line.add(TARGET);
            Host.Run silent = Namespaces.jar(client, false, ping(line.toArray(String[]::new)));
            Host.Run silentTheirs = iputils(client, false, line.toArray(String[]::new));
            assertEquals(1, silentTheirs.exitCode(), silentTheirs::toString);
            assertEquals(1, silent.exitCode(), silent::toString);
            assertEquals(silentTheirs.out().lines().findFirst().orElseThrow(), silent.out().lines().findFirst().orElseThrow());
            assertTrue(silent.out().contains("1 packets transmitted, 0 received"), silent::toString);
        }
        // no route at all: tied to a device, the kernel takes the target for on-link there (ARP on A) instead of
        // failing connect(); both tools send, hear nothing and exit 1
        String nowhere = "10.99." + NET + ".1";
        Host.Run noRoute = Namespaces.jar(client, false, ping("-c", "1", "-W", "1", "-I", devA, nowhere));
        Host.Run noRouteTheirs = iputils(client, false, "-c", "1", "-W", "1", "-I", devA, nowhere);
        assertEquals(1, noRouteTheirs.exitCode(), noRouteTheirs::toString);
        assertEquals(1, noRoute.exitCode(), noRoute::toString);
        assertEquals("PING " + nowhere + " (" + nowhere + ") from " + A_NEAR + " " + devA + ": 56(84) bytes of data.",
                noRoute.out().lines().findFirst().orElseThrow(), noRoute::toString);
        assertEquals(noRouteTheirs.out().lines().findFirst().orElseThrow(), noRoute.out().lines().findFirst().orElseThrow());
        assertTrue(noRoute.out().contains("1 packets transmitted, 0 received"), noRoute::toString);

        // several targets: the sockets are tied to the device as well
        String nearB = "10.211." + NET + ".2";
        Host.Run many = Namespaces.jar(client, false, ping("-c", "1", "-W", "1", "-I", devB, TARGET, nearB));
        assertEquals(0, many.exitCode(), many::toString);
        assertTrue(many.out().contains(TARGET + " : [0], 64 bytes"), many::toString);
        Host.Run manyViaA = Namespaces.jar(client, false, ping("-c", "1", "-W", "1", TARGET, nearB));
        assertEquals(1, manyViaA.exitCode(), "without -I the target is routed through A: " + manyViaA);

        Host.Run tcp = Namespaces.jar(client, false, ping("--tcp", "9", "-c", "1", "-W", "1", "-I", devB, TARGET));
        assertTrue(tcp.out().startsWith("TCP PING " + TARGET + " (" + TARGET + ") from " + B_NEAR + " " + devB + ": port 9."),
                tcp::toString);
        assertTrue(tcp.out().contains("Connection refused (closed)"), "through B the target's kernel answers with RST: " + tcp);
    }

    @Test
    void aSourceThatIsNotTheDevicesOwnGetsIputilsWarning() {
        // through lo the kernel still picks the routed source (A's address), which lo does not have
        String[] line = {"-c", "1", "-W", "1", "-I", "lo", TARGET};
        Host.Run theirs = iputils(client, false, line);
        Host.Run ours = Namespaces.jar(client, false, ping(line));
        String warning = "Warning: source address might be selected on device other than: lo";
        assertEquals("ping: " + warning, theirs.err().strip(), theirs::toString);
        assertEquals("netdiag ping: " + warning, ours.err().strip(), ours::toString);
        assertEquals(theirs.out().lines().findFirst().orElseThrow(), ours.out().lines().findFirst().orElseThrow());
        assertEquals(theirs.exitCode(), ours.exitCode(), ours::toString);
        // the device's own address: no warning
        Host.Run own = Namespaces.jar(client, false, ping("-c", "1", "-I", devB, TARGET));
        assertEquals("", own.err(), own::toString);
    }

    @Test
    void nobodyBindsToADeviceWithADatagramSocketAsIputilsDoes() {
        Host.require("setpriv");
        Host.Run ours = Namespaces.jar(open, true, ping("-c", "1", "-I", "lo", "127.0.0.1"));
        Host.Run theirs = iputils(open, true, "-c", "1", "-I", "lo", "127.0.0.1");
        assertEquals(theirs.exitCode(), ours.exitCode(), theirs + "\nvs\n" + ours);
        assertEquals(0, ours.exitCode(), ours::toString);
        assertEquals("PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 lo: 56(84) bytes of data.", ours.out().lines().findFirst().orElseThrow());
        assertEquals(PingLoopbackTest.shape(theirs.out()), PingLoopbackTest.shape(ours.out()), theirs.out() + "\nvs\n" + ours.out());
        assertTrue(Namespaces.jar(open, true, "--json", "ping", "-c", "1", "-I", "lo", "127.0.0.1").out()
                .contains("\"socket_kind\":\"datagram\""));
    }

    @Test
    void nobodyTiesTcpProbesToADeviceOnTheHostWithoutPrivilege() throws Exception {
        Host.require("setpriv");
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(listener.getLocalPort());
            // SO_BINDTODEVICE on a fresh socket needs no CAP_NET_RAW (Linux 5.7+)
            Host.Run r = io.netdiag.testing.Jar.run(true, "ping", "--tcp", port, "-c", "1", "-I", "lo", "127.0.0.1");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("TCP PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 lo: port " + port + ".", r.out().lines().findFirst().orElseThrow());
            Host.Run missing = io.netdiag.testing.Jar.run(true, "ping", "--tcp", port, "-c", "1", "-I", "ndnosuch0", "127.0.0.1");
            assertEquals(2, missing.exitCode(), missing::toString);
            assertTrue(missing.err().startsWith("netdiag ping: SO_BINDTODEVICE ndnosuch0: No such device"), missing::toString);
        }
    }

    @Test
    void nobodyMayPreloadThreeAndNoMore() {
        Host.require("setpriv");
        Host.Run ours = Namespaces.jar(open, true, ping("-c", "1", "-l", "4", "127.0.0.1"));
        Host.Run theirs = iputils(open, true, "-c", "1", "-l", "4", "127.0.0.1");
        assertEquals(2, theirs.exitCode(), theirs::toString);
        assertEquals("ping: cannot set preload to value greater than 3: 4", theirs.err().strip());
        assertEquals(2, ours.exitCode(), ours::toString);
        assertEquals("netdiag ping: cannot set preload to value greater than 3: 4", ours.err().lines().findFirst().orElseThrow());

        Host.Run three = Namespaces.jar(open, true, ping("-c", "3", "-l", "3", "127.0.0.1"));
        Host.Run threeTheirs = iputils(open, true, "-c", "3", "-l", "3", "127.0.0.1");
        assertEquals(0, three.exitCode(), three::toString);
        assertTrue(three.out().stripTrailing().endsWith(", pipe 3"), three::toString);
        assertEquals(PingLoopbackTest.shape(threeTheirs.out()), PingLoopbackTest.shape(three.out()), threeTheirs.out() + "\nvs\n" + three.out());
    }

    @Test
    void repliesWithOtherDataThanSentAreReportedAsIputilsReportsThem() {
        for (List<String> args : List.of(List.of("-c", "1", "127.0.0.1"), List.of("-c", "1", "-p", "ff", "127.0.0.1"))) {
            Host.Run ours = Namespaces.jar(mangled, false, ping(args.toArray(String[]::new)));
            Host.Run theirs = iputils(mangled, false, args.toArray(String[]::new));
            String expected = args.contains("ff") ? "0xff" : "0x10";
            assertTrue(theirs.out().contains("wrong data byte #16 should be " + expected + " but was 0x77\n#16\t77 "), theirs::toString);
            List<String> wrong = theirs.out().lines().filter(l -> l.startsWith("wrong data") || l.startsWith("#")).toList();
            assertEquals(3, wrong.size(), theirs::toString);
            assertEquals(wrong, ours.out().lines().filter(l -> l.startsWith("wrong data") || l.startsWith("#")).toList(), ours::toString);
            assertEquals(PingLoopbackTest.shape(theirs.out()), PingLoopbackTest.shape(ours.out()), theirs.out() + "\nvs\n" + ours.out());
            assertEquals(theirs.exitCode(), ours.exitCode());
        }
        Host.Run json = Namespaces.jar(mangled, false, "--json", "ping", "-c", "1", "127.0.0.1");
        assertTrue(json.out().contains("{\"type\":\"wrong-data\",\"target\":\"127.0.0.1\""), json::toString);
        assertTrue(json.out().contains("\"index\":16,\"expected\":16,\"actual\":119,\"data\":\"771112"), json::toString);
    }

    @Test
    void thePatternIsOnTheWireAfterTheTimestamp() throws Exception {
        Host.require("tcpdump");
        Path capture = Files.createTempFile("ndping", ".txt");
        try {
            Process tcpdump = Namespaces.start(open, capture, "tcpdump", "-l", "-i", "lo", "-nn", "-c", "1", "-x",
                    "icmp[icmptype] == icmp-echo");
            for (int i = 0; i < 100 && !Files.readString(capture).contains("listening on"); i++) {
                Thread.sleep(50);
            }
            Host.Run ours = Namespaces.jar(open, false, ping("-c", "1", "-s", "40", "-p", "deadbeef", "127.0.0.1"));
            assertEquals(0, ours.exitCode(), ours::toString);
            assertEquals("PATTERN: 0xdeadbeef", ours.out().lines().findFirst().orElseThrow());
            assertTrue(tcpdump.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "tcpdump saw the echo request");
            StringBuilder hex = new StringBuilder();
            for (String line : Files.readAllLines(capture)) {
                String t = line.strip();
                if (t.startsWith("0x")) {
                    hex.append(t.substring(t.indexOf(':') + 1).replace(" ", ""));
                }
            }
            // IPv4 header (20 bytes), ICMP header (8), timestamp (16), then the pattern through the 40 data bytes
            String data = hex.substring(2 * (20 + 8 + 16), 2 * (20 + 8 + 40));
            assertEquals("deadbeef".repeat(6), data, hex::toString);
        } finally {
            Files.deleteIfExists(capture);
        }
    }
}
