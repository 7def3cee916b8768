package io.netdiag.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * man/ must be what the command model generates. To regenerate after changing options:
 * {@code mvn -q test -Dtest=ManPagesTest -Dnetdiag.man.update=true}.
 */
class ManPagesTest {
    private static final Path MAN = Path.of(System.getProperty("netdiag.project.dir", "."), "man");

    @Test
    void committedPagesAreCurrent() throws IOException {
        Map<String, String> pages = ManPages.generate();
        if (Boolean.getBoolean("netdiag.man.update")) {
            Files.createDirectories(MAN);
            try (Stream<Path> old = Files.list(MAN)) {
                for (Path p : old.filter(p -> p.toString().endsWith(".1")).toList()) {
                    Files.delete(p);
                }
            }
            for (Map.Entry<String, String> page : pages.entrySet()) {
                Files.writeString(MAN.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
            }
        }
        try (Stream<Path> files = Files.list(MAN)) {
            TreeSet<String> committed = new TreeSet<>(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".1")).toList());
            assertEquals(new TreeSet<>(pages.keySet()), committed,
                    "man/ holds other pages than the model makes; regenerate (see this test's Javadoc)");
        }
        for (Map.Entry<String, String> page : pages.entrySet()) {
            String committed = Files.readString(MAN.resolve(page.getKey()), StandardCharsets.UTF_8);
            assertEquals(page.getValue(), committed, page.getKey()
                    + " is out of date: mvn -q test -Dtest=ManPagesTest -Dnetdiag.man.update=true");
        }
    }

    @Test
    void everySubcommandHasAPageWithItsOptions() {
        Map<String, String> pages = ManPages.generate();
        for (String sub : new String[] {"ping", "sockets", "fill", "capture", "explain", "doctor", "exporter"}) {
            String page = pages.get("netdiag-" + sub + ".1");
            assertTrue(page != null && page.contains(".SH SYNOPSIS") && page.contains("\\fB\\-\\-help\\fR"),
                    "netdiag-" + sub + ".1");
        }
        assertTrue(pages.get("netdiag.1").contains(".SH EXIT STATUS"));
    }

    @Test
    void troffControlCharactersAreEscaped() {
        assertEquals("\\&.hidden \\- a\\ee", ManPages.escape(".hidden - a\\e"));
    }
}
