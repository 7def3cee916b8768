package io.netdiag.explain;

import io.netdiag.explain.Tables.EaiRow;
import io.netdiag.explain.Tables.ErrnoRow;
import io.netdiag.explain.Tables.IcmpRow;
import io.netdiag.explain.Tables.WinsockRow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds errors in free text: exception lines from Java and Python, Node and Go messages, tshark and ping
 * ICMP texts, {@code [Errno N]} and {@code [WinError N]} markers, errno symbols and the systems' own
 * messages. Each error found is reported once per line, at the position where it starts.
 */
final class ErrorText {
    // Compiled on first use, and each tried only when the line holds the text it needs (see find): a cold
    // JVM compiles and runs regexes interpreted, and most lines need none of them.
    private static final LazyPattern ICMP = new LazyPattern(
            "\\b(icmpv6|icmp6|icmpv4|icmp)\\s*(?:type\\s*)?(\\d{1,3})\\s*(?:/|\\s+code\\s*|\\s+)(\\d{1,3})\\b",
            Pattern.CASE_INSENSITIVE);
    private static final LazyPattern BRACKETED = new LazyPattern("\\[(Errno|WinError)\\s+(-?\\d{1,9})\\]\\s*([^\\]\\n]*)");
    private static final LazyPattern OS_ERROR = new LazyPattern("\\(os error (\\d{1,9})\\)");
    private static final LazyPattern SYMBOL = new LazyPattern(
            "\\b(E[A-Z0-9]{2,15}|WSA[A-Z_0-9]{3,30}|EAI_[A-Z_]+|HOST_NOT_FOUND|TRY_AGAIN|NO_RECOVERY|NO_DATA)\\b");
    private static final LazyPattern EXCEPTION = new LazyPattern(
            "\\b((?:[a-zA-Z_$][\\w$]*\\.)*)([A-Z][\\w$]*(?:Exception|Error)|timeout|gaierror|herror)\\b(?::\\s*(.*))?");

    /** Exception class names that mean one error when their message says nothing more. */
    private static final Map<String, String> EXCEPTIONS = Map.ofEntries(
            Map.entry("ConnectException", "ECONNREFUSED"),
            Map.entry("NoRouteToHostException", "EHOSTUNREACH"),
            Map.entry("PortUnreachableException", "ECONNREFUSED"),
            Map.entry("UnknownHostException", "EAI_NONAME"),
            Map.entry("BindException", "EADDRINUSE"),
            Map.entry("ClosedChannelException", "SOCKET_CLOSED"),
            Map.entry("AsynchronousCloseException", "SOCKET_CLOSED"),
            Map.entry("ClosedByInterruptException", "SOCKET_CLOSED"),
            Map.entry("EOFException", "EOF"),
            Map.entry("SocketTimeoutException", "READ_TIMEOUT"),
            Map.entry("InterruptedByTimeoutException", "READ_TIMEOUT"),
            Map.entry("HttpTimeoutException", "READ_TIMEOUT"),
            Map.entry("HttpConnectTimeoutException", "CONNECT_TIMEOUT"),
            Map.entry("ConnectTimeoutException", "CONNECT_TIMEOUT"),
            Map.entry("ConnectionResetError", "ECONNRESET"),
            Map.entry("BrokenPipeError", "EPIPE"),
            Map.entry("ConnectionRefusedError", "ECONNREFUSED"),
            Map.entry("ConnectionAbortedError", "ECONNABORTED"),
            Map.entry("BlockingIOError", "EAGAIN"),
            Map.entry("InterruptedError", "EINTR"),
            Map.entry("PermissionError", "EACCES"),
            Map.entry("TimeoutError", "READ_TIMEOUT"),
            Map.entry("timeout", "READ_TIMEOUT"),
            Map.entry("gaierror", "EAI_NONAME"),
            Map.entry("herror", "HOST_NOT_FOUND"));

    private ErrorText() {
    }

