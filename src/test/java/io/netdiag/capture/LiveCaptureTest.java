package io.netdiag.capture;

import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live capture on lo of traffic the test makes itself, filtered to its own ports. Needs root. */
class LiveCaptureTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void root() {
        Host.requireRoot("live capture needs root");
    }

    /** A destination port where tshark decodes nothing by number (tests compare its reading with netdiag's). */
    static int port() {
        return io.netdiag.testing.QuietPorts.any();
    }

    /** Runs netdiag on a thread of its own (not the common pool, which has one worker on two cores). */
    static CompletableFuture<Cli.Result> background(String... args) {
        CompletableFuture<Cli.Result> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> result.complete(Cli.run(args)));
        return result;
    }

    /** Runs netdiag in the background and sends datagrams to the port until it returns. */
    static Cli.Result captureWhileSending(String host, int port, int size, String... args) throws Exception {
        CompletableFuture<Cli.Result> run = background(args);
        try (DatagramSocket u = io.netdiag.testing.QuietPorts.udp(null)) {
            byte[] payload = new byte[size];
            int sent = 0;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!run.isDone() && System.nanoTime() < deadline) {
                u.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(host), port));
                if (size < 1000 || ++sent % 50 == 0) {
                    Thread.sleep(size < 1000 ? 20 : 2);
                }
            }
        }
        return run.get(10, TimeUnit.SECONDS);
    }

    @Test
    void countsAndPrintsLikeTcpdumpAndTshark() throws Exception {
        int port = port();
        Cli.Result r = captureWhileSending("127.0.0.1", port, 18, "capture", "-i", "lo", "-c", "5", "udp", "port", String.valueOf(port));
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size(), r.toString());
        for (String line : lines) {
            assertTrue(line.matches(" +\\d+ +\\d+\\.\\d{6}    127\\.0\\.0\\.1 → 127\\.0\\.0\\.1    UDP 60 \\d+ → " + port + " Len=18"), line);
        }
        assertTrue(r.err().startsWith("netdiag capture: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n"), r.err());
        assertTrue(r.err().contains("\n5 packets captured\n"), r.err());
        assertTrue(r.err().matches("(?s).*\\n\\d+ packets received by filter\\n\\d+ packets dropped by kernel\\n.*"), r.err());
    }

    @Test
    void ipv6AndTcpWithDuration() throws Exception {
        int port = port();
        CompletableFuture<Cli.Result> run = background("capture", "-i", "lo", "-a", "duration:2",
                "tcp port " + port + " or udp port " + port);
        Thread.sleep(1000);
        try (ServerSocket server = new ServerSocket(port, 5, InetAddress.getByName("::1"));
             Socket c = new Socket(InetAddress.getByName("::1"), port); Socket a = server.accept()) {
            c.getOutputStream().write(new byte[10]);
            a.getInputStream().readNBytes(10);
        }
        try (DatagramSocket u = io.netdiag.testing.QuietPorts.udp(null)) {
            u.send(new DatagramPacket(new byte[5], 5, InetAddress.getByName("::1"), port));
        }
        Cli.Result r = run.get(20, TimeUnit.SECONDS);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("::1 → ::1          TCP 94 ") && r.out().contains("[SYN] Seq=0 Win="), r.out());
        assertTrue(r.out().contains("[PSH, ACK] Seq=1 Ack=1 Win=") && r.out().contains("Len=10"), r.out());
        assertTrue(r.out().contains("UDP 67 ") && r.out().contains(" → " + port + " Len=5"), r.out());
        long lines = r.out().lines().count();
        assertTrue(r.err().contains("\n" + lines + " packets captured\n"), r.err());
    }

    @Test
    void icmpEchoOnAnAddressOfItsOwn() throws Exception {
        Host.require("ping");
        // any 127/8 address is on lo; one no other test pings keeps the count exact
        String target = "127.77." + ThreadLocalRandom.current().nextInt(1, 250) + ".9";
        CompletableFuture<Cli.Result> run = background("capture", "-i", "lo", "-c", "4", "icmp and host " + target);
        Thread.sleep(1000);
        for (int i = 0; i < 5 && !run.isDone(); i++) {
            Host.run("ping", "-c", "2", "-i", "0.2", target);
        }
        Cli.Result r = run.get(20, TimeUnit.SECONDS);
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.toString());
        assertTrue(lines.get(0).contains(" ICMP 98 Echo (ping) request  id=0x"), lines.get(0));
        assertTrue(lines.get(1).contains(" ICMP 98 Echo (ping) reply    id=0x") && lines.get(1).endsWith("ttl=64 (request in 1)"),
                lines.get(1));
    }

    @Test
    void anyDeviceIsLinuxCooked() throws Exception {
        int port = port();
        Cli.Result r = captureWhileSending("127.0.0.1", port, 7, "capture", "-i", "any", "-c", "2", "udp", "port", String.valueOf(port));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("listening on any, link-type LINUX_SLL2 (Linux cooked v2)")
                || r.err().contains("listening on any, link-type LINUX_SLL (Linux cooked v1)"), r.err());
        for (String line : r.out().lines().toList()) {
            assertTrue(line.contains("127.0.0.1 → 127.0.0.1    UDP ") && line.endsWith(" → " + port + " Len=7"), line);
        }
    }

    @Test
    void writesPcapThatTcpdumpAndTsharkRead() throws Exception {
        Host.require("tcpdump");
        int port = port();
        Path file = dir.resolve("out.pcap");
        Cli.Result r = captureWhileSending("127.0.0.1", port, 100, "capture", "-i", "lo", "-c", "20", "-w", file.toString(),
                "udp", "port", String.valueOf(port));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().contains("\n20 packets captured\n"), r.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Host.Run tcpdump = Host.run("tcpdump", "-n", "-r", file.toString());
        assertEquals(20, tcpdump.out().lines().count(), tcpdump.toString());
        assertTrue(tcpdump.out().contains("UDP, length 100"), tcpdump.out());
        assertEquals(20, Cli.run("capture", "-r", file.toString()).out().lines().count());
        Host.require("tshark");
        Host.Run tshark = Host.run("tshark", "-n", "-r", file.toString());
        assertEquals(Cli.run("capture", "-r", file.toString()).out(), tshark.out());
    }

    @Test
    void ringBufferRotatesBySize() throws Exception {
        Host.require("tcpdump");
        int port = port();
        Path base = dir.resolve("ring");
        Cli.Result r = captureWhileSending("127.0.0.1", port, 1000, "capture", "-i", "lo", "-c", "2500",
                "-w", base.toString(), "-C", "1", "-W", "3", "udp", "port", String.valueOf(port));
        long total = 0;
        for (String name : List.of("ring0", "ring1", "ring2")) {
            Path f = dir.resolve(name);
            assertTrue(Files.exists(f), name + " missing; " + r);
            assertTrue(Files.size(f) < 1_100_000, name + " too big: " + Files.size(f));
            total += Host.run("tcpdump", "-n", "-r", f.toString()).out().lines().count();
        }
        assertEquals(2500, total, r.toString());
        assertTrue(r.err().contains("\n2500 packets captured\n"), r.err());
    }

    @Test
    void timeRotationWithAFileLimitEndsByItself() throws Exception {
        Host.require("tcpdump");
        int port = port();
        String pattern = dir.resolve("g-%s.pcap").toString();
        Cli.Result r = captureWhileSending("127.0.0.1", port, 10, "capture", "-i", "lo", "-G", "1", "-W", "2", "-w", pattern,
                "udp", "port", String.valueOf(port));
        assertEquals(0, r.exitCode(), r.toString());
        List<Path> files;
        try (var list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().startsWith("g-")).sorted().toList();
        }
        assertEquals(2, files.size(), files.toString());
        long total = 0;
        for (Path f : files) {
            total += Host.run("tcpdump", "-n", "-r", f.toString()).out().lines().count();
        }
        assertTrue(r.err().contains("\n" + total + " packets captured\n"), total + " in files; " + r.err());
    }

    @Test
    void listsInterfacesAsTcpdump() throws Exception {
        Host.require("tcpdump");
        // other tests on this machine add and remove devices (veth pairs): compare lists taken together
        Cli.Result r = null;
        Host.Run tcpdump = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Host.Run before = Host.run("tcpdump", "-D");
            r = Cli.run("capture", "-D");
            tcpdump = Host.run("tcpdump", "-D");
            if (before.out().equals(tcpdump.out()) && tcpdump.out().equals(r.out())) {
                break;
            }
            Thread.sleep(300);
        }
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(tcpdump.out(), r.out());
        assertTrue(r.out().contains(".lo [Up, Running, Loopback]"), r.out());
        Cli.Result json = Cli.run("--json", "capture", "-D");
        assertTrue(json.out().contains("\"name\": \"lo\"") && json.out().contains("\"127.0.0.1\""), json.out());
    }

    @Test
    void badInterfacesAreUsageErrors() {
        Cli.Result number = Cli.run("capture", "-i", "999", "-c", "1");
        assertEquals(2, number.exitCode(), number.toString());
        assertTrue(number.err().startsWith("netdiag capture: no interface number 999"), number.err());
        Cli.Result name = Cli.run("capture", "-i", "ndnosuch0", "-c", "1");
        assertEquals(2, name.exitCode(), name.toString());
        assertTrue(name.err().contains("ndnosuch0"), name.err());
        Cli.Result filter = Cli.run("capture", "-i", "lo", "-c", "1", "no such filter words");
        assertEquals(2, filter.exitCode(), filter.toString());
    }
}
