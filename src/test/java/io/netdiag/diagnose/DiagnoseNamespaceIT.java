package io.netdiag.diagnose;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import io.netdiag.testing.Namespaces;
import io.netdiag.testing.RoutedPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.netdiag.testing.Namespaces.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every cause of {@code netdiag diagnose} made for real on a routed path of namespaces built by the test:
 * client -- router -- server (10.72.N.0/24 and 10.72.N+1.0/24, fd72:N::/64 and fd72:N+1::/64), with nftables
 * rules on the router and the server, a removed route, an address nobody holds on the server's link, servers
 * that reset, never accept or listen on 127.0.0.1 only, a DNS server of the test's own in the server namespace
 * that the client's resolv.conf names (/etc/netns/CLIENT/resolv.conf), and an /etc/hosts naming ::1 first.
 * netdiag runs inside the namespaces as a user would start it; each run is asserted for its cause, category,
 * the host, hop, process or rule it blames, its exit code and the --timeout bound.
 */
class DiagnoseNamespaceIT {
    private static final int N = 2 * (int) (ProcessHandle.current().pid() % 120) + 2;
    private static final String CLIENT_NET = "10.72." + N;
    private static final String SERVER_NET = "10.72." + (N + 1);
    private static final String ROUTER_NEAR = CLIENT_NET + ".1";
    private static final String SERVER = SERVER_NET + ".2";
    private static final String SERVER6 = "fd72:" + (N + 1) + "::2";
    private static final String ROUTER_NEAR6 = "fd72:" + N + "::1";
    private static final String TABLE = "inet nddiag";

    private static Namespaces namespaces;
    private static String client;
    private static String router;
    private static String server;
    private static Process dns;
    private static final List<Path> netnsDirs = new ArrayList<>();
    /** Whether /etc/netns was there before the test: if not, it goes again when empty, leaving /etc as it was. */
    private static final boolean HAD_NETNS = Files.isDirectory(Path.of("/etc/netns"));
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void build() throws IOException {
        Host.requireRoot("needs root, ip and nft");
        Host.require("ip", "nft");
        namespaces = new Namespaces("diag");
        RoutedPath path = namespaces.routedPath(CLIENT_NET, "fd72:" + N + "::", SERVER_NET, "fd72:" + (N + 1) + "::");
        client = path.client();
        router = path.router();
        server = path.server();
        for (String ns : List.of(router, server)) {
            run(ns, "nft", "add", "table", TABLE);
            run(ns, "nft", "add", "chain", TABLE, "in", "{ type filter hook input priority 0; }");
            run(ns, "nft", "add", "chain", TABLE, "through", "{ type filter hook forward priority 0; }");
        }
        // the client's resolver is the test's DNS server in the server namespace, through the router
        Path etc = netnsDir(client);
        Files.writeString(etc.resolve("resolv.conf"), "nameserver " + SERVER + "\n");
        Files.writeString(etc.resolve("nsswitch.conf"), "hosts: files dns\n");
        dns = startMain(server, TestDns.class, SERVER, SERVER);
    }

    @AfterAll
    static void delete() throws IOException {
        if (dns != null) {
            dns.destroyForcibly();
        }
        for (Path dir : netnsDirs) {
            removeTree(dir);
        }
        Path netns = Path.of("/etc/netns");
        if (!HAD_NETNS && Files.isDirectory(netns)) {
            try (Stream<Path> left = Files.list(netns)) {
                if (left.findAny().isEmpty()) {
                    Files.deleteIfExists(netns);
                }
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                // another test made its own entry meanwhile: it removes the folder after itself
            }
        }
        if (namespaces != null) {
            namespaces.close();
        }
    }

    @AfterEach
    void cleanUp() {
        for (Process p : started) {
            p.destroyForcibly();
        }
        started.clear();
        if (server != null) {
            for (String ns : List.of(router, server)) {
                run(ns, "nft", "flush", "chain", TABLE, "in");
                run(ns, "nft", "flush", "chain", TABLE, "through");
            }
        }
    }

    // --- works ---

    @Test
    void aServerThroughTheRouterIsOk() {
        int port = serve(server, "accept", SERVER);
        Outcome o = diagnose(client, 3, SERVER + ":" + port);
        o.expect(0, "ok", null);
        o.textHas(SERVER + ":" + port + " works: handshake in ");
        assertTrue(o.detail("route").contains(SERVER + ": via " + ROUTER_NEAR), o::toString);
    }

