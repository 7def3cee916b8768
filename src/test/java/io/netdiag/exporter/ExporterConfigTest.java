package io.netdiag.exporter;

import io.netdiag.explain.NetdiagException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The YAML config as the issue writes it, and one clear line for each way it can be wrong. */
class ExporterConfigTest {
    @Test
    void readsTheIssuesExample() {
        ExporterConfig c = ExporterConfig.parse("""
                probes:                       # scheduled probes, run continuously in the exporter
                  - {module: tcp, target: "127.0.0.1:5432", interval: 1s}
                  - {module: icmp, target: "10.73.0.2", interval: 1s}
                  - {module: udp, target: "[fd73::1]:53", interval: 500ms, timeout: 250ms}
                allow: ["127.0.0.1", "10.73.0.0/16", "fd73::/16", "localhost"]
                """, "t.yaml");
        assertEquals(3, c.probes().size());
        ProbeSpec tcp = c.probes().getFirst();
        assertEquals(ProbeSpec.Module.TCP, tcp.module());
        assertEquals("127.0.0.1", tcp.host());
        assertEquals(5432, tcp.port());
        assertEquals(1000, tcp.intervalMillis());
        assertEquals(1000, tcp.timeoutMillis());
        ProbeSpec udp = c.probes().get(2);
        assertEquals("fd73::1", udp.host());
        assertEquals(53, udp.port());
        assertEquals(250, udp.timeoutMillis());
        assertTrue(c.allow().allows("127.0.0.1"));
        assertTrue(c.allow().allows("10.73.200.9"));
        assertTrue(c.allow().allows("fd73:1::5"));
        assertTrue(c.allow().allows("LOCALHOST"));
        assertFalse(c.allow().allows("10.74.0.1"));
        assertFalse(c.allow().allows("127.0.0.2"));
        assertFalse(c.allow().allows("fd74::1"));
    }

    @Test
    void emptyAllowListAllowsNothing() {
        assertFalse(ExporterConfig.parse("probes: []\n", "t").allow().allows("127.0.0.1"));
        assertFalse(ExporterConfig.empty().allow().allows("127.0.0.1"));
    }

    @Test
    void badConfigsSayWhatAndWhereInOneLine() {
        assertBad("probes: [ {module: tcp, target: \"127.0.0.1:1\"\n", "config t.yaml: line ");
        assertBad("probez: []\n", "config t.yaml: unknown key 'probez' (probes, allow)");
        assertBad("probes:\n  - {module: smtp, target: x}\n", "config t.yaml: probes[1]: unknown module 'smtp' (tcp, udp, icmp or trace)");
        assertBad("probes:\n  - {module: tcp, target: \"127.0.0.1\"}\n", "needs HOST:PORT");
        assertBad("probes:\n  - {module: tcp, target: \"127.0.0.1:70000\"}\n", "the port must be 1-65535");
        assertBad("probes:\n  - {module: icmp, target: \"127.0.0.1\", interval: soon}\n", "'soon' is not a duration");
        assertBad("probes:\n  - {module: icmp, target: \"127.0.0.1\"}\n  - {module: icmp, target: \"127.0.0.1\"}\n",
                "is listed twice");
        assertBad("probes:\n  - {module: trace, target: \"127.0.0.1\"}\n", "module trace runs on demand only");
        assertBad("allow: [\"10.0.0.0/33\"]\n", "the prefix must be 0-32");
        assertBad("allow: \"127.0.0.1\"\n", "allow must be a list");
        assertBad("- just\n- a list\n", "the top level must be a mapping");
        assertBad("probes: []\nprobes: []\n", "config t.yaml: line ");
    }

    @Test
    void missingFileIsOneLine() {
        NetdiagException e = assertThrows(NetdiagException.class, () -> ExporterConfig.read(Path.of("/nonexistent/netdiag.yaml")));
        assertEquals("config /nonexistent/netdiag.yaml: no such file", e.getMessage());
        assertEquals(NetdiagException.Kind.BAD_INPUT, e.kind());
    }

    private static void assertBad(String yaml, String expected) {
        NetdiagException e = assertThrows(NetdiagException.class, () -> ExporterConfig.parse(yaml, "t.yaml"), yaml);
        assertEquals(NetdiagException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
