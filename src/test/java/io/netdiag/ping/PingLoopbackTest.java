package io.netdiag.ping;

import io.netdiag.output.Json;
import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real ICMP on loopback through raw sockets (root), side by side with iputils ping. */
class PingLoopbackTest {
    static final String REPLY = "64 bytes from %s: icmp_seq=\\d+ ttl=64 time=\\d+\\.\\d{1,3} ms";
    static final String STATS = "\\d+ packets transmitted, \\d+ received, (\\+\\d+ errors, )?\\d+(\\.\\d+)?% packet loss, time \\d+ms";
    static final String RTT = "rtt min/avg/max/mdev = \\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3} ms";

    /** The output with every number replaced by N, so that two runs compare by shape. */
    static List<String> shape(String out) {
        return out.lines().map(l -> l.replaceAll("\\d+(\\.\\d+)?", "N")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void loopbackRepliesLookLikeIputilsLineByLine(String address) {
        Host.requireRoot("raw ICMP sockets need root here (ping_group_range is closed)");
        Cli.Result ours = Cli.run("ping", "-c", "3", "-i", "0.2", address);
        Host.Run theirs = Host.run("ping", "-c", "3", "-i", "0.2", address);
        assertEquals(0, ours.exitCode(), ours::toString);
        assertEquals(theirs.exitCode(), ours.exitCode());
        List<String> lines = ours.out().lines().toList();
        String header = address.contains(":") ? "PING ::1\\(::1\\) 56 data bytes" : "PING 127.0.0.1 \\(127.0.0.1\\) 56\\(84\\) bytes of data.";
        assertTrue(lines.get(0).matches(header), lines.get(0));
        for (int i = 1; i <= 3; i++) {
            assertTrue(lines.get(i).matches(String.format(REPLY, address)), lines.get(i));
            assertTrue(lines.get(i).contains("icmp_seq=" + i), lines.get(i));
        }
        assertEquals("", lines.get(4));
        assertEquals("--- " + address + " ping statistics ---", lines.get(5));
        assertTrue(lines.get(6).matches(STATS), lines.get(6));
        assertTrue(lines.get(6).startsWith("3 packets transmitted, 3 received, 0% packet loss"), lines.get(6));
        assertTrue(lines.get(7).matches(RTT), lines.get(7));
        assertEquals(8, lines.size(), ours::toString);
        assertEquals(shape(theirs.out()), shape(ours.out()), "same shape as iputils:\n" + theirs.out() + "\nvs\n" + ours.out());
        assertEquals("", ours.err());
    }

    @Test
    void aNameIsPrintedWithItsAddressAsIputilsDoes() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Cli.Result ours = Cli.run("ping", "-c", "1", "localhost");
        Host.Run theirs = Host.run("ping", "-c", "1", "localhost");
        assertEquals(0, ours.exitCode(), ours::toString);
        assertEquals(shape(theirs.out()), shape(ours.out()), theirs.out() + "\nvs\n" + ours.out());
        assertTrue(ours.out().contains(" bytes from localhost (127.0.0.1): icmp_seq=1 "), ours::toString);
    }

    @Test
    void quietTimestampsSmallPacketsAndJson() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Cli.Result quiet = Cli.run("ping", "-q", "-c", "2", "-i", "0.2", "127.0.0.1");
        assertEquals(shape(Host.run("ping", "-q", "-c", "2", "-i", "0.2", "127.0.0.1").out()), shape(quiet.out()));

        Cli.Result stamped = Cli.run("ping", "-D", "-c", "1", "127.0.0.1");
        assertTrue(stamped.out().lines().anyMatch(l -> l.matches("\\[\\d+\\.\\d{6}] 64 bytes from 127\\.0\\.0\\.1: .*")),
                stamped::toString);

        // below 16 data bytes there is no room for a timestamp: no time= and no rtt line, as iputils
        Cli.Result small = Cli.run("ping", "-s", "8", "-c", "2", "-i", "0.2", "127.0.0.1");
        assertEquals(shape(Host.run("ping", "-s", "8", "-c", "2", "-i", "0.2", "127.0.0.1").out()), shape(small.out()));

        Cli.Result json = Cli.run("--json", "ping", "-c", "2", "-i", "0.2", "127.0.0.1");
        List<Map<?, ?>> objects = json.out().lines().<Map<?, ?>>map(l -> (Map<?, ?>) Json.parse(l)).toList();
        assertEquals(List.of("start", "reply", "reply", "summary"), objects.stream().map(o -> o.get("type")).toList());
        Map<?, ?> summary = objects.getLast();
        assertEquals(2L, summary.get("transmitted"));
        assertEquals(2L, summary.get("received"));
        assertEquals("raw", summary.get("socket_kind"));
        assertEquals(0L, summary.get("exit_code"));

        // -q drops the per-probe objects as it drops ping's per-reply lines
        Cli.Result quietJson = Cli.run("--json", "ping", "-q", "-c", "2", "-i", "0.2", "127.0.0.1");
        assertEquals(List.of("start", "summary"), quietJson.out().lines()
                .map(l -> ((Map<?, ?>) Json.parse(l)).get("type")).toList(), quietJson::toString);
    }

