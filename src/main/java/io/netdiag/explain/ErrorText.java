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
            "\\b(E[A-Z0-9]{2,15}|WSA[A-Z_0-9]{3,30}|EAI_[A-Z_]+|CURLE_[A-Z0-9_]+|HOST_NOT_FOUND|TRY_AGAIN|NO_RECOVERY|NO_DATA)\\b");
    // errno=104 (OpenSSL), errno: -111 (Node's util.inspect; libuv negates errno), errno 111
    private static final LazyPattern ERRNO_NUMBER = new LazyPattern("(?i)\\berrno\\b\\s*[=:]?\\s*(-?\\d{1,5})\\b");
    // nginx: connect() failed (111: Connection refused)
    private static final LazyPattern NUMBERED_MESSAGE = new LazyPattern("\\((\\d{1,5}):\\s*([^)]+)\\)");
    // curl: (7) ..., curl 7, curl exit code 28, cURL error 28: ... (PHP), ...; curl 7.88.1 is a version
    private static final LazyPattern CURL_CODE = new LazyPattern(
            "(?i)\\bcurl\\b\\s*:?\\s*(?:(?:exit|error|code|status|returned|failed|with)\\s*)*[:=#]?\\s*(?:\\((\\d{1,3})\\)|(\\d{1,3})(?![.\\d/]))");
    private static final LazyPattern EXCEPTION = new LazyPattern(
            "\\b((?:[a-zA-Z_$][\\w$]*\\.)*)([A-Z][\\w$]*(?:Exception|Error)|timeout|gaierror|herror)\\b(?::\\s*(.*))?");

    /** Exception class names that mean one error when their message says nothing more. */
    private static final Map<String, String> EXCEPTIONS = Map.ofEntries(
            Map.entry("ConnectException", "ECONNREFUSED"),
            Map.entry("NoRouteToHostException", "EHOSTUNREACH"),
            Map.entry("PortUnreachableException", "ECONNREFUSED"),
            Map.entry("UnknownHostException", "EAI_NONAME"),
            Map.entry("UnresolvedAddressException", "EAI_NONAME"),
            Map.entry("SSLHandshakeException", "TLS_HANDSHAKE"),
            Map.entry("SSLPeerUnverifiedException", "TLS_CERTIFICATE"),
            Map.entry("CertificateException", "TLS_CERTIFICATE"),
            Map.entry("SSLError", "TLS_HANDSHAKE"),
            Map.entry("SSLCertVerificationError", "TLS_CERTIFICATE"),
            Map.entry("SSLZeroReturnError", "TLS_EOF"),
            Map.entry("SSLEOFError", "TLS_EOF"),
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

    /**
     * A phrase and what it stands for, longest first so that "Connection reset by peer" wins over "Connection reset".
     * {@code lower} is the text in lower case, as the lines are searched. {@code rank} is {@link #SPECIFIC}, {@link
     * #WRAPPER} (a curl exit code's message: it counts only in a line that names curl, after what the line says more
     * precisely) or {@link #VAGUE} (a wording that does not say which error it was).
     */
    record Phrase(String text, String lower, String ref, Numbering numbering, int rank, String program) {
    }

    static final int SPECIFIC = 0;
    static final int WRAPPER = 1;
    static final int VAGUE = 2;

    private static final class PhraseHolder {
        // Built by buildPhrases() when TableDataTest generates TableData: sorting the ~390 phrases with a
        // comparator in a cold JVM cost ~10 ms.
        static final List<Phrase> ALL = TableData.phrases();
    }

    /** curl_easy_strerror's messages: built only for a line that names curl. */
    private static final class CurlPhraseHolder {
        static final List<Phrase> ALL = TableData.curlPhrases();
    }

    /** Every phrase, longest first: the system messages from the tables, phrases.tsv and curl's messages. */
    static List<Phrase> buildPhrases() {
        Map<String, Phrase> byText = new LinkedHashMap<>();
        for (ErrnoRow row : Tables.errno()) {
            if (!row.linuxMessage().isEmpty()) {
                byText.putIfAbsent(key(row.linuxMessage()), phrase(row.linuxMessage(), row.symbol(), Numbering.LINUX));
            }
        }
        for (EaiRow row : Tables.eai()) {
            // glibc's getaddrinfo_a codes (-100 and below) are never printed, and "Request canceled" is Go's wording too
            if (!row.glibcMessage().isEmpty() && (row.glibc() == null || row.glibc() > -100)) {
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
        for (Tables.PhraseRow row : Tables.parsePhrases()) {
            byText.putIfAbsent(key(row.text()), new Phrase(row.text(), key(row.text()), row.ref(), null,
                    row.vague() ? VAGUE : SPECIFIC, row.program()));
        }
        for (Tables.CurlRow row : Tables.parseCurl()) {
            // curl_easy_strerror's texts, kept apart: "Could not resolve hostname" is also ssh's wording
            for (String text : List.of(row.message(), row.oldMessage())) {
                if (text.length() >= 14) {
                    byText.putIfAbsent("curl\t" + key(text), new Phrase(text, key(text), Concat.of("curl ", row.code()), null,
                            WRAPPER, "libcurl"));
                }
            }
        }
        List<Phrase> all = new ArrayList<>(byText.values());
        // Messages shorter than this ("Reserved", "Bad message") would match ordinary log words.
        all.removeIf(p -> p.text().length() < 9);
        all.sort(Comparator.comparingInt((Phrase p) -> p.text().length()).reversed());
        return List.copyOf(all);
    }

    private static Phrase phrase(String text, String ref, Numbering numbering) {
        return new Phrase(text, key(text), ref, numbering, SPECIFIC, "");
    }

    private static String key(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** A hit: where it starts and ends in the line, the answer, and its rank (SPECIFIC, WRAPPER or VAGUE). */
    private record Hit(int start, int end, Match match, int rank) {
        Hit(int start, int end, Match match) {
            this(start, end, match, SPECIFIC);
        }
    }

    /**
     * The errors in one line of text, in the order they appear, each once; what the line says precisely comes
     * before a curl exit code that wraps it, and a vague wording counts only when nothing more precise is there.
     */
    static List<Match> find(String line, Numbering os) {
        List<Hit> hits = new ArrayList<>();
        String lower = key(line);
        boolean curl = lower.contains("curl");
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
        if (lower.contains("errno")) {
            errnoNumbers(line, os, hits);
        }
        if (hasNumberedMessage(line)) {
            numberedMessages(line, os, hits);
        }
        if (curl) {
            curlCodes(line, hits);
        }
        if (mayHoldSymbol(line)) {
            symbols(line, os, hits);
        }
        phrases(line, lower, os, curl, hits);
        // EXCEPTION's names end in Exception or Error, or are timeout, gaierror or herror.
        if (hits.isEmpty() && (line.contains("Exception") || line.contains("Error") || line.contains("error")
                || line.contains("timeout"))) {
            exceptions(line, os, hits);
        }
        String stripped = line.strip();
        if (stripped.endsWith(": EOF") && line.contains("\"http")) {
            // Go prints io.EOF as it is; net/http's Get "http://host/": EOF is a server that closed without a response
            int at = line.lastIndexOf(": EOF");
            hits.add(new Hit(at, at + 5, new Match(Catalog.bySymbol("PEER_CLOSED", os).orElseThrow(),
                    "\"EOF\" (Go net/http: io.EOF before any response)")));
        }
        refineTimeouts(lower, os, hits);
        hits.sort(BY_POSITION);
        List<Hit> kept = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        int consumed = -1;
        for (Hit hit : hits) {
            String symbol = hit.match().explanation().symbol();
            if (hit.start() < consumed || seen.contains(symbol)) {
                continue;
            }
            seen.add(symbol);
            kept.add(hit);
            consumed = hit.end();
        }
        return ranked(kept);
    }

    /** Errors so general that another error in the same line says more: Node's "write EPROTO ... wrong version number". */
    private static boolean general(String symbol) {
        return symbol.equals("EPROTO") || symbol.equals("EIO") || symbol.equals("EINPROGRESS");
    }

    private static List<Match> ranked(List<Hit> kept) {
        int specific = 0;
        for (Hit hit : kept) {
            if (hit.rank() == SPECIFIC && !general(hit.match().explanation().symbol())) {
                specific++;
            }
        }
        List<Match> first = new ArrayList<>();
        List<Match> then = new ArrayList<>();
        List<Match> last = new ArrayList<>();
        for (Hit hit : kept) {
            boolean demoted = hit.rank() == SPECIFIC && specific > 0 && general(hit.match().explanation().symbol());
            if (hit.rank() == SPECIFIC && !demoted) {
                first.add(hit.match());
            } else if (hit.rank() == WRAPPER || demoted) {
                then.add(hit.match());
            } else if (specific == 0) {
                last.add(hit.match());
            }
        }
        first.addAll(then);
        first.addAll(last);
        return first;
    }

    /**
     * Timeouts whose text says the phase: "while connecting", "Failed to connect", "dial tcp" are connect timeouts;
     * "Read error", "while reading", "awaiting response headers", "0 bytes received" are read timeouts, whichever words
     * (ETIMEDOUT's message, "timed out", "Timeout was reached", a request deadline) the program used. A curl 28 without
     * a more precise hit gets one. Go's "Client.Timeout exceeded while awaiting headers" says no phase: Go prints it
     * for a dial that never completed as well, so it stays REQUEST_TIMEOUT.
     */
    private static void refineTimeouts(String lower, Numbering os, List<Hit> hits) {
        if (hits.isEmpty()) {
            return;
        }
        String wanted = timeoutPhase(lower);
        if (wanted == null) {
            return;
        }
        Hit wrapper = null;
        boolean precise = false;
        for (int i = 0; i < hits.size(); i++) {
            Hit hit = hits.get(i);
            Explanation e = hit.match().explanation();
            if (e.category() != Category.TIMEOUT) {
                continue;
            }
            String symbol = e.symbol();
            boolean generic = symbol.equals("ETIMEDOUT") || symbol.equals("WSAETIMEDOUT") || symbol.equals("READ_TIMEOUT")
                    || symbol.equals("CONNECT_TIMEOUT") || symbol.equals("REQUEST_TIMEOUT");
            if (generic && hit.rank() != WRAPPER) {
                if (!symbol.equals(wanted)) {
                    hits.set(i, new Hit(hit.start(), hit.end(), new Match(Catalog.bySymbol(wanted, os).orElseThrow(),
                            Concat.of(hit.match().note(), phaseNote(wanted))), hit.rank()));
                }
                precise |= hit.rank() == SPECIFIC;
            } else if (hit.rank() == WRAPPER && wrapper == null) {
                wrapper = hit;
            }
        }
        if (!precise && wrapper != null) {
            hits.add(new Hit(wrapper.start(), wrapper.end(), new Match(Catalog.bySymbol(wanted, os).orElseThrow(),
                    Concat.of(wrapper.match().note(), phaseNote(wanted))), SPECIFIC));
        }
    }

    private static String phaseNote(String wanted) {
        return wanted.equals("CONNECT_TIMEOUT") ? ", while connecting" : ", while waiting for data";
    }

    private static final List<String> CONNECT_WORDS = List.of("connect to ", "connect(", "connect:", "connecting",
            "failed to connect", "dial tcp", "dial udp", "connect timeout", "connect call", "waiting for connection");
    private static final List<String> READ_WORDS = List.of("read error", "while reading", "read:", "read tcp", "read udp",
            "awaiting response", "headers timeout", "header timeout", "body timeout", "idle timeout", "read timeout", "readtimeout",
            "banner exchange", "bytes received", "ready for reading", "response header");

    /** CONNECT_TIMEOUT or READ_TIMEOUT when the text says which phase timed out (connect words first), else null. */
    static String timeoutPhase(String lower) {
        for (String word : CONNECT_WORDS) {
            if (lower.contains(word)) {
                return "CONNECT_TIMEOUT";
            }
        }
        for (String word : READ_WORDS) {
            if (lower.contains(word)) {
                return "READ_TIMEOUT";
            }
        }
        return null;
    }

    /** By start, then the longer hit first, then the more precise (no lambdas to link in a cold JVM). */
    private static final Comparator<Hit> BY_POSITION = new Comparator<>() {
        @Override
        public int compare(Hit a, Hit b) {
            int byStart = Integer.compare(a.start(), b.start());
            if (byStart != 0) {
                return byStart;
            }
            int byLength = Integer.compare(b.end() - b.start(), a.end() - a.start());
            return byLength != 0 ? byLength : Integer.compare(a.rank(), b.rank());
        }
    };

    /** Whether SYMBOL can match: every symbol it finds starts with E and two capitals or digits, WSA, or is a netdb name. */
    private static boolean mayHoldSymbol(String line) {
        for (int i = line.indexOf('E'); i >= 0 && i + 2 < line.length(); i = line.indexOf('E', i + 1)) {
            if (upperOrDigit(line.charAt(i + 1)) && upperOrDigit(line.charAt(i + 2))) {
                return true;
            }
        }
        return line.contains("WSA") || line.contains("CURLE_") || line.contains("HOST_NOT_FOUND") || line.contains("TRY_AGAIN")
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

    /** OpenSSL's {@code errno=104}, Node's {@code errno: -111}: a bare number in the numbering of the OS asked for. */
    private static void errnoNumbers(String line, Numbering os, List<Hit> hits) {
        Matcher m = ERRNO_NUMBER.matcher(line);
        while (m.find()) {
            int number = Math.abs(Integer.parseInt(m.group(1)));
            if (number == 0) {
                continue; // errno=0: no error recorded (OpenSSL prints it after a failed name lookup)
            }
            Optional<Match> match = errnoByNumberAndText(number, line.substring(m.end()).strip(), os);
            if (match.isPresent()) {
                hits.add(new Hit(m.start(), m.end(), new Match(match.get().explanation(),
                        Concat.of("\"", m.group(), "\": ", match.get().note()))));
            }
        }
    }

    /** Whether the line holds "(" digits ":" as in nginx's {@code (111: Connection refused)}. */
    private static boolean hasNumberedMessage(String line) {
        for (int i = line.indexOf('('); i >= 0 && i + 2 < line.length(); i = line.indexOf('(', i + 1)) {
            int j = i + 1;
            while (j < line.length() && digit(line.charAt(j))) {
                j++;
            }
            if (j > i + 1 && j < line.length() && line.charAt(j) == ':') {
                return true;
            }
        }
        return false;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code (111: Connection refused)}: counts only when the message is that number's (nginx's "(3: Host not found)" is DNS). */
    private static void numberedMessages(String line, Numbering os, List<Hit> hits) {
        Matcher m = NUMBERED_MESSAGE.matcher(line);
        while (m.find()) {
            Optional<Match> match = errnoByNumberAndMessage(Integer.parseInt(m.group(1)), m.group(2).strip(), os);
            if (match.isPresent()) {
                hits.add(new Hit(m.start(), m.end(), match.get()));
            }
        }
    }

    /** {@code curl: (7)}, {@code curl 28}, {@code cURL error 28:}: the exit code wraps what the rest of the line says. */
    private static void curlCodes(String line, List<Hit> hits) {
        Matcher m = CURL_CODE.matcher(line);
        while (m.find()) {
            int code = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
            Optional<Tables.CurlRow> row = Catalog.curlRow(code);
            if (row.isPresent()) {
                hits.add(new Hit(m.start(), m.end(), new Match(Catalog.curl(row.get()), Concat.of("curl exit code ", code)),
                        WRAPPER));
            }
        }
    }

    /** A number with a message that is that number's, in the numbering asked for, Linux's or macOS's; else nothing. */
    static Optional<Match> errnoByNumberAndMessage(int number, String text, Numbering os) {
        String lower = key(text);
        for (Numbering candidate : List.of(os, Numbering.LINUX, Numbering.MACOS)) {
            Optional<ErrnoRow> row = Catalog.errnoRow(number, candidate);
            if (row.isPresent() && !lower.isEmpty() && lower.startsWith(key(row.get().message(candidate)))) {
                return Optional.of(new Match(Catalog.errno(row.get(), candidate),
                        Concat.of("errno ", number, " in ", candidate.displayName(), " numbering (its message matches)")));
            }
        }
        return Optional.empty();
    }

    /**
     * A number with the system's message next to it: the message tells which OS numbered it (Python prints
     * {@code [Errno 54] Connection reset by peer} on macOS).
     */
    static Optional<Match> errnoByNumberAndText(int number, String text, Numbering os) {
        Optional<Match> byMessage = errnoByNumberAndMessage(number, text, os);
        if (byMessage.isPresent()) {
            return byMessage;
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
                        new Match(e.get(), token.equals(symbol) ? Concat.of("symbol ", token) : Concat.of(token, " (Node's name for ", symbol, ")")),
                        token.startsWith("CURLE_") ? WRAPPER : SPECIFIC));
            }
        }
    }

    private static void phrases(String line, String lower, Numbering os, boolean curl, List<Hit> hits) {
        // "socket: Operation not permitted" is libpcap's only when a capture is involved; iputils ping prints it too.
        boolean capture = lower.contains("pcap") || lower.contains("capture") || lower.contains("tcpdump") || lower.contains("dumpcap");
        phrases(line, lower, os, PhraseHolder.ALL, capture, hits);
        if (curl) {
            phrases(line, lower, os, CurlPhraseHolder.ALL, capture, hits);
        }
    }

    private static void phrases(String line, String lower, Numbering os, List<Phrase> phrases, boolean capture, List<Hit> hits) {
        for (Phrase phrase : phrases) {
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
                    String note = phrase.program().isEmpty() ? Concat.of("\"", line.substring(at, from), "\"")
                            : Concat.of("\"", line.substring(at, from), "\" (", phrase.program(), ")");
                    hits.add(new Hit(at, at + text.length(), new Match(explanation.get(), note), phrase.rank()));
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
        if (ref.startsWith("curl ")) {
            Optional<Tables.CurlRow> row = Catalog.curlRow(Integer.parseInt(ref.substring(5)));
            return row.isPresent() ? Optional.of(Catalog.curl(row.get())) : Optional.empty();
        }
        if (ref.startsWith("ICMP ")) {
            String[] typeCode = ref.substring(5).split("/");
            Optional<IcmpRow> row = Catalog.icmpRow(4, Integer.parseInt(typeCode[0]), Integer.parseInt(typeCode[1]));
            return row.isPresent() ? Optional.of(Catalog.icmp(row.get())) : Optional.empty();
        }
        return Catalog.bySymbol(ref, os);
    }
}
