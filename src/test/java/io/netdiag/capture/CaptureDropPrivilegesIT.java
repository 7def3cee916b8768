package io.netdiag.capture;

import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code capture -Z USER} as tcpdump: root opens the device, then the process is USER before any file is written. */
class CaptureDropPrivilegesIT {
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    private static List<String> jar(String... args) {
        List<String> command = new ArrayList<>(List.of(Jar.java().toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                Jar.jar().toString(), "io.netdiag.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /** The lines of /proc/PID/status, as name to value. */
    private static Map<String, String> status(long pid) throws Exception {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            int colon = line.indexOf(':');
            fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return fields;
    }

    /** A directory anyone may create files in, as /tmp is (sticky, 1777). */
    private Path sharedDirectory() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        new ProcessBuilder("chmod", "1777", shared.toString()).start().waitFor();
        return shared;
    }

    @Test
    void nobodyWritesTheFileAndTheProcessRunsAsNobodyAfterTheDeviceOpened() throws Exception {
        Host.requireRoot("needs root to open lo and switch users");
        Path shared = sharedDirectory();
        Path file = shared.resolve("dropped.pcap");
        Path err = dir.resolve("err");
        try (DatagramSocket target = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket sender = new DatagramSocket()) {
            int port = target.getLocalPort();
            Process p = new ProcessBuilder(jar("capture", "-Z", "nobody", "-i", "lo", "-c", "3", "-w", file.toString(),
                    "udp", "port", Integer.toString(port)))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.readString(err).contains("listening on")) {
                    assertTrue(p.isAlive(), "capture ended early: " + Files.readString(err));
                    assertTrue(System.nanoTime() < deadline, "no banner: " + Files.readString(err));
                    Thread.sleep(20);
                }
                Map<String, String> status = status(p.pid());
                // real, effective, saved and file-system ids: all nobody's, and no capability left
                assertEquals(List.of("65534", "65534", "65534", "65534"), List.of(status.get("Uid").split("\\s+")), status.toString());
                assertEquals(List.of("65534", "65534", "65534", "65534"), List.of(status.get("Gid").split("\\s+")), status.toString());
                assertFalse(List.of(status.get("Groups").split("\\s+")).contains("0"), "root's group kept: " + status);
                assertEquals("0000000000000000", status.get("CapEff"), status.toString());
                assertEquals("0000000000000000", status.get("CapPrm"), status.toString());
                for (int i = 0; i < 3; i++) {
                    sender.send(new DatagramPacket(new byte[40], 40, InetAddress.getLoopbackAddress(), port));
                }
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "capture did not stop after 3 packets");
            } finally {
                p.destroyForcibly();
            }
            assertEquals(0, p.exitValue(), Files.readString(err));
        }
        UserPrincipal owner = Files.getOwner(file);
        assertEquals("nobody", owner.getName());
        assertEquals(NOBODY, (int) Files.getAttribute(file, "unix:uid"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        // the pcap header and three records of 14 + 20 + 8 + 40 bytes
        assertEquals(24 + 3 * (16 + 82), Files.size(file));
    }

    @Test
    void aSymlinkPlantedBySomeoneElseIsNotWrittenThrough() throws Exception {
        Host.requireRoot("needs root to open lo and switch users");
        Path shared = sharedDirectory();
        Path victim = Files.writeString(dir.resolve("victim"), "keep me\n");
        Path planted = Files.createSymbolicLink(shared.resolve("planted.pcap"), victim);
        // planted by another user (daemon, uid 1), as in /tmp
        Files.setAttribute(planted, "unix:uid", 1, LinkOption.NOFOLLOW_LINKS);
        Host.Run r = Host.run(jar("capture", "-Z", "nobody", "-i", "lo", "-c", "1", "-w", planted.toString(), "udp", "port", "9"),
                60);
        assertTrue(r.exitCode() != 0, "wrote through the planted link: " + r.err());
        assertTrue(r.err().contains("netdiag capture: ") && r.err().contains(planted.toString()), r.err());
        assertEquals("keep me\n", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(planted), "the planted link was replaced");
    }

    @Test
    void anUnknownUserIsBadInputBeforeAnythingOpens() {
        Host.Run r = Host.run(jar("capture", "-Z", "no-such-user-netdiag", "-i", "lo", "-c", "1"), 60);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("netdiag capture: -Z: no such user: no-such-user-netdiag"), r.err());
    }
}
