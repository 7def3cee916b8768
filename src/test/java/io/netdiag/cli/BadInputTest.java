package io.netdiag.cli;

import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad invocations issue 12's generated sweep found, one by one: each is refused in one line that names
 * the option and what it accepts, exit 2; none is an internal error, a stack trace, a hang or a silent exit 0.
 */
class BadInputTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // numbers beyond a long were internal errors (NumberFormatException)
            "fill --chunk 99999999999999999999          | --chunk BYTES: invalid argument: '99999999999999999999': out of range: 1 <= value <= 2147483647 bytes",
            "fill --sndbuf 99999999999999999999         | --sndbuf BYTES: invalid argument: '99999999999999999999': out of range",
            "fill --rcvbuf 99999999999999999999         | --rcvbuf BYTES: invalid argument: '99999999999999999999': out of range",
            "fill --bytes 99999999999999999999          | --bytes BYTES: invalid argument: '99999999999999999999': out of range",
            "fill --bytes 9223372036854775807k          | --bytes BYTES: invalid argument: '9223372036854775807k': out of range",
            "capture -i lo -a duration:99999999999999999999 | -a/--autostop duration:SECONDS: invalid argument: 'duration:99999999999999999999': out of range: expected duration:N with 1 <= N <= 2147483647",
            "capture -i 99999999999999999999 -c 1       | no interface number 99999999999999999999",
            // hangs: a sleep of 2^63 ms, a time-out of 0 that blocks forever, a hold that overflowed
            "sockets --diagnose --interval 9223372036854775808 | --interval SECONDS: invalid argument: '9223372036854775808': out of range: 0 <= value <= 2147483.647 seconds",
            "sockets --diagnose --interval 1e309        | --interval SECONDS: invalid argument: '1e309': out of range",
            "sockets --diagnose --interval -1           | --interval SECONDS: invalid argument: '-1': out of range",
            "fill --blocking --timeout 0                | --timeout DURATION: invalid argument: '0': out of range: 1ms <= value <= 2147483.647s",
            "fill --blocking --timeout 0.5ms            | --timeout DURATION: invalid argument: '0.5ms': out of range",
            "fill --hold 9223372037                     | --hold DURATION: invalid argument: '9223372037': out of range",
            // accepted with exit 0 where tcpdump refuses
            "capture -i lo -c 0                         | -c/--count COUNT: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807",
            "capture -i lo -B 0                         | -B/--buffer-size KIB: invalid argument: '0': out of range: 1 <= value <= 2097151",
            "capture -i lo -w /dev/null -C 0            | -C MB: invalid argument: '0': out of range: 1 <= value <= 9223372036854",
            "capture -i lo -w /dev/null -W 0            | -W N: invalid argument: '0': out of range: 1 <= value <= 2147483647",
            "capture -i lo -s -1                        | -s/--snapshot-length SNAPLEN: invalid argument: '-1': out of range: 0 <= value <= 262144",
            "sockets --watch -1                         | --watch SECONDS: invalid argument: '-1': out of range: 0.1 <= value <= 2147483.647 seconds",
            "sockets --watch NaN                        | --watch SECONDS: invalid argument: 'NaN': not a number of seconds",
            "sockets --watch 1e309                      | --watch SECONDS: invalid argument: '1e309': out of range",
            "sockets --watch 1 --count 0                | --count N: invalid argument: '0': out of range: 1 <= value <= 2147483647",
            "sockets --watch 1 --count -1               | --count N: invalid argument: '-1': out of range",
            "ping -c 1 -i NaN 127.0.0.1                 | -i INTERVAL: invalid argument: 'NaN': not a number of seconds",
            "trace -c 0 127.0.0.1                       | -c/--report-cycles COUNT: invalid argument: '0': out of range",
    })
    void refusedInOneLineNamingTheOptionWithExitTwo(String line, String words) {
        String[] args = line.strip().split("\\s+");
        Cli.Result r = Cli.run(args);
        assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r::toString);
        assertTrue(lines.getFirst().startsWith("netdiag " + args[0] + ": " + words.strip()), r::toString);
        assertEquals("", r.out());
    }

    @ParameterizedTest(name = "tcpdump refuses {0} too")
    @CsvSource({"-c 0", "-B 0", "-C 0", "-W 0", "-s -1", "-c 99999999999999999999"})
    void tcpdumpRefusesWhatCaptureRefuses(String option) {
        Host.require("tcpdump");
        List<String> words = List.of(option.split(" "));
        List<String> tcpdump = new java.util.ArrayList<>(List.of("tcpdump", "-i", "lo", "-w", "/dev/null"));
        tcpdump.addAll(words);
        Host.Run theirs = Host.run(tcpdump, 10);
        assertNotEquals(0, theirs.exitCode(), theirs::toString);
        assertTrue(theirs.err().startsWith("tcpdump: invalid "), theirs::toString);
        List<String> ours = new java.util.ArrayList<>(List.of("capture", "-i", "lo", "-w", "/dev/null"));
        ours.addAll(words);
        Cli.Result r = Cli.run(ours.toArray(String[]::new));
        assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertTrue(r.err().contains("invalid argument: '" + words.get(1) + "'"), r::toString);
    }

    @Test
    void anEmptyInterfaceNameIsBadInput() {
        Cli.Result r = Cli.run("capture", "-i", "", "-c", "1");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
        assertEquals("netdiag capture: -i/--interface IFACE: invalid argument: '': empty: expected an interface name or number\n",
                r.err());
    }

    @Test
    void aUnixPathLongerThanSunPathIsBadInput() throws Exception {
        Path dir = Files.createTempDirectory("netdiag-hin");
        try {
            String path = dir.resolve("s".repeat(120)).toString();
            Cli.Result r = Cli.run("fill", "--unix", path);
            assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.err().contains("--unix PATH: invalid argument: '" + path.substring(0, 40) + "...("
                    + path.length() + " characters)': too long: at most 107 bytes"), r::toString);
            // a path of exactly 107 bytes still works
            String longest = dir.resolve("s".repeat(107 - dir.toString().length() - 1)).toString();
            assertEquals(107, longest.length());
            Cli.Result ok = Cli.run("fill", "--unix", longest, "--sndbuf", "4k", "--rcvbuf", "4k");
            assertTrue(ok.exitCode() == 0 || ok.exitCode() == 1, ok::toString);
            assertFalse(ok.err().contains("internal error"), ok::toString);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void aFilterNested5000DeepIsOneLine() {
        Cli.Result r = Cli.run("sockets", "(".repeat(5000) + "sport = :1" + ")".repeat(5000));
        assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
        assertEquals("netdiag sockets: filter nested deeper than 100 levels of parentheses and nots\n", r.err());
        Cli.Result nots = Cli.run("sockets", "not ".repeat(5000) + "sport = :1");
        assertEquals(ExitCodes.USAGE, nots.exitCode(), nots::toString);
        Cli.Result chain = Cli.run("sockets", String.join(" or ", java.util.Collections.nCopies(5000, "sport = :1")));
        assertEquals(ExitCodes.USAGE, chain.exitCode(), chain::toString);
        assertEquals("netdiag sockets: filter has more than 1000 conditions\n", chain.err());
        // 100 levels still parse
        Cli.Result deep = Cli.run("sockets", "-t", "(".repeat(100) + "sport = :1" + ")".repeat(100));
        assertEquals(0, deep.exitCode(), deep::toString);
    }

    @Test
    void numbersBeyondAnyErrnoAreNoMatchNotACrash() {
        for (String text : List.of("9223372036854775808", "errno 99999999999", "[Errno 99999999999] x", "(os error 99999999999)")) {
            Cli.Result r = Cli.run("explain", text);
            assertEquals(ExitCodes.NEGATIVE, r.exitCode(), r::toString);
            assertTrue(r.err().startsWith("netdiag explain: no match for"), r::toString);
        }
    }

    @Test
    void anEmptySearchIsAUsageError() {
        Cli.Result r = Cli.run("explain", "-s", "");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
        assertEquals("netdiag explain: --search needs one or more words, not ''\n", r.err());
    }

    @Test
    void anEmptyHostIsNameOrServiceNotKnownAsIputilsSays() {
        Host.require("ping");
        Host.Run theirs = Host.run("ping", "-c", "1", "");
        Cli.Result ours = Cli.run("ping", "-c", "1", "");
        assertEquals(2, theirs.exitCode(), theirs::toString);
        assertEquals(theirs.exitCode(), ours.exitCode(), ours::toString);
        assertEquals("ping: : Name or service not known", theirs.err().strip());
        assertEquals("netdiag ping: : Name or service not known\n", ours.err());
        Cli.Result trace = Cli.run("trace", "-c", "1", "");
        assertEquals(ExitCodes.USAGE, trace.exitCode(), trace::toString);
        assertEquals("netdiag trace: : Name or service not known\n", trace.err());
    }

    @Test
    void aProbeLargerThanAnyDatagramIsSentAndRefusedByTheKernelAsWithIputils() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Host.require("ping");
        for (String target : List.of("127.0.0.1", "::1")) {
            Host.Run theirs = Host.run("ping", "-c", "1", "-s", "70000", target);
            Cli.Result ours = Cli.run("ping", "-c", "1", "-s", "70000", target);
            assertEquals(1, theirs.exitCode(), theirs::toString);
            assertEquals(theirs.exitCode(), ours.exitCode(), ours::toString);
            assertEquals(statistics(theirs.out()), statistics(ours.out()), ours::toString);
            assertTrue(ours.out().startsWith("PING "), ours::toString);
            assertFalse(ours.err().contains("internal error"), ours::toString);
            assertTrue(ours.out().contains("EMSGSIZE"), ours::toString); // the why line names the kernel's refusal
        }
    }

    /** "1 packets transmitted, 0 received, ..." without the time, which differs from run to run. */
    private static String statistics(String out) {
        return out.lines().filter(l -> l.contains("packets transmitted")).findFirst().orElse("none")
                .replaceAll(", time \\d+ms", "");
    }

    @Test
    void controlCharactersInAQuotedValueStayOnOneLine() {
        Cli.Result r = Cli.run("explain", "--os", "linux\n\u001b[2Jmacos", "ECONNRESET");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertTrue(r.err().contains("linux\\x0a\\x1b[2Jmacos"), r::toString);
    }
}
