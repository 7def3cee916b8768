package io.netdiag.cli;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar, started as users start it. */
class PackagedJarIT {
    @Test
    void startsWithoutAnyWarningOnStderr() {
        Host.Run r = Jar.run("--version");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err(), "stderr must be empty");
        assertTrue(r.out().startsWith("netdiag 0."), r::toString);
    }

    @Test
    void doctorLoadsLibpcapThroughJnaWithoutWarnings() {
        Host.Run r = Jar.run("doctor");
        assertEquals("", r.err(), "no SLF4J or JNA noise on stderr");
        assertTrue(r.out().contains("libpcap version"), r::toString);
    }

    @Test
    void badOptionGivesOneLineHintAndExitTwo() {
        Host.Run r = Jar.run("doctor", "--definitely-not-an-option");
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(2, r.err().lines().count(), r::toString);
    }

    @Test
    void doctorAsAnUnprivilegedUserReportsWhatIsMissingAndExitsThree() {
        Host.requireRoot("needs root to switch to nobody");
        Host.require("setpriv");
        Host.Run r = Jar.run(true, "--json", "doctor");
        assertEquals("", r.err(), r::toString);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(r.out());
        List<?> checks = (List<?>) doc.get("checks");
        Map<?, ?> capture = checks.stream().map(c -> (Map<?, ?>) c)
                .filter(c -> c.get("name").equals("live capture")).findFirst().orElseThrow();
        assertEquals("missing", capture.get("status"), capture::toString);
        assertTrue(String.valueOf(capture.get("fix")).contains("root"), capture::toString);
        Map<?, ?> raw = checks.stream().map(c -> (Map<?, ?>) c)
                .filter(c -> c.get("name").equals("ICMP raw socket (IPv4)")).findFirst().orElseThrow();
        assertTrue(List.of("missing", "degraded").contains(raw.get("status")), raw::toString);
        assertEquals(3, r.exitCode(), r::toString);
    }

    @Test
    void anUnsupportedPlatformGetsOneClearLineAndExitThree() {
        // The JVM reports the OS it was told; the engines must refuse before any Linux-only native call.
        for (String[] args : new String[][] {{"sockets", "-t"}, {"ping", "-c", "1", "127.0.0.1"}, {"fill"}}) {
            java.util.List<String> command = new java.util.ArrayList<>(Jar.command(false, args));
            command.add(1, "-Dos.name=Windows 11");
            Host.Run r = Host.run(command, 60);
            assertEquals(3, r.exitCode(), () -> String.join(" ", args) + ": " + r);
            assertTrue(r.err().contains("implemented for Linux only; this is Windows"), r::toString);
            assertTrue(r.err().contains("try: see native-notes/"), r::toString);
            assertTrue(!r.err().contains("\tat "), "no stack trace");
        }
    }
}
