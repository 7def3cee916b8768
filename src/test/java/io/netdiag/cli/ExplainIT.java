package io.netdiag.cli;

import io.netdiag.output.Json;
import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netdiag explain} from the packaged jar: the tables load from the jar's resources. */
class ExplainIT {
    @Test
    void explainsFromThePackagedJarWithoutNoise() {
        Host.Run r = Jar.run("explain", "--os", "linux", "EAGAIN", "icmp6 1/4", "socket.gaierror: [Errno -2] Name or service not known");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err(), r::toString);
        assertTrue(r.out().startsWith("EAGAIN (Resource temporarily unavailable)\n"), r::toString);
        assertTrue(r.out().contains("\nICMPv6 1/4 Destination Unreachable (Port unreachable)\n"), r::toString);
        assertTrue(r.out().contains("\nEAI_NONAME (Name or service not known)\n"), r::toString);
    }

    @Test
    void worksForAnUnprivilegedUserToo() {
        Host.requireRoot("needs root to switch to nobody");
        Host.require("setpriv");
        Host.Run r = Jar.run(true, "--json", "explain", "-l", "--os", "windows", "--category", "peer-gone");
        assertEquals(0, r.exitCode(), r::toString);
        List<?> entries = (List<?>) ((Map<?, ?>) Json.parse(r.out())).get("entries");
        List<?> symbols = entries.stream().map(e -> ((Map<?, ?>) e).get("symbol")).toList();
        assertTrue(symbols.containsAll(List.of("WSAECONNRESET", "WSAECONNABORTED", "WSAEDISCON")), symbols::toString);
    }
}
