package io.netdiag.explain;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierTest {
    private final Classifier classifier = Classifier.standard();

    private Explanation first(String query, Numbering os) {
        Lookup lookup = classifier.lookup(query, os);
        assertTrue(lookup.found(), "no match for " + query + "; nearest " + lookup.nearest());
        return lookup.matches().getFirst().explanation();
    }

    @Test
    void numbersCollideAcrossOsesAndTheOtherReadingsAreOffered() {
        Lookup linux = classifier.lookup("35", Numbering.LINUX);
        assertEquals("EDEADLK", linux.matches().getFirst().explanation().symbol());
        assertTrue(linux.matches().getFirst().note().contains("Linux numbering"));
        assertTrue(linux.alternatives().stream().anyMatch(m -> m.explanation().symbol().equals("EAGAIN")
                && m.note().contains("macOS")), linux.alternatives().toString());

        Lookup mac = classifier.lookup("35", Numbering.MACOS);
        assertEquals("EAGAIN", mac.matches().getFirst().explanation().symbol());
        assertEquals("Resource temporarily unavailable", mac.matches().getFirst().explanation().message());
        assertTrue(mac.alternatives().stream().anyMatch(m -> m.explanation().symbol().equals("EDEADLK")));

        assertEquals("ECONNRESET", first("54", Numbering.MACOS).symbol());
        assertEquals("EXFULL", first("54", Numbering.LINUX).symbol());
    }

    @Test
    void macosMessagesAreXnus() {
        assertEquals("Can't assign requested address", first("EADDRNOTAVAIL", Numbering.MACOS).message());
        assertEquals("Cannot assign requested address", first("EADDRNOTAVAIL", Numbering.LINUX).message());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EWOULDBLOCK|EAGAIN", "ewouldblock|EAGAIN", "EDEADLOCK|EDEADLK", "econnreset|ECONNRESET",
            "10054|WSAECONNRESET", "WSAECONNABORTED|WSAECONNABORTED", "wsaeconnrefused|WSAECONNREFUSED",
            "EAI_NONAME|EAI_NONAME", "-2|EAI_NONAME", "eai 8|EAI_NONAME", "eai -3|EAI_AGAIN", "11001|WSAHOST_NOT_FOUND",
            "HOST_NOT_FOUND|HOST_NOT_FOUND", "h_errno 2|TRY_AGAIN",
            "icmp 3/3|ICMP 3/3", "ICMP 11/0|ICMP 11/0", "icmp6 1/4|ICMPv6 1/4", "icmpv6 2 0|ICMPv6 2/0",
            "java.net.ConnectException: Connection refused|ECONNREFUSED",
            "SocketTimeoutException: Read timed out|READ_TIMEOUT",
            "java.net.SocketTimeoutException: Connect timed out|CONNECT_TIMEOUT",
            "java.net.SocketTimeoutException: connect timed out|CONNECT_TIMEOUT",
            "java.net.UnknownHostException: foo: Name or service not known|EAI_NONAME",
            "java.net.UnknownHostException: foo|EAI_NONAME",
            "java.nio.channels.ClosedChannelException|SOCKET_CLOSED",
            "java.net.PortUnreachableException|ECONNREFUSED",
            "java.net.NoRouteToHostException: No route to host|EHOSTUNREACH",
            "java.net.BindException: Address already in use|EADDRINUSE",
            "java.net.SocketException: Broken pipe|EPIPE",
            "java.net.SocketException: Connection reset|ECONNRESET",
            "java.io.EOFException|EOF",
            "ConnectionResetError: [Errno 104] Connection reset by peer|ECONNRESET",
            "ConnectionResetError: [Errno 54] Connection reset by peer|ECONNRESET",
            "BrokenPipeError: [Errno 32] Broken pipe|EPIPE",
            "BrokenPipeError|EPIPE",
            "ConnectionRefusedError: [Errno 111] Connection refused|ECONNREFUSED",
            "socket.gaierror: [Errno -2] Name or service not known|EAI_NONAME",
            "socket.gaierror: [Errno 8] nodename nor servname provided, or not known|EAI_NONAME",
            "socket.gaierror: [Errno -3] Temporary failure in name resolution|EAI_AGAIN",
            "socket.gaierror: [Errno 11001] getaddrinfo failed|WSAHOST_NOT_FOUND",
            "TimeoutError: [Errno 110] Connection timed out|ETIMEDOUT",
            "TimeoutError: timed out|READ_TIMEOUT",
            "socket.timeout: timed out|READ_TIMEOUT",
            "BlockingIOError: [Errno 11] Resource temporarily unavailable|EAGAIN",
            "ConnectionResetError: [WinError 10054] An existing connection was forcibly closed by the remote host|WSAECONNRESET",
            "read ECONNRESET|ECONNRESET",
            "Error: connect ECONNREFUSED 127.0.0.1:1|ECONNREFUSED",
            "Error: getaddrinfo ENOTFOUND example.invalid|EAI_NONAME",
            "Error: listen EADDRINUSE: address already in use 127.0.0.1:8080|EADDRINUSE",
            "dial tcp 127.0.0.1:1: connect: connection refused|ECONNREFUSED",
            "read tcp 10.0.0.1:5000->10.0.0.2:80: read: connection reset by peer|ECONNRESET",
            "write tcp 127.0.0.1:1->127.0.0.1:2: write: broken pipe|EPIPE",
            "dial tcp: lookup foo.invalid on 127.0.0.53:53: no such host|EAI_NONAME",
            "read tcp 127.0.0.1:1->127.0.0.1:2: i/o timeout|READ_TIMEOUT",
            "Broken pipe|EPIPE",
            "Connection reset|ECONNRESET",
            "Destination unreachable (Port unreachable)|ICMP 3/3",
            "1 0.000000 10.0.0.2 → 10.0.0.1 ICMP 70 Destination unreachable (Host administratively prohibited)|ICMP 3/10",
            "Destination Unreachable (Port unreachable) ICMPv6|ICMPv6 1/4",
            "Time-to-live exceeded (Time to live exceeded in transit)|ICMP 11/0",
            "From 10.88.0.2 icmp_seq=1 Packet filtered|ICMP 3/13",
            "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable|ICMP 3/1",
            "Frag needed and DF set (mtu = 1400)|ICMP 3/4",
            "org.pcap4j.core.PcapNativeException: socket: Operation not permitted|CAPTURE_PERMISSION",
            "thread 'main' panicked: Connection refused (os error 111)|ECONNREFUSED",
            "tcpdump: lo: You don't have permission to capture on that device|CAPTURE_PERMISSION",
            "ping: socket: Operation not permitted|EPERM",
    })
    void inputFormsAreRecognised(String query, String symbol) {
        assertEquals(symbol, first(query, Numbering.LINUX).symbol(), query);
    }

    @Test
    void unknownInputOffersTheNearestNames() {
        Lookup lookup = classifier.lookup("ECONRESET", Numbering.LINUX);
        assertFalse(lookup.found());
        assertEquals("ECONNRESET", lookup.nearest().getFirst());
        Lookup text = classifier.lookup("the connection went away somehow", Numbering.LINUX);
        assertFalse(text.found());
        assertFalse(text.nearest().isEmpty());
    }

    @Test
    void windowsNumbersAreWinsockCodes() {
        assertEquals("WSAECONNRESET", first("10054", Numbering.WINDOWS).symbol());
        assertEquals("WSAEWOULDBLOCK", classifier.classifyErrno(10035, Platform.WINDOWS).orElseThrow().symbol());
        Lookup eai = classifier.lookup("11001", Numbering.WINDOWS);
        assertTrue(eai.alternatives().stream().anyMatch(m -> m.explanation().symbol().equals("EAI_NONAME")));
        // 104 is no Winsock code: the POSIX readings are offered, and say so.
        Lookup posix = classifier.lookup("104", Numbering.WINDOWS);
        assertEquals("ECONNRESET", posix.matches().getFirst().explanation().symbol());
        assertTrue(posix.matches().getFirst().note().contains("Linux"));
    }

    @Test
    void classifyByNumberNeverReturnsNull() {
        assertEquals("ECONNREFUSED", classifier.classify(111, Platform.LINUX).symbol());
        assertEquals("ECONNREFUSED", classifier.classify(61, Platform.MACOS).symbol());
        assertEquals(Category.OTHER, classifier.classify(4242, Platform.LINUX).category());
    }

    @Test
    void icmpClassificationForThePingAndCaptureEngines() {
        Explanation port = classifier.classifyIcmp(4, 3, 3).orElseThrow();
        assertEquals(Category.REFUSED, port.category());
        assertEquals("Destination unreachable (Port unreachable)", port.message());
        assertTrue(port.explanation().contains("ECONNREFUSED"));
        assertEquals(Category.PERMISSION, classifier.classifyIcmp(4, 3, 13).orElseThrow().category());
        assertEquals(Category.UNREACHABLE, classifier.classifyIcmp(4, 11, 0).orElseThrow().category());
        assertEquals(Category.PERMISSION, classifier.classifyIcmp(6, 1, 1).orElseThrow().category());
        assertEquals(Category.LOCAL_CONFIG, classifier.classifyIcmp(6, 2, 0).orElseThrow().category());
        assertTrue(classifier.classifyIcmp(4, 3, 99).isEmpty());
    }

    @Test
    void operationSpecificHints() {
        Explanation ping = classifier.classify(new ErrnoException("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)", 13));
        assertTrue(ping.hint().startsWith("sysctl -w net.ipv4.ping_group_range"), ping.hint());
        Explanation raw = classifier.classify(new ErrnoException("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)", 1));
        assertTrue(raw.hint().contains("CAP_NET_RAW"), raw.hint());
        assertTrue(raw.nextSteps().stream().anyMatch(s -> s.startsWith("netdiag ping --tcp")), raw.nextSteps().toString());
        Explanation inUse = classifier.classify(new ErrnoException("bind(127.0.0.1:8080)", 98));
        assertEquals("netdiag sockets -l --port 8080 (who holds the port, with the owning process)", inUse.hint());
        Explanation refused = classifier.classify(new ErrnoException("connect(10.0.0.2:5432)", 111));
        assertEquals("netdiag sockets -l --port 5432 (on the server: is anything listening, and on which address)",
                refused.hint());
        assertTrue(refused.nextSteps().contains("netdiag ping --tcp 5432 10.0.0.2 (refused again, or open now?)"));
        Explanation low = classifier.classify(new ErrnoException("bind(0.0.0.0:80)", 13));
        assertTrue(low.hint().contains("above 1023"), low.hint());
    }

    @Test
    void capturePermissionFromPcap4jIsExplainedWithTheCapabilities() {
        class PcapNativeException extends Exception {
            PcapNativeException(String message) {
                super(message);
            }
        }
        Explanation why = classifier.classify(new RuntimeException("open failed",
                new PcapNativeException("socket: Operation not permitted")));
        assertEquals("CAPTURE_PERMISSION", why.symbol());
        assertEquals(Category.PERMISSION, why.category());
        assertTrue(why.hint().contains("CAP_NET_RAW"), why.hint());
    }

    @Test
    void summaryIsOneReadableLine() {
        for (Classifier.Entry entry : classifier.list(null, null)) {
            String summary = entry.explanation().summary();
            assertFalse(summary.contains("\n"), summary);
            assertTrue(summary.length() < 400, summary);
        }
        assertEquals("ECONNREFUSED (Connection refused) [refused]: the destination host answered, but nothing accepts "
                + "connections on that port: its kernel replied to the SYN with RST (TCP), or with ICMP port unreachable (UDP)",
                classifier.classify(111, Platform.LINUX).summary());
    }

    @Test
    void logScanFindsEachDistinctErrorWithItsLines() {
        List<String> log = List.of(
                "2026-11-25 08:00:01 INFO starting",
                "Exception in thread \"main\" java.net.ConnectException: Connection refused",
                "\tat java.base/sun.nio.ch.Net.connect0(Native Method)",
                "\tat java.base/sun.nio.ch.Net.connect(Net.java:589)",
                "Caused by: java.net.SocketException: Connection reset",
                "retrying: ConnectionRefusedError: [Errno 111] Connection refused",
                "Error: getaddrinfo ENOTFOUND db.internal");
        List<Finding> findings = classifier.scan(log, Numbering.LINUX);
        assertEquals(List.of("ECONNREFUSED", "ECONNRESET", "EAI_NONAME"),
                findings.stream().map(f -> f.explanation().symbol()).toList());
        assertEquals(List.of(2, 6), findings.getFirst().lines());
        assertEquals(List.of(5), findings.get(1).lines());
    }

    @Test
    void searchNeedsEveryWordLikeErrnoS() {
        List<String> symbols = classifier.search(List.of("connection", "reset"), Numbering.LINUX).stream()
                .map(e -> e.explanation().symbol()).toList();
        assertTrue(symbols.contains("ECONNRESET"), symbols.toString());
        assertFalse(symbols.contains("ECONNREFUSED"));
        assertTrue(classifier.search(List.of("reset"), Numbering.LINUX).stream()
                .anyMatch(e -> e.explanation().symbol().equals("ENETRESET")));
    }

    @Test
    void listFiltersByOsAndCategory() {
        var peerGone = classifier.list(Numbering.LINUX, Category.PEER_GONE).stream().map(e -> e.explanation().symbol()).toList();
        assertTrue(peerGone.containsAll(List.of("ECONNRESET", "EPIPE", "ECONNABORTED", "ESHUTDOWN", "ENETRESET")), peerGone.toString());
        assertTrue(classifier.list(Numbering.WINDOWS, null).stream().anyMatch(e -> e.explanation().symbol().equals("WSAEDISCON")));
        assertTrue(classifier.list(Numbering.LINUX, null).stream().noneMatch(e -> e.explanation().symbol().equals("EPROCLIM")));
        assertTrue(classifier.list(Numbering.MACOS, null).stream().anyMatch(e -> e.explanation().symbol().equals("EPROCLIM")
                && e.number() == 67));
    }

    @Test
    void anExplanationWrittenByTheSharedJsonWriterUsesTheCategoryId() {
        String json = io.netdiag.output.Json.compact(classifier.classify(new java.net.UnknownHostException("x.invalid")));
        assertTrue(json.contains("\"category\":\"name-resolution\""), json);
        assertTrue(json.contains("\"numbers\":{\"linux\":-2,\"macos\":8,\"windows\":11001}"), json);
    }

    @Test
    void pingsOwnPermissionErrorGetsTheRawSocketAdvice() {
        Explanation why = classifier.lookup("ping: socket: Operation not permitted", Numbering.LINUX).matches().getFirst().explanation();
        assertTrue(why.hint().contains("CAP_NET_RAW"), why.hint());
    }
}