    /** Phrases that are not a system message but mean a known error (Java, Go, Node, ping, Windows texts). */
    private static Map<String, String> phrases() {
        Map<String, String> p = new LinkedHashMap<>();
        // Java's own texts (sun.nio.ch / java.net), beside the strerror texts the JDK passes through.
        p.put("Connection reset", "ECONNRESET");
        p.put("Read timed out", "READ_TIMEOUT");
        p.put("Connect timed out", "CONNECT_TIMEOUT");
        p.put("Socket closed", "SOCKET_CLOSED");
        p.put("Socket is closed", "SOCKET_CLOSED");
        p.put("Socket input is shutdown", "SOCKET_CLOSED");
        p.put("Socket output is shutdown", "ESHUTDOWN");
        // Go (net package)
        p.put("i/o timeout", "READ_TIMEOUT");
        p.put("no such host", "EAI_NONAME");
        p.put("server misbehaving", "EAI_FAIL");
        p.put("use of closed network connection", "SOCKET_CLOSED");
        // Python and asyncio
        p.put("timed out", "READ_TIMEOUT");
        p.put("getaddrinfo failed", "WSAHOST_NOT_FOUND");
        // Windows FormatMessage texts, as .NET and Python on Windows print them
        p.put("An existing connection was forcibly closed by the remote host", "WSAECONNRESET");
        p.put("No connection could be made because the target machine actively refused it", "WSAECONNREFUSED");
        p.put("A connection attempt failed because the connected party did not properly respond after a period of time",
                "WSAETIMEDOUT");
        p.put("An established connection was aborted by the software in your host machine", "WSAECONNABORTED");
        p.put("A socket operation was attempted to an unreachable host", "WSAEHOSTUNREACH");
        p.put("A socket operation was attempted to an unreachable network", "WSAENETUNREACH");
        p.put("Only one usage of each socket address (protocol/network address/port) is normally permitted",
                "WSAEADDRINUSE");
        p.put("No such host is known", "WSAHOST_NOT_FOUND");
        // iputils ping
        p.put("Destination Host Unreachable", "ICMP 3/1");
        p.put("Destination Net Unreachable", "ICMP 3/0");
        p.put("Destination Protocol Unreachable", "ICMP 3/2");
        p.put("Destination Port Unreachable", "ICMP 3/3");
        p.put("Frag needed and DF set", "ICMP 3/4");
        p.put("Source Route Failed", "ICMP 3/5");
        p.put("Destination Net Prohibited", "ICMP 3/9");
        p.put("Destination Host Prohibited", "ICMP 3/10");
        p.put("Packet filtered", "ICMP 3/13");
        p.put("Time to live exceeded", "ICMP 11/0");
        // libpcap without privilege
        p.put("socket: Operation not permitted", "CAPTURE_PERMISSION");
        p.put("You don't have permission to capture on that device", "CAPTURE_PERMISSION");
        return p;
    }

    /**
     * A phrase and what it stands for, longest first so that "Connection reset by peer" wins over "Connection reset".
     * {@code lower} is the text in lower case, as the lines are searched.
     */
    record Phrase(String text, String lower, String ref, Numbering numbering) {
    }

    private static final class PhraseHolder {
        // Built by buildPhrases() when TableDataTest generates TableData: sorting the ~260 phrases with a
        // comparator in a cold JVM cost ~10 ms.
        static final List<Phrase> ALL = TableData.phrases();
    }

    /** Every phrase, longest first: the system messages from the tables and the phrases above. */
    static List<Phrase> buildPhrases() {
        Map<String, Phrase> byText = new LinkedHashMap<>();
        for (ErrnoRow row : Tables.errno()) {
            if (!row.linuxMessage().isEmpty()) {
                byText.putIfAbsent(key(row.linuxMessage()), phrase(row.linuxMessage(), row.symbol(), Numbering.LINUX));
            }
        }
        for (EaiRow row : Tables.eai()) {
            if (!row.glibcMessage().isEmpty()) {
                byText.putIfAbsent(key(row.glibcMessage()), phrase(row.glibcMessage(), row.symbol(), Numbering.LINUX));
            }
            if (!row.bsdMessage().isEmpty()) {
                byText.putIfAbsent(key(row.bsdMessage()), phrase(row.bsdMessage(), row.symbol(), Numbering.MACOS));
            }
        }
        for (ErrnoRow row : Tables.errno()) {
            if (!row.macosMessage().isEmpty()) {
                byText.putIfAbsent(key(row.macosMessage()), phrase(row.macosMessage(), row.symbol(), Numbering.MACOS));
            }
        }
        for (WinsockRow row : Tables.winsock()) {
            String text = row.message().endsWith(".") ? row.message().substring(0, row.message().length() - 1) : row.message();
            byText.putIfAbsent(key(text), phrase(text, row.name(), Numbering.WINDOWS));
        }
        phrases().forEach((text, ref) -> byText.putIfAbsent(key(text), phrase(text, ref, null)));
        List<Phrase> all = new ArrayList<>(byText.values());
        // Messages shorter than this ("Reserved", "Bad message") would match ordinary log words.
        all.removeIf(p -> p.text().length() < 9);
        all.sort(Comparator.comparingInt((Phrase p) -> p.text().length()).reversed());
        return List.copyOf(all);
    }

