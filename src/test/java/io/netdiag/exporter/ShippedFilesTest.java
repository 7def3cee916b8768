package io.netdiag.exporter;

import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example alert rules pass promtool, and the systemd unit runs the exporter unprivileged. */
class ShippedFilesTest {
    private static final Path DIST = Path.of(System.getProperty("netdiag.project.dir", "."), "src", "main", "dist");

    @Test
    void alertRulesPassPromtool() {
        Host.Run r = Host.run(List.of("promtool", "check", "rules", DIST.resolve("prometheus/netdiag-alerts.yml").toString()), 60);
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("SUCCESS: 6 rules found"), r.out());
    }

    @Test
    void theUnitRunsAsItsOwnUserWithOnlyTheNamedCapabilities() throws Exception {
        List<String> lines = Files.readAllLines(DIST.resolve("systemd/netdiag-exporter.service"));
        assertTrue(lines.contains("User=netdiag-exporter"));
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("User=root")));
        String caps = "CAP_NET_RAW CAP_SYS_PTRACE CAP_DAC_READ_SEARCH";
        assertTrue(lines.contains("AmbientCapabilities=" + caps));
        assertTrue(lines.contains("CapabilityBoundingSet=" + caps));
        assertTrue(lines.contains("NoNewPrivileges=true"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ExecStart=/usr/bin/netdiag exporter --listen 127.0.0.1:9917 ")));
    }
}