    @Test
    void aNameFromTheTestsDnsServerResolvesAndWorks() {
        int port = serve(server, "accept", SERVER);
        Outcome o = diagnose(client, 3, "ok.diag.test:" + port);
        o.expect(0, "ok", null);
        assertTrue(o.detail("resolve").startsWith(SERVER + " from DNS in "), o::toString);
        assertTrue(o.detail("resolve").contains("resolvers asked for ok.diag.test: " + SERVER + ": NOERROR, 1 record"), o::toString);
    }

    @Test
    void aResolverThatAnswersLateIsSlow() {
        int port = serve(server, "accept", SERVER);
        Outcome o = diagnose(client, 3, "slow.diag.test:" + port);
        o.expect(0, "slow", null);
        o.textHas("works, but name resolution took ");
        assertEquals("warn", o.status("resolve"), o::toString);
    }

    // --- name resolution ---

    @Test
    void nxdomainFromTheResolverIsDnsNxdomain() {
        Outcome o = diagnose(client, 3, "nx.diag.test:80");
        o.expect(1, "dns-nxdomain", "name-resolution");
        o.textHas("nx.diag.test does not resolve: the resolver " + SERVER + " answers NXDOMAIN");
        assertEquals(List.of("target", "resolve"), o.stepNames());
    }

    @Test
    void servfailFromTheResolverIsDnsFailure() {
        Outcome o = diagnose(client, 3, "fail.diag.test:80");
        o.expect(1, "dns-failure", "name-resolution-transient");
        o.textHas(SERVER + " answers SERVFAIL");
    }

    @Test
    void refusedFromTheResolverSaysItDoesNotServeThisClient() {
        // glibc gives up on a resolver that answers REFUSED as on SERVFAIL: a temporary failure, EAI_AGAIN
        Outcome o = diagnose(client, 3, "refused.diag.test:80");
        o.expect(1, "dns-failure", "name-resolution-transient");
        o.textHas(SERVER + " answers REFUSED (it does not serve this client)");
    }

    @Test
    void aResolverThatNeverAnswersIsDnsFailureWithinTheTimeout() {
        Outcome o = diagnose(client, 2, "silent.diag.test:80");
        o.expect(1, "dns-failure", "name-resolution-transient");
        o.textHas(SERVER + " never answers (time-out after ");
    }

    // --- routes and links ---

    @Test
    void noRouteWhenTheDefaultRouteIsGone() {
        run(client, "ip", "route", "del", "default");
        try {
            Outcome o = diagnose(client, 3, SERVER + ":80");
            o.expect(1, "no-route", "unreachable");
            o.textHas("this host has no route to " + SERVER);
            assertEquals("fail", o.status("route"), o::toString);
        } finally {
            run(client, "ip", "route", "add", "default", "via", ROUTER_NEAR);
        }
    }

    @Test
    void anAddressNobodyHoldsOnTheServersLinkIsHostUnreachableFromTheRouter() {
        String absent = SERVER_NET + ".99";
        Outcome o = diagnose(client, 6, absent + ":80");
        o.expect(1, "host-unreachable", "unreachable");
        o.textHas("no host answers for " + absent + " on its link: the router " + ROUTER_NEAR + " asked");
    }

    @Test
    void anAddressNobodyHoldsOnTheClientsOwnLinkIsHostUnreachableFromThisHost() {
        String absent = CLIENT_NET + ".77";
        Outcome o = diagnose(client, 6, absent + ":80");
        o.expect(1, "host-unreachable", "unreachable");
        o.textHas("no host answers for " + absent + " on its link: this host asked");
    }

    // --- the port ---

    @Test
    void noListenerOnTheServerIsRefusedByTheServer() {
        Outcome o = diagnose(client, 3, SERVER + ":9");
        o.expect(1, "refused", "refused");
        o.textHas("the host " + SERVER + " answers, but with a RST: nothing listens on TCP port 9");
    }

    @Test
    void synsDroppedAtTheServerAreFilteredAndPingStillAnswers() {
        int port = serve(server, "accept", SERVER);
        run(server, "nft", "add", "rule", TABLE, "in", "tcp", "dport", String.valueOf(port), "drop");
        Outcome o = diagnose(client, 2, SERVER + ":" + port);
        o.expect(1, "filtered", "timeout");
        o.textHas("SYNs to " + SERVER + ":" + port + " get no answer at all within 2000 ms: a firewall drops them "
                + "silently (the host answers ping");
        // the trace engine names the last hop that answers the port's probes, and ICMP gets through
        o.textHas("the last hop that answers the port's probes is hop 1 (" + ROUTER_NEAR + ")");
        o.textHas("ICMP gets through to the destination");
        assertEquals("fail", o.status("trace"), o::toString);
    }