    private static Phrase phrase(String text, String ref, Numbering numbering) {
        return new Phrase(text, key(text), ref, numbering);
    }

    private static String key(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** A hit: where it starts and ends in the line, and the answer. */
    private record Hit(int start, int end, Match match) {
    }

    /** The errors in one line of text, in the order they appear, each once. */
    static List<Match> find(String line, Numbering os) {
        List<Hit> hits = new ArrayList<>();
        String lower = key(line);
        // Each regex runs only when the line contains what any of its matches must contain.
        if (lower.contains("icmp")) {
            icmp(line, hits);
        }
        icmpTexts(line, lower, hits);
        if (line.contains("[Errno") || line.contains("[WinError")) {
            bracketed(line, os, hits);
        }
        if (line.contains("(os error ")) {
            osError(line, os, hits);
        }
        if (mayHoldSymbol(line)) {
            symbols(line, os, hits);
        }
        phrases(line, lower, os, hits);
        // EXCEPTION's names end in Exception or Error, or are timeout, gaierror or herror.
        if (hits.isEmpty() && (line.contains("Exception") || line.contains("Error") || line.contains("error")
                || line.contains("timeout"))) {
            exceptions(line, os, hits);
        }
        hits.sort(BY_POSITION);
        List<Match> matches = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        int consumed = -1;
        for (Hit hit : hits) {
            String symbol = hit.match().explanation().symbol();
            if (hit.start() < consumed || seen.contains(symbol)) {
                continue;
            }
            seen.add(symbol);
            matches.add(hit.match());
            consumed = hit.end();
        }
        return matches;
    }

    /** By start, then the longer hit first (the same order as before; no lambdas to link in a cold JVM). */
    private static final Comparator<Hit> BY_POSITION = new Comparator<>() {
        @Override
        public int compare(Hit a, Hit b) {
            int byStart = Integer.compare(a.start(), b.start());
            return byStart != 0 ? byStart : Integer.compare(b.end() - b.start(), a.end() - a.start());
        }
    };

    /** Whether SYMBOL can match: every symbol it finds starts with E and two capitals or digits, WSA, or is a netdb name. */
    private static boolean mayHoldSymbol(String line) {
        for (int i = line.indexOf('E'); i >= 0 && i + 2 < line.length(); i = line.indexOf('E', i + 1)) {
            if (upperOrDigit(line.charAt(i + 1)) && upperOrDigit(line.charAt(i + 2))) {
                return true;
            }
        }
        return line.contains("WSA") || line.contains("HOST_NOT_FOUND") || line.contains("TRY_AGAIN")
                || line.contains("NO_RECOVERY") || line.contains("NO_DATA");
    }

    private static boolean upperOrDigit(char c) {
        return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    private static void icmp(String line, List<Hit> hits) {
        Matcher m = ICMP.matcher(line);
        while (m.find()) {
            int version = m.group(1).toLowerCase(Locale.ROOT).contains("6") ? 6 : 4;
            int type = Integer.parseInt(m.group(2));
            int code = Integer.parseInt(m.group(3));
            Optional<IcmpRow> row = Catalog.icmpRow(version, type, code);
            if (row.isPresent()) {
                hits.add(new Hit(m.start(), m.end(), new Match(Catalog.icmp(row.get()), Concat.of("ICMP", version == 6 ? "v6" : "",
                        " type ", type, " code ", code))));
            }
        }
    }

    /** tshark's "Destination unreachable (Port unreachable)"; exact case first (it tells ICMP from ICMPv6). */
    private static void icmpTexts(String line, String lower, List<Hit> hits) {
        boolean v6 = mentionsIcmp6(lower);
        IcmpRow best = null;
        int bestScore = -1;
        int at = -1;
        for (IcmpRow row : Tables.icmp()) {
            String text = row.text();
            if (text.length() < 14 || row.category() == Category.OTHER) {
                continue;
            }
            int found = lower.indexOf(text.toLowerCase(Locale.ROOT));
            if (found < 0) {
                continue;
            }
            int score = text.length() * 4 + (line.startsWith(text, found) ? 2 : 0) + ((row.version() == 6) == v6 ? 1 : 0);
            if (score > bestScore) {
                best = row;
                bestScore = score;
                at = found;
            }
        }
        if (best != null) {
            hits.add(new Hit(at, at + best.text().length(), new Match(Catalog.icmp(best), Concat.of("\"", best.text(), "\""))));
        }
    }

    /** Whether the text holds the word icmp6 or icmpv6 (what {@code .*\\bicmp(v)?6\\b.*} matched). */
    static boolean mentionsIcmp6(String lower) {
        if (hasLineTerminator(lower)) {
            return false; // the regex's dots do not cross lines, so matches() failed on any multi-line text
        }
        for (int i = lower.indexOf("icmp"); i >= 0; i = lower.indexOf("icmp", i + 1)) {
            if (i > 0 && wordChar(lower.charAt(i - 1))) {
                continue;
            }
            int j = i + 4;
            if (j < lower.length() && lower.charAt(j) == 'v') {
                j++;
            }
            if (j < lower.length() && lower.charAt(j) == '6' && (j + 1 == lower.length() || !wordChar(lower.charAt(j + 1)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasLineTerminator(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }

    /** A regex \\w character (ASCII, as java.util.regex reads \\b without UNICODE_CHARACTER_CLASS). */
    private static boolean wordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    private static void bracketed(String line, Numbering os, List<Hit> hits) {
        Matcher m = BRACKETED.matcher(line);
        while (m.find()) {
            int number = Integer.parseInt(m.group(2));
            String text = m.group(3).strip();
            boolean gai = line.contains("gaierror") || number < 0 || line.toLowerCase(Locale.ROOT).contains("getaddrinfo");
            Optional<Match> match;
            if (m.group(1).equals("WinError") || number >= 10000) {
                Optional<WinsockRow> row = Catalog.winsockRow(number);
                match = row.isPresent()
                        ? Optional.of(new Match(Catalog.winsock(row.get()), Concat.of("[", m.group(1), " ", number, "]")))
                        : Optional.empty();
            } else if (gai) {
                match = eaiByNumberAndText(number, text, os);
            } else {
                match = errnoByNumberAndText(number, text, os);
            }
            if (match.isPresent()) {
                hits.add(new Hit(m.start(), m.end(), match.get()));
            }
        }
    }

    /** Rust's "(os error 104)": a number in the numbering of the OS the program ran on. */
    private static void osError(String line, Numbering os, List<Hit> hits) {
        Matcher m = OS_ERROR.matcher(line);
        while (m.find()) {
            int number = Integer.parseInt(m.group(1));
            String before = line.substring(0, m.start()).strip();
            Optional<Match> match;
            if (number >= 10000) {
                Optional<WinsockRow> row = Catalog.winsockRow(number);
                match = row.isPresent()
                        ? Optional.of(new Match(Catalog.winsock(row.get()), Concat.of("os error ", number, " (Winsock)")))
                        : Optional.empty();
            } else {
                match = errnoByNumberAndText(number, before, os);
            }
            if (match.isPresent()) {
                hits.add(new Hit(m.start(), m.end(), match.get()));
            }
        }
    }

    /**
     * A number with the system's message next to it: the message tells which OS numbered it (Python prints
     * {@code [Errno 54] Connection reset by peer} on macOS).
     */
    static Optional<Match> errnoByNumberAndText(int number, String text, Numbering os) {
        String lower = key(text);
        for (Numbering candidate : List.of(os, Numbering.LINUX, Numbering.MACOS)) {
            Optional<ErrnoRow> row = Catalog.errnoRow(number, candidate);
            if (row.isPresent() && !lower.isEmpty() && lower.startsWith(key(row.get().message(candidate)))) {
                return Optional.of(new Match(Catalog.errno(row.get(), candidate),
                        Concat.of("errno ", number, " in ", candidate.displayName(), " numbering (its message matches)")));
            }
        }
        Numbering fallback = os == Numbering.WINDOWS ? Numbering.LINUX : os;
        Optional<ErrnoRow> row = Catalog.errnoRow(number, fallback);
        return row.isPresent() ? Optional.of(new Match(Catalog.errno(row.get(), fallback),
                Concat.of("errno ", number, " in ", fallback.displayName(), " numbering"))) : Optional.empty();
    }

    static Optional<Match> eaiByNumberAndText(int number, String text, Numbering os) {
        String lower = key(text);
        for (Numbering candidate : List.of(os, Numbering.LINUX, Numbering.MACOS, Numbering.WINDOWS)) {
            Optional<EaiRow> row = Catalog.eaiRow(number, candidate);
            if (row.isPresent() && !lower.isEmpty() && lower.startsWith(key(row.get().message(candidate)))) {
                return Optional.of(new Match(Catalog.eai(row.get(), candidate),
                        Concat.of("getaddrinfo error ", number, " in ", candidate.displayName(), " numbering (its message matches)")));
            }
        }
        Numbering guess = number < 0 ? Numbering.LINUX : number >= 10000 ? Numbering.WINDOWS : Numbering.MACOS;
        Optional<EaiRow> row = Catalog.eaiRow(number, guess);
        return row.isPresent() ? Optional.of(new Match(Catalog.eai(row.get(), guess),
                Concat.of("getaddrinfo error ", number, " in ", guess.displayName(), " numbering"))) : Optional.empty();
    }

    private static void symbols(String line, Numbering os, List<Hit> hits) {
        Matcher m = SYMBOL.matcher(line);
        while (m.find()) {
            String token = m.group(1);
            // libuv (Node) names EAI_NONAME "ENOTFOUND".
            String symbol = token.equals("ENOTFOUND") ? "EAI_NONAME" : token;
            Optional<Explanation> e = Catalog.bySymbol(symbol, os);
            if (e.isPresent()) {
                hits.add(new Hit(m.start(), m.end(),
                        new Match(e.get(), token.equals(symbol) ? Concat.of("symbol ", token) : Concat.of(token, " (Node's name for ", symbol, ")"))));
            }
        }
    }

    private static void phrases(String line, String lower, Numbering os, List<Hit> hits) {
        // "socket: Operation not permitted" is libpcap's only when a capture is involved; iputils ping prints it too.
        boolean capture = lower.contains("pcap") || lower.contains("capture") || lower.contains("tcpdump") || lower.contains("dumpcap");
        for (Phrase phrase : PhraseHolder.ALL) {
            if (phrase.ref().equals("CAPTURE_PERMISSION") && !capture) {
                continue;
            }
            String text = phrase.lower();
            int from = 0;
            int at;
            while ((at = lower.indexOf(text, from)) >= 0) {
                from = at + text.length();
                if (!boundary(lower, at, at + text.length())) {
                    continue;
                }
                Optional<Explanation> explanation = resolve(phrase.ref(), phrase.numbering() == null ? os : phrase.numbering());
                if (explanation.isPresent()) {
                    hits.add(new Hit(at, at + text.length(), new Match(explanation.get(), Concat.of("\"", line.substring(at, from), "\""))));
                }
                break;
            }
        }
    }

    private static boolean boundary(String text, int start, int end) {
        boolean before = start == 0 || !Character.isLetterOrDigit(text.charAt(start - 1));
        boolean after = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
        return before && after;
    }

    private static void exceptions(String line, Numbering os, List<Hit> hits) {
        Matcher m = EXCEPTION.matcher(line);
        while (m.find()) {
            String name = m.group(2);
            String ref = EXCEPTIONS.get(name);
            if (ref == null) {
                continue;
            }
            String qualified = Concat.of(m.group(1), name);
            if (name.equals("timeout") && !qualified.equals("socket.timeout")) {
                continue;
            }
            // Java's SocketTimeoutException says which timeout it was.
            String message = m.group(3) == null ? "" : m.group(3);
            if (name.equals("SocketTimeoutException") && message.toLowerCase(Locale.ROOT).contains("connect")) {
                ref = "CONNECT_TIMEOUT";
            }
            Optional<Explanation> e = resolve(ref, os);
            if (e.isPresent()) {
                hits.add(new Hit(m.start(), m.end(), new Match(e.get(), qualified)));
            }
        }
    }

    /** A reference from the phrase tables: an errno or other symbol, or "ICMP t/c". */
    static Optional<Explanation> resolve(String ref, Numbering os) {
        if (ref.startsWith("ICMP ")) {
            String[] typeCode = ref.substring(5).split("/");
            Optional<IcmpRow> row = Catalog.icmpRow(4, Integer.parseInt(typeCode[0]), Integer.parseInt(typeCode[1]));
            return row.isPresent() ? Optional.of(Catalog.icmp(row.get())) : Optional.empty();
        }
        return Catalog.bySymbol(ref, os);
    }
}
