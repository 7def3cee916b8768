package io.netdiag.capture;

import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import io.netdiag.testing.Namespaces;
import io.netdiag.testing.PcapReaders;
import io.netdiag.testing.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code capture -w} against what can be at the output path, made for real: a directory, a socket, symbolic
 * links, a FIFO, device nodes made with mknod on a tmpfs of the test's own, a tmpfs too small for the capture
 * (with and without rotation), and an interface deleted mid-capture. Every file left behind must read to its
 * end in tcpdump, tshark and capinfos, and hold exactly the packets netdiag counted.
 */
class CaptureOutputIT {
    private static final String FULL = "netdiag capture: cannot write packets: No space left on device";

    @TempDir
    Path dir;

    @BeforeAll
    static void root() {
        Host.requireRoot("live capture, mount and mknod need root");
    }

    private static int port() {
        return ThreadLocalRandom.current().nextInt(40000, 60000);
    }

    /** A tmpfs of {@code size} (mount(8) syntax) at DIR/NAME, removed by {@link #unmount}. */
    private Path tmpfs(String name, String size) throws IOException {
        Path mount = Files.createDirectory(dir.resolve(name));
        Namespaces.check(Host.run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "ndhcap", mount.toString()));
        return mount;
    }

    private static void unmount(Path mount) {
        Host.run("umount", mount.toString());
    }

    /** The jar capturing with {@code args}, started once its banner is out. */
    private static Process capture(Path stdout, Path stderr, String... args) throws Exception {
        return CaptureIT.startCapture(stdout, stderr, args);
    }

    /** Sends datagrams of {@code size} bytes to the port, {@code perSecond} of them a second, until {@code p} ends. */
    private static void sendUntilEnd(Process p, int port, int size, int perSecond) throws Exception {
        try (DatagramSocket u = new DatagramSocket()) {
            byte[] payload = new byte[size];
            long deadline = System.nanoTime() + 90_000_000_000L;
            long gapNanos = 1_000_000_000L / perSecond;
            long next = System.nanoTime();
            while (p.isAlive() && System.nanoTime() < deadline) {
                u.send(new DatagramPacket(payload, size, InetAddress.getLoopbackAddress(), port));
                next += gapNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "capture did not end");
    }

    private static String fileType(Path p) {
        return Host.run("stat", "-c", "%F %t:%T", p.toString()).out().strip();
    }

    @Test
    void refusesADirectoryASocketAndLinksAndLeavesThemAsTheyWere() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("empty-dir"));
        Path target = Files.writeString(dir.resolve("precious.txt"), "keep me\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.pcap"), target);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.pcap"), dir.resolve("nowhere"));
        Path dirLink = Files.createSymbolicLink(dir.resolve("dir-link"), directory);
        Path socket = dir.resolve("unix.sock");
        Namespaces.check(Host.run("python3", "-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
                socket.toString()));
        record Case(Path path, String reason) {
        }
        for (Case c : List.of(new Case(directory, "Is a directory"), new Case(socket, "is a socket"),
                new Case(link, "is a symbolic link"), new Case(dangling, "is a symbolic link"),
                new Case(dirLink, "is a symbolic link"), new Case(dir.resolve("no/such/dir.pcap"), "No such file or directory"))) {
            Cli.Result r = Cli.run("capture", "-i", "lo", "-c", "1", "-w", c.path().toString());
            assertEquals(2, r.exitCode(), r.toString());
            assertEquals("", r.out());
            List<String> lines = r.err().lines().toList();
            assertEquals(1, lines.size(), "one line, no banner: " + r.err());
            assertTrue(lines.getFirst().startsWith("netdiag capture: cannot write " + c.path() + ": " + c.reason()), r.err());
        }
        // tcpdump words the directory case the same way
        Host.Run tcpdump = Host.run("tcpdump", "-Z", "root", "-i", "lo", "-c", "1", "-w", directory.toString());
        assertTrue(tcpdump.err().contains(directory + ": Is a directory"), tcpdump.toString());
        assertTrue(Files.isDirectory(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        try (var list = Files.list(directory)) {
            assertEquals(0, list.count());
        }
        assertEquals("socket", fileType(socket).split(" ")[0]);
        assertEquals(target, Files.readSymbolicLink(link));
        assertEquals("keep me\n", Files.readString(target));
        assertTrue(Files.isSymbolicLink(dangling) && !Files.exists(dir.resolve("nowhere")));
        assertTrue(Files.isSymbolicLink(dirLink));
    }

    @Test
    void replacesARegularFileAsANewFileOfMode0600() throws Exception {
        Path file = Files.writeString(dir.resolve("old.pcap"), "old contents\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path hardLink = Files.createLink(dir.resolve("other-name"), file);
        int port = port();
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = capture(out, err, "capture", "-i", "lo", "-c", "5", "-w", file.toString(), "udp", "port", String.valueOf(port));
        sendUntilEnd(p, port, 100, 50);
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(5, PcapReaders.packets(file));
        // replaced, not truncated in place: the other name of the old file still has the old contents
        assertEquals("old contents\n", Files.readString(hardLink));
    }

    @Test
    void writesIntoDeviceNodesAndLeavesThemDevices() throws Exception {
        Path mount = tmpfs("dev", "64k"); // a tmpfs of our own: device nodes work there (no nodev)
        try {
            Path nul = mount.resolve("null");
            Path full = mount.resolve("full");
            Namespaces.check(Host.run("mknod", "-m", "600", nul.toString(), "c", "1", "3"));
            Namespaces.check(Host.run("mknod", "-m", "600", full.toString(), "c", "1", "7"));
            int port = port();
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            Process p = capture(out, err, "capture", "-i", "lo", "-c", "5", "-w", nul.toString(), "udp", "port", String.valueOf(port));
            sendUntilEnd(p, port, 100, 50);
            String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), stderr);
            assertEquals(5, PcapReaders.captured(stderr), stderr);
            assertEquals("character special file 1:3", fileType(nul));

            // /dev/full answers every write with ENOSPC: nothing reached it, and the count says so
            p = capture(out, err, "capture", "-i", "lo", "-c", "5", "-w", full.toString(), "udp", "port", String.valueOf(port));
            sendUntilEnd(p, port, 100, 50);
            stderr = Files.readString(err);
            assertEquals(1, p.exitValue(), stderr);
            assertTrue(stderr.contains("\n" + FULL + "\n0 packets captured\n"), stderr);
            assertEquals("character special file 1:7", fileType(full));
        } finally {
            unmount(mount);
        }
    }

    @Test
    void writesIntoAFifoThatTcpdumpReads() throws Exception {
        Path fifo = dir.resolve("fifo");
        Namespaces.check(Host.run("mkfifo", fifo.toString()));
        int port = port();
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Path read = dir.resolve("tcpdump.txt");
        Process p = new ProcessBuilder(Jar.command(false, "capture", "-i", "lo", "-c", "20", "-w", fifo.toString(), "udp", "port",
                String.valueOf(port))).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // as with tcpdump, the capture starts once a reader opens the FIFO
        Process reader = new ProcessBuilder("tcpdump", "-n", "-r", fifo.toString()).redirectOutput(read.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.readString(err).contains("listening on") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        sendUntilEnd(p, port, 100, 50);
        assertTrue(reader.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertEquals(0, reader.exitValue());
        assertEquals(20, Files.readString(read).lines().filter(l -> l.contains("UDP, length 100")).count());
        assertEquals("fifo", fileType(fifo).split(" ")[0]);
    }

    @Test
    void ctrlCWhileAFifoWaitsForItsReaderSaysSo() {
        Path fifo = dir.resolve("fifo");
        Namespaces.check(Host.run("mkfifo", fifo.toString()));
        // the FIFO's open blocks on a thread of its own ("netdiag-fifo-open"; comm keeps 15 characters)
        Host.Run r = Shell.run(Shell.netdiag() + " capture -i lo -w " + Shell.quote(fifo.toString()) + " >" + dir + "/out 2>" + dir
                + "/err & pid=$!\n"
                + "for _ in $(seq 600); do grep -qs netdiag-fifo-op /proc/$pid/task/*/comm && break; sleep 0.1; done\n"
                + "kill -INT $pid; wait $pid; echo \"rc=$?\"; cat " + dir + "/err", 90);
        assertTrue(r.out().startsWith("rc=1\n"), r.toString());
        assertEquals("netdiag capture: cannot write " + fifo + ": interrupted while waiting for a reader to open it\n",
                r.out().substring("rc=1\n".length()), r.toString());
        assertEquals("fifo", fileType(fifo).split(" ")[0]);
    }

    /**
     * Captures 1000-byte datagrams, {@code perSecond} of them, into a tmpfs of {@code size} until the disk is full
     * and the capture stops by itself; checks the failure line, that every file left reads to its end, and that
     * the count printed is what the files hold. Returns the number of files.
     */
    private int fillTheDisk(String size, int perSecond, String... output) throws Exception {
        Path mount = tmpfs("full", size);
        try {
            int port = port();
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            List<String> args = new java.util.ArrayList<>(List.of("capture", "-i", "lo", "-w", mount.resolve(output[0]).toString()));
            args.addAll(List.of(output).subList(1, output.length));
            args.addAll(List.of("udp", "port", String.valueOf(port)));
            Process p = capture(out, err, args.toArray(String[]::new));
            sendUntilEnd(p, port, 1000, perSecond);
            String stderr = Files.readString(err);
            assertEquals(1, p.exitValue(), stderr);
            List<String> lines = stderr.lines().toList();
            // tcpdump's order: the failure, then the statistics
            assertEquals(FULL, lines.get(1), stderr);
            assertTrue(lines.get(2).endsWith(" packets captured"), stderr);
            assertTrue(lines.get(3).endsWith(" packets received by filter"), stderr);
            List<Path> files;
            try (var list = Files.list(mount)) {
                files = list.sorted().toList();
            }
            long held = 0;
            for (Path f : files) {
                held += PcapReaders.packets(f);
            }
            assertTrue(held > 100, held + " packets in " + files);
            assertEquals(held, PcapReaders.captured(stderr), stderr);
            return files.size();
        } finally {
            unmount(mount);
        }
    }

    @Test
    void aFullDiskCutsTheFileBackToItsLastWholeRecord() throws Exception {
        assertEquals(1, fillTheDisk("256k", 2000, "full.pcap"));
    }

    @Test
    void aFullDiskDuringSizeRotation() throws Exception {
        // ring, ring1, ring2: two whole megabytes, then the disk is full in the third
        assertEquals(3, fillTheDisk("2600k", 2000, "ring", "-C", "1"));
    }

    @Test
    void aFullDiskDuringTimeRotation() throws Exception {
        // about 85 KB a second into a new file every second: three files or so before the disk is full
        assertTrue(fillTheDisk("256k", 80, "g-%s.pcap", "-G", "1") >= 2);
    }

    @Test
    void anInterfaceDeletedMidCaptureEndsItWithExit1AsTcpdump() throws Exception {
        try (Namespaces ns = new Namespaces("hcap")) {
            String host = ns.create("v");
            String a = ns.stem() + "a";
            String b = ns.stem() + "b";
            Namespaces.veth(host, a, host, b);
            Namespaces.check(Namespaces.exec(host, "ip", "addr", "add", "10.74.12.1/24", "dev", a));
            Path file = dir.resolve("veth.pcap");
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            Path tcpdumpOut = dir.resolve("tcpdump.txt");
            Process p = new ProcessBuilder(Namespaces.jarCommand(host, false, "capture", "-i", a, "-w", file.toString()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            Process tcpdump = Namespaces.start(host, tcpdumpOut, "tcpdump", "-Z", "root", "-n", "-i", a,
                    "-w", dir.resolve("tcpdump.pcap").toString());
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!(Files.readString(err).contains("listening on") && Files.readString(tcpdumpOut).contains("listening on"))) {
                assertTrue(p.isAlive() && tcpdump.isAlive(), Files.readString(err) + Files.readString(tcpdumpOut));
                assertTrue(System.nanoTime() < deadline, "no banners");
                Thread.sleep(50);
            }
            // ARP requests for a neighbour that never answers go out on the veth
            Namespaces.exec(host, "ping", "-c", "3", "-i", "0.2", "-W", "1", "10.74.12.9");
            Namespaces.check(Namespaces.exec(host, "ip", "link", "del", a));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && tcpdump.waitFor(30, TimeUnit.SECONDS));
            String stderr = Files.readString(err);
            assertEquals(1, tcpdump.exitValue(), Files.readString(tcpdumpOut));
            assertTrue(Files.readString(tcpdumpOut).contains("tcpdump: pcap_loop: The interface disappeared\n"));
            assertEquals(1, p.exitValue(), stderr);
            List<String> lines = stderr.lines().toList();
            assertEquals("netdiag capture: capture on " + a + " ended: The interface disappeared", lines.get(1), stderr);
            long captured = PcapReaders.captured(stderr);
            assertTrue(captured >= 1, stderr);
            assertEquals(captured, PcapReaders.packets(file));
            assertFalse(stderr.contains("Exception"), stderr);
        }
    }
}