    @Test
    void withTheDefaultTimeoutAFilteredPortIsDiagnosedWellUnderThirtySeconds() {
        int port = serve(server, "accept", SERVER);
        run(server, "nft", "add", "rule", TABLE, "in", "tcp", "dport", String.valueOf(port), "drop");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", client, Jar.java().toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.netdiag.cli.Main",
                "diagnose", SERVER + ":" + port));
        long start = System.nanoTime();
        Host.Run r = Host.run(command, 120);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("\nverdict: filtered [timeout]\n"), r::toString);
        // the connect waits the whole default step (10 s); the run, JVM start included, stays under 30 s
        assertTrue(r.out().contains("no answer in 10000 ms"), r::toString);
        assertTrue(millis < 30_000, () -> "took " + millis + " ms\n" + r);
    }

    @Test
    void aRouterThatRejectsIsNamedAsTheSender() {
        int port = serve(server, "accept", SERVER);
        run(router, "nft", "add", "rule", TABLE, "through", "tcp", "dport", String.valueOf(port), "reject", "with", "icmp",
                "type", "admin-prohibited");
        Outcome o = diagnose(client, 3, SERVER + ":" + port);
        o.expect(1, "firewall-reject", null);
        o.textHas("the router " + ROUTER_NEAR + " rejects tcp port " + port + " to " + SERVER + " with ICMP 3/13 ");
    }

    @Test
    void aRouterThatRejectsIpv6IsNamedAsTheSender() {
        int port = serve(server, "accept", "::");
        run(router, "nft", "add", "rule", TABLE, "through", "tcp", "dport", String.valueOf(port), "reject", "with", "icmpv6",
                "type", "admin-prohibited");
        Outcome o = diagnose(client, 3, "[" + SERVER6 + "]:" + port);
        o.expect(1, "firewall-reject", null);
        o.textHas("the router " + ROUTER_NEAR6 + " rejects tcp port " + port + " to " + SERVER6 + " with ICMP 1/1 ");
    }

    @Test
    void withoutRawSocketsAnAdminProhibitedRejectIsUndeterminedAndExitsThree() {
        int port = serve(server, "accept", SERVER);
        run(router, "nft", "add", "rule", TABLE, "through", "tcp", "dport", String.valueOf(port), "reject", "with", "icmp",
                "type", "admin-prohibited");
        Outcome o = diagnose(client, true, 3, SERVER + ":" + port);
        assertEquals(3, o.run().exitCode(), o::toString);
        assertEquals("undetermined", o.verdict().get("cause"), o::toString);
        o.textHas("who sent it is unknown without CAP_NET_RAW");
    }

    @Test
    void aServerThatRejectsWithPortUnreachableIsTheHostNotARst() {
        int port = serve(server, "accept", SERVER);
        run(server, "nft", "add", "rule", TABLE, "in", "tcp", "dport", String.valueOf(port), "reject", "with", "icmp",
                "type", "port-unreachable");
        Outcome o = diagnose(client, 3, SERVER + ":" + port);
        o.expect(1, "firewall-reject", null);
        o.textHas("the host " + SERVER + " rejects tcp port " + port + " to " + SERVER + " with ICMP 3/3 ");
    }

    @Test
    void aServerThatResetsAfterAcceptingIsResetAfterConnect() {
        int port = serve(server, "reset", SERVER);
        Outcome o = diagnose(client, 3, SERVER + ":" + port);
        o.expect(1, "reset-after-connect", "peer-gone");
        o.textHas("the server at " + SERVER + ":" + port + " accepts the connection, then resets it");
    }

    @Test
    void aLostFirstSynMakesTheHandshakeSlow() {
        int port = serve(server, "accept", SERVER);
        // every connection's first SYN is dropped: the client resends it after its initial RTO (1 s)
        run(server, "nft", "add", "rule", TABLE, "in", "tcp", "dport", String.valueOf(port), "tcp", "flags", "syn",
                "numgen", "inc", "mod", "2", "0", "drop");
        Outcome o = diagnose(client, 3, SERVER + ":" + port);
        o.expect(0, "slow", null);
        o.textHas("works, but the TCP handshake with " + SERVER + " took ");
    }

    @Test
    void aUdpServiceThatAnswersIsOk() {
        int port = serve(server, "udp", SERVER);
        Outcome o = diagnose(client, 3, "--udp", SERVER + ":" + port);
        o.expect(0, "ok", null);
        o.textHas("a UDP reply in ");
    }

    @Test
    void aUdpPortNobodyHoldsIsRefusedByTheHostsPortUnreachable() {
        Outcome o = diagnose(client, 3, "--udp", SERVER + ":9");
        o.expect(1, "refused", "refused");
        o.textHas("the host " + SERVER + " answers, but with ICMP port unreachable: nothing listens on UDP port 9");
    }

    @Test
    void anIptablesRejectOnTheRouterIsNamedAsTheSender() {
        Host.require("iptables");
        int port = serve(server, "accept", SERVER);
        run(router, "iptables", "-A", "FORWARD", "-p", "tcp", "--dport", String.valueOf(port), "-j", "REJECT",
                "--reject-with", "icmp-host-prohibited");
        try {
            Outcome o = diagnose(client, 3, SERVER + ":" + port);
            o.expect(1, "firewall-reject", null);
            o.textHas("the router " + ROUTER_NEAR + " rejects tcp port " + port + " to " + SERVER + " with ICMP 3/10 ");
        } finally {
            run(router, "iptables", "-F", "FORWARD");
        }
    }

    @Test
    void anIptablesResetRuleOnThisHostIsNamedRatherThanAMissingListener() {
        Host.require("iptables");
        int port = serve(server, "accept", SERVER);
        run(server, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", String.valueOf(port), "-j", "REJECT",
                "--reject-with", "tcp-reset");
        try {
            Outcome o = diagnose(server, 3, SERVER + ":" + port);
            o.expect(1, "firewall-reject", "refused");
            o.textHas("this host's firewall rejects tcp port " + port + ": ");
            assertTrue(o.detail("firewall").contains("iptables filter INPUT (hook input): -A INPUT -p tcp -m tcp --dport "
                    + port + " -j REJECT --reject-with tcp-reset"), o::toString);
        } finally {
            run(server, "iptables", "-F", "INPUT");
        }
    }

    @Test
    void aCaptureOfTheAttemptShowsTheResetAndItsSender() {
        Outcome o = diagnose(client, 3, "--capture", SERVER + ":9");
        o.expect(1, "refused", "refused");
        String capture = o.detail("capture");
        assertTrue(capture.contains(CLIENT_NET + ".2 > " + SERVER + " TCP "), o::toString);
        assertTrue(capture.contains(SERVER + " > " + CLIENT_NET + ".2 TCP ") && capture.contains("[RST, ACK]"), o::toString);
    }

    // --- the server's own side ---

    @Test
    void aFullAcceptQueueSeenOnTheServerIsAcceptQueueFull() {
        int port = serve(server, "full", SERVER);
        Outcome o = diagnose(server, 2, SERVER + ":" + port);
        o.expect(1, "accept-queue-full", "timeout");
        o.textHas("process java (pid ");
        o.textHas(") listens on " + SERVER + ":" + port + " but its accept queue is full (2 waiting, backlog 1)");
        assertTrue(o.detail("local").contains("ListenOverflows (every listener of this host) grew by "), o::toString);
    }

    @Test
    void aListenerOnLoopbackOnlyIsListeningElsewhere() {
        int port = serve(server, "accept", "127.0.0.1");
        Outcome o = diagnose(server, 3, SERVER + ":" + port);
        o.expect(1, "listening-elsewhere", "refused");
        o.textHas("nothing listens on " + SERVER + ":" + port + ", but process java (pid ");
        o.textHas(") listens on 127.0.0.1:" + port + ": it is bound to another address or family");
    }

    @Test
    void aServersOwnFirewallRuleIsNamedWhenRunOnTheServer() {
        int port = serve(server, "accept", SERVER);
        run(server, "nft", "add", "rule", TABLE, "in", "tcp", "dport", String.valueOf(port), "drop");
        // from another namespace the SYN is dropped silently; on the server, --server reads its own rules
        Outcome o = diagnose(server, 2, "--server", SERVER_NET + ".2:" + port);
        assertTrue(o.detail("firewall").contains("nft inet nddiag in (hook input): tcp dport " + port + " drop"), o::toString);
    }

    @Test
    void localhostNamedIpv6FirstWithAServiceOnIpv4OnlyIsWrongFamily() throws IOException {
        String alone = namespaces.create("w");
        Path etc = netnsDir(alone);
        Files.writeString(etc.resolve("hosts"), "::1 localhost\n127.0.0.1 localhost\n");
        Files.writeString(etc.resolve("nsswitch.conf"), "hosts: files dns\n");
        int port = serve(alone, "accept", "127.0.0.1");
        Outcome o = diagnose(alone, 3, "localhost:" + port);
        o.expect(1, "wrong-family", "refused");
        assertEquals(List.of("::1", "127.0.0.1"), o.doc.get("addresses"), o::toString);
        o.textHas("the first address a client tries, ::1, is refused, while 127.0.0.1 answers");
        assertTrue(o.detail("resolve").contains("from /etc/hosts"), o::toString);
    }

    // --- helpers ---

    /** What one run printed, parsed. */
    private record Outcome(Host.Run run, Map<String, Object> doc, long millis, double timeout) {
        @SuppressWarnings("unchecked")
        Map<String, Object> verdict() {
            return (Map<String, Object>) doc.get("verdict");
        }

        void expect(int exit, String cause, String category) {
            assertEquals(exit, run.exitCode(), this::toString);
            assertEquals(cause, verdict().get("cause"), this::toString);
            if (category != null) {
                assertEquals(category, verdict().get("category"), this::toString);
            }
            // bounded by the --timeout design: each step waits at most one timeout, the run about three
            assertTrue(millis < timeout * 3000 + 6000, () -> "took " + millis + " ms with --timeout " + timeout + "\n" + this);
        }

        void textHas(String part) {
            assertTrue(((String) verdict().get("text")).contains(part), () -> "no '" + part + "' in\n" + this);
        }

        @SuppressWarnings("unchecked")
        List<String> stepNames() {
            return ((List<Map<String, Object>>) doc.get("steps")).stream().map(s -> (String) s.get("name")).toList();
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> step(String name) {
            return ((List<Map<String, Object>>) doc.get("steps")).stream().filter(s -> s.get("name").equals(name))
                    .findFirst().orElseThrow(() -> new AssertionError("no step " + name + " in\n" + this));
        }

        String detail(String name) {
            return (String) step(name).get("detail");
        }

        String status(String name) {
            return (String) step(name).get("status");
        }

        @Override
        public String toString() {
            return "exit " + run.exitCode() + " in " + millis + " ms\n" + run.out() + run.err();
        }
    }

    @SuppressWarnings("unchecked")
    private static Outcome diagnose(String ns, double timeout, String... args) {
        return diagnose(ns, false, timeout, args);
    }

    /** Runs netdiag in {@code ns}, as root or (with {@code nobody}) as uid 65534 without capabilities. */
    @SuppressWarnings("unchecked")
    private static Outcome diagnose(String ns, boolean nobody, double timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        if (nobody) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"));
        }
        command.addAll(List.of(Jar.java().toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.netdiag.cli.Main",
                "--json", "diagnose", "-t", String.valueOf(timeout)));
        command.addAll(List.of(args));
        long start = System.nanoTime();
        Host.Run run = Host.run(command, 120);
        long millis = (System.nanoTime() - start) / 1_000_000;
        Map<String, Object> doc;
        try {
            doc = (Map<String, Object>) Json.parse(run.out());
        } catch (RuntimeException e) {
            throw new AssertionError("not one JSON document:\n" + run, e);
        }
        return new Outcome(run, doc, millis, timeout);
    }

    /** Starts a {@link TestServer} in {@code ns} and returns its port. */
    private int serve(String ns, String mode, String bind) {
        Process p = startMain(ns, TestServer.class, mode, bind);
        started.add(p);
        return Integer.parseInt(firstLine(p).substring("port ".length()));
    }

    private static Process startMain(String ns, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, Jar.java().toString(), "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            firstLine(p);
            return p;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static final Map<Process, String> FIRST = new java.util.concurrent.ConcurrentHashMap<>();

    private static String firstLine(Process p) {
        return FIRST.computeIfAbsent(p, k -> {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(k.getInputStream(), StandardCharsets.UTF_8)).readLine();
                } catch (IOException e) {
                    return null;
                }
            });
            try {
                String l = line.get(30, TimeUnit.SECONDS);
                if (l == null) {
                    throw new AssertionError("the test server ended before it was ready");
                }
                return l;
            } catch (Exception e) {
                k.destroyForcibly();
                throw new AssertionError("the test server did not start", e);
            }
        });
    }

    private static Path netnsDir(String ns) throws IOException {
        Path dir = Path.of("/etc/netns", ns);
        Files.createDirectories(dir);
        netnsDirs.add(dir);
        return dir;
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