    @Test
    void badInputIsOneLineAndExitTwoLikeIputils() {
        Cli.Result unknown = Cli.run("ping", "-c", "1", "no-such-host.invalid");
        assertEquals(2, unknown.exitCode(), unknown::toString);
        assertEquals(Host.run("ping", "-c", "1", "no-such-host.invalid").exitCode(), unknown.exitCode());
        assertTrue(unknown.err().startsWith("netdiag ping: no-such-host.invalid: Name or service not known"), unknown::toString);

        Cli.Result pmtu = Cli.run("ping", "-M", "sometimes", "127.0.0.1");
        assertEquals(2, pmtu.exitCode());
        assertTrue(pmtu.err().contains("invalid -M argument: sometimes"), pmtu::toString);

        // iputils words after the option's name, netdiag's exit code for bad input (iputils itself exits 1 here; see the man page)
        Cli.Result ttl = Cli.run("ping", "-t", "300", "127.0.0.1");
        assertEquals(2, ttl.exitCode());
        assertEquals("netdiag ping: -t TTL: invalid argument: '300': out of range: 0 <= value <= 255",
                ttl.err().lines().findFirst().orElseThrow());
    }

    @Test
    void numericTargetsInInetAtonFormsGoWhereIputilsSendsThem() {
        Host.requireRoot("raw ICMP sockets need root here (ping_group_range is closed)");
        Host.require("ping");
        // octal 0177 is 127, so both ping 127.0.0.1; the JDK alone would read 177.0.0.1 (and 010.0.0.1 as 10.0.0.1)
        // and 0.0.0.0 (ping 0) goes to the source address the kernel picks for it, 127.0.0.1, also in the header
        for (String target : List.of("0177.0.0.1", "0x7f000001", "0x7f.1", "127.1", "0", "0.0.0.0")) {
            Cli.Result ours = Cli.run("ping", "-c", "1", target);
            Host.Run theirs = Host.run("ping", "-c", "1", target);
            assertEquals(0, theirs.exitCode(), theirs::toString);
            assertEquals(theirs.exitCode(), ours.exitCode(), ours::toString);
            assertEquals(theirs.out().lines().findFirst().orElseThrow(), ours.out().lines().findFirst().orElseThrow());
            assertEquals(shape(theirs.out()), shape(ours.out()), theirs + "\nvs\n" + ours);
        }
    }

    @Test
    void ttlZeroIsRefusedForIpv4AsIputilsRefusesItAndTakenForIpv6() {
        Host.requireRoot("raw ICMP sockets need root here (ping_group_range is closed)");
        Host.require("ping");
        // IPv4 refuses IP_TTL 0 (EINVAL): iputils "ping: cannot set unicast time-to-live: Invalid argument", exit 2
        Host.Run theirs = Host.run("ping", "-c", "1", "-t", "0", "127.0.0.1");
        Cli.Result ours = Cli.run("ping", "-c", "1", "-t", "0", "127.0.0.1");
        assertEquals(2, theirs.exitCode(), theirs::toString);
        assertEquals(theirs.exitCode(), ours.exitCode(), ours::toString);
        assertTrue(theirs.err().contains("cannot set unicast time-to-live: Invalid argument"), theirs::toString);
        assertEquals(List.of("netdiag ping: cannot set unicast time-to-live: Invalid argument (-t 0)",
                "try: use a TTL of 1-255 for IPv4"), ours.err().lines().toList());
        Cli.Result several = Cli.run("ping", "-c", "1", "-t", "0", "127.0.0.1", "127.0.0.2");
        assertEquals(2, several.exitCode(), several::toString);
        // IPv6 takes a hop limit of 0 on the socket, and loopback still answers: both exit 0
        Host.Run theirs6 = Host.run("ping", "-6", "-c", "1", "-t", "0", "::1");
        Cli.Result ours6 = Cli.run("ping", "-6", "-c", "1", "-t", "0", "::1");
        assertEquals(theirs6.exitCode(), ours6.exitCode(), theirs6 + "\nvs\n" + ours6);
        assertEquals(0, ours6.exitCode(), ours6::toString);
    }

    @Test
    void ttlOneToLoopbackStillAnswersAndDeadlineStopsAnEndlessRun() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Cli.Result r = Cli.run("ping", "-t", "1", "-w", "1", "-i", "0.3", "127.0.0.1");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("received, 0% packet loss"), r::toString);
    }

    @Test
    void floodPrintsDotsAndBackspacesAndTheIpgLine() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Cli.Result ours = Cli.run("ping", "-f", "-c", "100", "127.0.0.1");
        Host.Run theirs = Host.run("ping", "-f", "-c", "100", "127.0.0.1");
        assertEquals(0, ours.exitCode(), ours::toString);
        String flood = ours.out().lines().skip(1).findFirst().orElseThrow();
        assertEquals(100, flood.chars().filter(c -> c == '.').count(), "one dot per probe");
        assertEquals(100, flood.chars().filter(c -> c == '\b').count() / 2, "one backspace pair per reply");
        String ipg = "rtt min/avg/max/mdev = [0-9./]+ ms(, pipe \\d+)?, ipg/ewma \\d+\\.\\d{3}/\\d+\\.\\d{3} ms";
        assertTrue(ours.out().lines().anyMatch(l -> l.matches(ipg)), ours::toString);
        assertTrue(theirs.out().lines().anyMatch(l -> l.matches(ipg)), theirs::toString);
        assertTrue(ours.out().contains("100 packets transmitted, 100 received, 0% packet loss"), ours::toString);
    }
}
