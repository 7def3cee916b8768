package io.netdiag.ping;

import io.netdiag.output.Json;
import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several targets and ranges on loopback, against fping's own sweep of the same range. */
class PingSeveralTargetsTest {
    @Test
    void rangeExpandsLikeFpingAndEveryAddressAnswers() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Host.require("fping");
        Cli.Result ours = Cli.run("ping", "-c", "1", "127.0.1.0/29");
        Host.Run fping = Host.run("fping", "-c1", "-i1", "-g", "127.0.1.0/29");
        assertEquals(0, ours.exitCode(), ours::toString);
        List<String> fpingTargets = fping.err().lines().filter(l -> l.contains("xmt/rcv")).map(l -> l.split(" ")[0]).toList();
        List<String> ourLines = ours.out().lines().filter(l -> l.matches("127\\.0\\.1\\.\\d+ : \\[0], 64 bytes, .*")).toList();
        assertEquals(fpingTargets, ourLines.stream().map(l -> l.split(" ")[0]).sorted().toList(), ours::toString);
        assertEquals(6, ourLines.size(), "a /29 has six host addresses");
        for (String line : ourLines) {
            assertTrue(line.matches("\\S+ : \\[0], 64 bytes, \\d+\\.\\d+ ms \\(\\d+\\.\\d+ avg, 0% loss\\)"), line);
        }
        assertTrue(ours.out().contains("\nTARGET     ADDRESS    SENT  RECV  LOSS  MIN/AVG/MAX ms"), ours::toString);
        assertEquals(6, ours.out().lines().filter(l -> l.matches("127\\.0\\.1\\.\\d+ +127\\.0\\.1\\.\\d+ +1 +1 +0% .* alive")).count(),
                ours::toString);
    }

    @Test
    void mixedFamiliesAndNamesWithJsonSummaries() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Cli.Result r = Cli.run("--json", "ping", "-c", "2", "-i", "0.1", "127.0.0.1", "::1", "localhost");
        assertEquals(0, r.exitCode(), r::toString);
        List<Map<?, ?>> objects = r.out().lines().<Map<?, ?>>map(l -> (Map<?, ?>) Json.parse(l)).toList();
        List<Map<?, ?>> summaries = objects.stream().filter(o -> "summary".equals(o.get("type"))).toList();
        assertEquals(List.of("127.0.0.1", "::1", "localhost"), summaries.stream().map(o -> o.get("target")).toList());
        for (Map<?, ?> s : summaries) {
            assertEquals(2L, s.get("received"), s::toString);
        }
        assertEquals(6, objects.stream().filter(o -> "reply".equals(o.get("type"))).count());
        assertEquals("::1", summaries.get(1).get("address"), "addresses as inet_ntop writes them");
    }

    @Test
    void badRangesAreBadInput() {
        Cli.Result r = Cli.run("ping", "10.0.0.0/7");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("more than 65536 addresses"), r::toString);
        Cli.Result name = Cli.run("ping", "example/24");
        assertEquals(2, name.exitCode(), name::toString);
    }

    static long count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
