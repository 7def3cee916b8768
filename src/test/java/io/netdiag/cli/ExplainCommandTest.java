package io.netdiag.cli;

import io.netdiag.output.Json;
import io.netdiag.testing.Cli;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netdiag explain} as a user sees it: exact text, exit codes, JSON. */
class ExplainCommandTest {
    @Test
    void codesAreNumbersOrCapitalNamesAsTheRegexSaid() {
        java.util.regex.Pattern code = java.util.regex.Pattern.compile("-?\\d+|[A-Z][A-Z0-9_]{2,}");
        for (String w : new String[] {"111", "-2", "-", "", "EAGAIN", "EAI_NONAME", "E2BIG", "AB", "Eagain", "icmp",
                "3/3", "WSAECONNRESET", "_X", "ABC-", "12a", "--1"}) {
            org.junit.jupiter.api.Assertions.assertEquals(code.matcher(w).matches(), ExplainCommand.looksLikeCode(w), w);
        }
    }

    @Test
    void aMacosNumberPrintsTheBlockAndTheLinuxReading() {
        Cli.Result r = Cli.run("explain", "--os", "macos", "35");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("""
                EAGAIN (Resource temporarily unavailable)
                  errno 11 on Linux, 35 on macOS
                  also named: EWOULDBLOCK (the same number)
                  category: would-block (the operation would block; retry when the socket is ready)
                  retry can help: yes
                  read as: errno 35 in macOS numbering

                  The socket is non-blocking (or has a timeout) and the operation cannot complete now: nothing to
                """), r::toString);
        assertTrue(r.out().endsWith("""

                Other readings:
                  EDEADLK (Resource deadlock avoided): errno 35 in Linux numbering (--os linux) [other]
                """), r::toString);
        assertEquals("", r.err());
    }

    @Test
    void searchPrintsLikeErrnoS() {
        Cli.Result r = Cli.run("explain", "--os", "linux", "-s", "connection", "reset");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("""
                ENETRESET   102  Network dropped connection on reset
                ECONNRESET  104  Connection reset by peer
                """, r.out());
    }

    @Test
    void listFiltersByOsAndCategory() {
        Cli.Result r = Cli.run("explain", "-l", "--os", "linux", "--category", "refused");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("""
                SYMBOL                 NUMBER  CATEGORY  MESSAGE
                ECONNREFUSED              111  refused   Connection refused
                ICMP 3/3                  3/3  refused   Destination unreachable (Port unreachable)
                ICMPv6 1/4                1/4  refused   Destination Unreachable (Port unreachable)
                CURLE_COULDNT_CONNECT  curl 7  refused   Could not connect to server
                """, r.out());
    }

    @Test
    void unknownInputSaysNoMatchWithTheNearestNamesAndExitsOne() {
        Cli.Result r = Cli.run("explain", "ECONRESET");
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.out());
        assertEquals("""
                netdiag explain: no match for "ECONRESET"
                netdiag explain: nearest: ECONNRESET, ENETRESET
                """, r.err());
    }

    @Test
    void severalArgumentsAreExplainedInTurnAndOneMissExitsOne() {
        Cli.Result r = Cli.run("explain", "--os", "linux", "EPIPE", "WSAECONNABORTED", "ECONNRESETT");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("EPIPE (Broken pipe)\n"), r::toString);
        assertTrue(r.out().contains("\nWSAECONNABORTED (Software caused connection abort)\n  Winsock 10053; errno 103 on Linux, 53 on macOS\n"),
                r::toString);
        assertTrue(r.err().startsWith("netdiag explain: no match for \"ECONNRESETT\"\n"), r::toString);
    }

    @Test
    void unquotedTextIsReadAsOneText() {
        Cli.Result r = Cli.run("explain", "icmp", "3/3");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("ICMP 3/3 Destination unreachable (Port unreachable)\n  ICMP type 3 code 3\n"), r::toString);
        Cli.Result node = Cli.run("explain", "read", "ECONNRESET");
        assertEquals(0, node.exitCode(), node::toString);
        assertTrue(node.out().startsWith("ECONNRESET (Connection reset by peer)\n"), node::toString);
    }

    @Test
    void jsonIsOneDocumentWithTheStableFields() {
        Cli.Result r = Cli.run("--json", "explain", "--os", "linux", "ECONNRESET", "-2");
        assertEquals(0, r.exitCode(), r::toString);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(r.out());
        assertEquals("linux", doc.get("os"));
        List<?> results = (List<?>) doc.get("results");
        assertEquals(2, results.size());
        Map<?, ?> first = (Map<?, ?>) results.getFirst();
        assertEquals("ECONNRESET", first.get("query"));
        assertEquals(true, first.get("found"));
        Map<?, ?> match = (Map<?, ?>) ((List<?>) first.get("matches")).getFirst();
        assertEquals("ECONNRESET", match.get("symbol"));
        assertEquals("errno", match.get("kind"));
        assertEquals("peer-gone", match.get("category"));
        assertEquals(true, match.get("retryable"));
        assertEquals("Connection reset by peer", match.get("message"));
        Map<?, ?> numbers = (Map<?, ?>) match.get("numbers");
        assertEquals(104, ((Number) numbers.get("linux")).intValue());
        assertEquals(54, ((Number) numbers.get("macos")).intValue());
        assertEquals(10054, ((Number) numbers.get("windows")).intValue());
        assertFalse(((List<?>) match.get("next_steps")).isEmpty());
        Map<?, ?> eai = (Map<?, ?>) ((List<?>) ((Map<?, ?>) results.get(1)).get("matches")).getFirst();
        assertEquals("EAI_NONAME", eai.get("symbol"));
        assertEquals("name-resolution", eai.get("category"));
    }

    @Test
    void jsonForAMissKeepsTheNearestNames() {
        Cli.Result r = Cli.run("--json", "explain", "EADDRINUS");
        assertEquals(1, r.exitCode(), r::toString);
        Map<?, ?> result = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(r.out())).get("results")).getFirst();
        assertEquals(false, result.get("found"));
        assertEquals("EADDRINUSE", ((List<?>) result.get("nearest")).getFirst());
    }

    @Test
    void stdinExplainsEachDistinctErrorWithItsLines() {
        String log = String.join("\n",
                "INFO starting",
                "Exception in thread \"main\" java.net.ConnectException: Connection refused",
                "\tat java.base/sun.nio.ch.Net.connect0(Native Method)",
                "Caused by: java.net.SocketException: Connection reset",
                "retrying: ConnectionRefusedError: [Errno 111] Connection refused") + "\n";
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)));
            Cli.Result r = Cli.run("explain", "--os", "linux", "-");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("""
                    lines 2, 5: ECONNREFUSED (Connection refused) [refused]: the destination host answered, but nothing \
                    accepts connections on that port: its kernel replied to the SYN with RST (TCP), or with ICMP port \
                    unreachable (UDP)
                      > Exception in thread "main" java.net.ConnectException: Connection refused
                      try: netdiag sockets -l --port PORT (on the server: is anything listening, and on which address)

                    line 4: ECONNRESET (Connection reset by peer) [peer-gone]: the peer's kernel answered with a TCP \
                    RST: the connection no longer exists on the other side
                      > Caused by: java.net.SocketException: Connection reset
                      try: netdiag capture -f 'tcp port PORT and tcp[tcpflags] & tcp-rst != 0' (who sent the RST, and \
                    after what)
                    """, r.out());

            System.setIn(new ByteArrayInputStream("all good\n".getBytes(StandardCharsets.UTF_8)));
            Cli.Result none = Cli.run("explain", "--stdin");
            assertEquals(1, none.exitCode(), none::toString);
            assertEquals("netdiag explain: no errors found in the input\n", none.err());
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void badOsOrCategoryIsAUsageError() {
        Cli.Result os = Cli.run("explain", "--os", "plan9", "1");
        assertEquals(2, os.exitCode(), os::toString);
        assertEquals("netdiag explain: unknown OS: plan9 (expected linux, macos or windows)\n", os.err());
        Cli.Result category = Cli.run("explain", "-l", "--category", "gone");
        assertEquals(2, category.exitCode(), category::toString);
        assertEquals("netdiag explain: unknown category: gone\n", category.err());
        Cli.Result nothing = Cli.run("explain");
        assertEquals(2, nothing.exitCode(), nothing::toString);
    }

    @Test
    void failuresOfOtherCommandsCarryTheCaseSpecificHint() {
        List<String> ping = Failures.describe(new io.netdiag.os.ErrnoException("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)", 13));
        assertEquals("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): EACCES (Permission denied) [permission]: the kernel refused "
                + "an unprivileged ICMP (ping) socket: the process's group is outside net.ipv4.ping_group_range (\"1 0\", the "
                + "default on many systems, allows no group at all)", ping.get(0));
        assertEquals("try: sysctl -w net.ipv4.ping_group_range=\"0 2147483647\" (allows ping sockets for every group; persist "
                + "it in /etc/sysctl.d/)", ping.get(1));
        assertEquals(ExitCodes.UNSUPPORTED, Failures.exitCode(new io.netdiag.os.ErrnoException("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)", 1)));
        List<String> fill = Failures.describe(new io.netdiag.os.ErrnoException("bind(127.0.0.1:8080)", 98));
        assertEquals("try: netdiag sockets -l --port 8080 (who holds the port, with the owning process)", fill.get(1));
    }
}
