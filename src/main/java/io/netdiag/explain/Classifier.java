package io.netdiag.explain;

import io.netdiag.explain.Tables.EaiRow;
import io.netdiag.explain.Tables.ErrnoRow;
import io.netdiag.explain.Tables.HerrnoRow;
import io.netdiag.explain.Tables.IcmpRow;
import io.netdiag.explain.Tables.WinsockRow;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Platform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * The socket-error classifier: turns an errno, a Winsock or getaddrinfo code, an ICMP type/code, an exception
 * or a line of error text into an {@link Explanation}. Every netdiag command renders its own failures through
 * it, and {@code netdiag explain} is its front end.
 */
public final class Classifier {
    private static final Classifier STANDARD = new Classifier();

    // Compiled on first use: a symbol or a plain number (the common queries) needs none of them.
    private static final LazyPattern ADDRESS = new LazyPattern(
            "(\\[[0-9a-fA-F:.%\\w]+]|\\d{1,3}(?:\\.\\d{1,3}){3}|localhost|[A-Za-z][A-Za-z0-9-]*(?:\\.[A-Za-z0-9-]+)+):(\\d{1,5})\\b");
    // curl, ssh, nc and libpq name the port in words: "127.0.0.1 port 7", "host 10.0.0.1 port 22", "\"db\", port 5432"
    private static final LazyPattern HOST_PORT_WORDS = new LazyPattern(
            "\"?(\\[[0-9a-fA-F:.%\\w]+]|[A-Za-z0-9][A-Za-z0-9._:-]*)\"?,?\\s+port\\s+(\\d{1,5})\\b");
    private static final LazyPattern PREFIXED = new LazyPattern(
            "(?i)^(errno|eai|gai|getaddrinfo|h_errno|herrno|wsa|winsock)\\s*[:=]?\\s*(-?\\d{1,9})$");
    private static final LazyPattern ICMP_TYPE = new LazyPattern("(?i)^(icmpv6|icmp6|icmpv4|icmp)\\s*(?:type\\s*)?(\\d{1,3})$");

    private Classifier() {
    }

    public static Classifier standard() {
        return STANDARD;
    }

    /** Looks an errno number up in the given OS's numbering (Winsock codes for Windows). */
    public Optional<Explanation> classifyErrno(int errno, Platform os) {
        Numbering numbering = Numbering.of(os);
        // No lambdas on these paths: in a cold JVM each one not linked in the AOT cache costs a class spin.
        if (numbering == Numbering.WINDOWS) {
            Optional<WinsockRow> row = Catalog.winsockRow(errno);
            return row.isPresent() ? Optional.of(Catalog.winsock(row.get())) : Optional.empty();
        }
        Optional<ErrnoRow> row = Catalog.errnoRow(errno, numbering);
        return row.isPresent() ? Optional.of(Catalog.errno(row.get(), numbering)) : Optional.empty();
    }

    /** Like {@link #classifyErrno(int, Platform)}, but never null: unknown numbers come back in {@link Category#OTHER}. */
    public Explanation classify(int errno, Platform os) {
        Optional<Explanation> known = classifyErrno(errno, os);
        if (known.isPresent()) {
            return known.get();
        }
        return new Explanation(Concat.of("errno ", errno), "errno",
                Map.of(Numbering.of(os).key(), errno), Concat.of("Unknown error ", errno), Category.OTHER, false,
                Concat.of("No ", Numbering.of(os).displayName(), " error has this number."), List.of(),
                List.of(Concat.of("netdiag explain --os linux|macos|windows ", errno)));
    }

    /** An ICMP (version 4) or ICMPv6 (version 6) error or message by type and code. */
    public Optional<Explanation> classifyIcmp(int version, int type, int code) {
        Optional<IcmpRow> row = Catalog.icmpRow(version == 6 ? 6 : 4, type, code);
        return row.isPresent() ? Optional.of(Catalog.icmp(row.get())) : Optional.empty();
    }

    /**
     * Explains a failure; never null. The cause chain is searched for an {@link ErrnoException} (whose operation
     * adds case-specific advice), a libpcap permission error, and exception texts from the JDK. Unknown failures
     * come back in {@link Category#OTHER}.
     */
    public Explanation classify(Throwable failure) {
        Numbering os = Numbering.of(Platform.current());
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ErrnoException e) {
                Optional<Explanation> found = classifyErrno(e.errno(), Platform.current());
                if (found.isPresent()) {
                    return Advice.forOperation(found.get(), e.operation());
                }
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t.getClass().getSimpleName().contains("Pcap") && message.toLowerCase(Locale.ROOT).contains("not permitted")) {
                return Catalog.bySymbol("CAPTURE_PERMISSION", os).orElseThrow();
            }
            List<Match> found = ErrorText.find(Concat.of(t.getClass().getName(), ": ", message), os);
            if (!found.isEmpty()) {
                return Advice.forOperation(found.getFirst().explanation(), message);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        String text = failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
        return new Explanation(failure.getClass().getSimpleName(), "exception", Map.of(), text, Category.OTHER, false,
                "Not a socket error netdiag knows.", List.of(), List.of());
    }

    /**
     * What an input means: a number (in the given OS's numbering, with the other OSes' readings as
     * alternatives), a symbol (errno, alias, WSA, EAI, h_errno), {@code icmp 3/3}, or a line of error text.
     */
    public Lookup lookup(String query, Platform os) {
        return lookup(query, Numbering.of(os));
    }

    public Lookup lookup(String query, Numbering os) {
        String q = query.strip();
        List<Match> matches = new ArrayList<>();
        List<Match> alternatives = new ArrayList<>();
        // "errno 11" and "icmp 3" both start with a letter and end with a digit; nothing else can match them.
        boolean wordThenNumber = !q.isEmpty() && asciiLetter(q.charAt(0)) && digit(q.charAt(q.length() - 1));
        Matcher prefixed = wordThenNumber ? PREFIXED.matcher(q) : null;
        Matcher icmpType = wordThenNumber ? ICMP_TYPE.matcher(q) : null;
        if (prefixed != null && prefixed.matches()) {
            byNumber(Integer.parseInt(prefixed.group(2)), prefixed.group(1).toLowerCase(Locale.ROOT), os, matches, alternatives);
        } else if (isNumber(q)) {
            byNumber(Integer.parseInt(q), "", os, matches, alternatives);
        } else if (icmpType != null && icmpType.matches()) {
            int version = icmpType.group(1).contains("6") ? 6 : 4;
            int type = Integer.parseInt(icmpType.group(2));
            for (IcmpRow row : Tables.icmp()) {
                if (row.version() == version && row.type() == type) {
                    matches.add(new Match(Catalog.icmp(row), Concat.of("ICMP", version == 6 ? "v6" : "", " type ", type,
                            " code ", row.code())));
                }
            }
        } else if (isToken(q) && Catalog.bySymbol(q, os).isPresent()) {
            bySymbol(q, os, matches, alternatives);
        } else {
            for (Match m : ErrorText.find(q, os)) {
                matches.add(new Match(Advice.forOperation(m.explanation(), q), m.note()));
            }
        }
        if (matches.isEmpty() && !alternatives.isEmpty()) {
            // Not defined in the numbering asked for, but known elsewhere: answer with the other readings.
            matches.addAll(alternatives);
            alternatives.clear();
        }
        List<String> nearest = matches.isEmpty() ? nearest(q) : List.of();
        return new Lookup(query, os, matches, alternatives, nearest);
    }

    /** What {@code ^-?\\d{1,9}$} matched: an optional minus and ASCII digits, few enough for an int (more name no code). */
    private static boolean isNumber(String q) {
        int start = q.startsWith("-") ? 1 : 0;
        if (q.length() == start || q.length() - start > 9) {
            return false;
        }
        for (int i = start; i < q.length(); i++) {
            if (!digit(q.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** What {@code ^[A-Za-z_][A-Za-z0-9_]*$} matched: one word such as a symbol. */
    private static boolean isToken(String q) {
        if (q.isEmpty() || !(asciiLetter(q.charAt(0)) || q.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < q.length(); i++) {
            char c = q.charAt(i);
            if (!(asciiLetter(c) || digit(c) || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean asciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static void byNumber(int n, String kind, Numbering os, List<Match> matches, List<Match> alternatives) {
        switch (kind) {
            case "eai", "gai", "getaddrinfo" -> {
                Numbering numbering = n < 0 ? Numbering.LINUX : n >= 10000 ? Numbering.WINDOWS : os == Numbering.LINUX ? Numbering.MACOS : os;
                Optional<EaiRow> found = Catalog.eaiRow(n, numbering);
                if (found.isPresent()) {
                    matches.add(new Match(Catalog.eai(found.get(), numbering),
                            Concat.of("getaddrinfo error ", n, " in ", numberingName(numbering), " numbering")));
                }
                for (Numbering other : Numbering.values()) {
                    if (other != numbering) {
                        Optional<EaiRow> row = Catalog.eaiRow(n, other);
                        if (row.isPresent() && !hasSymbol(matches, row.get().symbol())) {
                            alternatives.add(new Match(Catalog.eai(row.get(), other),
                                    Concat.of("getaddrinfo error ", n, " in ", numberingName(other), " numbering")));
                        }
                    }
                }
            }
            case "h_errno", "herrno" -> {
                Optional<HerrnoRow> row = Catalog.herrnoRow(n);
                if (row.isPresent()) {
                    matches.add(new Match(Catalog.herrno(row.get()), Concat.of("h_errno ", n)));
                }
            }
            case "wsa", "winsock" -> {
                Optional<WinsockRow> row = Catalog.winsockRow(n);
                if (row.isPresent()) {
                    matches.add(new Match(Catalog.winsock(row.get()), Concat.of("Winsock error ", n)));
                }
            }
            default -> {
                boolean explicitErrno = kind.equals("errno");
                if (n < 0 && !explicitErrno) {
                    Optional<EaiRow> eai = Catalog.eaiRow(n, Numbering.LINUX);
                    if (eai.isPresent()) {
                        matches.add(new Match(Catalog.eai(eai.get(), Numbering.LINUX),
                                Concat.of("getaddrinfo error ", n, " (glibc numbering; errno values are never negative)")));
                    }
                    Optional<HerrnoRow> herrno = Catalog.herrnoRow(n);
                    if (herrno.isPresent()) {
                        alternatives.add(new Match(Catalog.herrno(herrno.get()), Concat.of("h_errno ", n)));
                    }
                    return;
                }
                if (!explicitErrno && (n >= 10000 || os == Numbering.WINDOWS)) {
                    Optional<WinsockRow> winsock = Catalog.winsockRow(n);
                    if (winsock.isPresent()) {
                        matches.add(new Match(Catalog.winsock(winsock.get()), Concat.of("Winsock error ", n)));
                    }
                    for (EaiRow r : Tables.eai()) {
                        if (r.windows() != null && r.windows() == n) {
                            alternatives.add(new Match(Catalog.eai(r, Numbering.WINDOWS), Concat.of("getaddrinfo returns ", n, " as ", r.symbol())));
                        }
                    }
                    for (HerrnoRow r : Tables.herrno()) {
                        if (r.windows() != null && r.windows() == n) {
                            alternatives.add(new Match(Catalog.herrno(r), Concat.of("gethostbyname sets ", r.symbol(), " (", n, ")")));
                        }
                    }
                    if (n >= 10000) {
                        return;
                    }
                }
                Numbering errnoOs = os == Numbering.WINDOWS ? null : os;
                if (errnoOs != null) {
                    Optional<ErrnoRow> row = Catalog.errnoRow(n, errnoOs);
                    if (row.isPresent()) {
                        matches.add(new Match(Catalog.errno(row.get(), errnoOs),
                                Concat.of("errno ", n, " in ", errnoOs.displayName(), " numbering")));
                    }
                }
                for (Numbering other : List.of(Numbering.LINUX, Numbering.MACOS)) {
                    if (other == errnoOs) {
                        continue;
                    }
                    Optional<ErrnoRow> row = Catalog.errnoRow(n, other);
                    if (row.isPresent() && !hasSymbol(matches, row.get().symbol())) {
                        alternatives.add(new Match(Catalog.errno(row.get(), other),
                                Concat.of("errno ", n, " in ", other.displayName(), " numbering (--os ", other.key(), ")")));
                    }
                }
                if (!explicitErrno) {
                    Optional<EaiRow> eai = Catalog.eaiRow(n, Numbering.MACOS);
                    if (eai.isPresent()) {
                        alternatives.add(new Match(Catalog.eai(eai.get(), Numbering.MACOS),
                                Concat.of("getaddrinfo error ", n, " in macOS/BSD numbering (eai ", n, ")")));
                    }
                    Optional<HerrnoRow> herrno = Catalog.herrnoRow(n);
                    if (herrno.isPresent() && n > 0) {
                        alternatives.add(new Match(Catalog.herrno(herrno.get()), Concat.of("h_errno ", n)));
                    }
                }
            }
        }
    }

    /** Whether one of the matches already explains this symbol. */
    private static boolean hasSymbol(List<Match> matches, String symbol) {
        for (Match m : matches) {
            if (m.explanation().symbol().equals(symbol)) {
                return true;
            }
        }
        return false;
    }

    private static String numberingName(Numbering numbering) {
        return switch (numbering) {
            case LINUX -> "glibc";
            case MACOS -> "macOS/BSD";
            case WINDOWS -> "Windows";
        };
    }

    private static void bySymbol(String q, Numbering os, List<Match> matches, List<Match> alternatives) {
        String upper = q.toUpperCase(Locale.ROOT);
        Explanation e = Catalog.bySymbol(upper, os).orElseThrow();
        String note;
        Optional<ErrnoRow> errno = Catalog.errnoRow(upper);
        if (errno.isPresent()) {
            ErrnoRow row = errno.get();
            note = row.symbol().equals(upper) ? "errno symbol" : Concat.of(upper, " is another name for ", row.symbol());
            Integer n = row.number(os == Numbering.WINDOWS ? Numbering.LINUX : os);
            if (os != Numbering.WINDOWS && row.number(os) == null) {
                note = Concat.of(note, "; not defined on ", os.displayName());
            }
            if (n != null) {
                Numbering numbering = os == Numbering.WINDOWS ? Numbering.LINUX : os;
                for (ErrnoRow other : Tables.errno()) {
                    if (other != row && n.equals(other.number(numbering))) {
                        alternatives.add(new Match(Catalog.errno(other, numbering), Concat.of("the same number (", n, ") on ",
                                numbering.displayName())));
                    }
                }
            }
        } else if (Catalog.winsockRow(upper).isPresent()) {
            WinsockRow row = Catalog.winsockRow(upper).get();
            note = "Winsock error";
            if (!row.equivalent().isEmpty()) {
                Optional<Explanation> mirrored = Catalog.bySymbol(row.equivalent(), os);
                if (mirrored.isPresent()) {
                    alternatives.add(new Match(mirrored.get(), "the POSIX error it mirrors"));
                }
            }
        } else if (Catalog.eaiRow(upper).isPresent()) {
            note = "getaddrinfo error";
        } else if (Catalog.herrnoRow(upper).isPresent()) {
            note = "h_errno (gethostbyname)";
        } else if (Catalog.curlRow(upper).isPresent()) {
            note = Concat.of("curl exit code ", Catalog.curlRow(upper).get().code());
        } else {
            note = "condition";
        }
        matches.add(new Match(e, note));
    }

    /**
     * Names close to an unknown input: by edit distance for one word, by words in the messages for text. The CLI
     * computes this for every word of unquoted text before it joins them, so it avoids what is slow in a cold JVM:
     * streams, lambdas, regex splits and building an explanation for every table row.
     */
    private static List<String> nearest(String q) {
        String upper = q.toUpperCase(Locale.ROOT);
        if (isToken(q)) {
            List<Scored> scored = new ArrayList<>();
            int limit = Math.max(2, upper.length() / 3);
            for (String symbol : Catalog.allSymbols()) {
                boolean contains = symbol.contains(upper) && upper.length() >= 3;
                // The edit distance is at least the difference in length: skip the computation when that
                // alone rules the symbol out (it is most of them).
                if (!contains && Math.abs(symbol.length() - upper.length()) > limit) {
                    continue;
                }
                int d = distance(upper, symbol);
                if (d <= limit || contains) {
                    scored.add(new Scored(symbol, d));
                }
            }
            scored.sort(Scored.CLOSEST_FIRST);
            List<String> names = new ArrayList<>();
            for (Scored s : scored) {
                if (names.size() == 5) {
                    break;
                }
                if (!names.contains(s.symbol())) {
                    names.add(s.symbol());
                }
            }
            return names;
        }
        List<String> words = lowerCaseWords(q.toLowerCase(Locale.ROOT), 4);
        if (words.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> hits = new LinkedHashMap<>();
        for (SearchText entry : searchTexts()) {
            String text = entry.text();
            int count = 0;
            for (String word : words) {
                if (text.contains(word)) {
                    count++;
                }
            }
            Integer before = hits.get(entry.symbol());
            if (count > 0 && (before == null || count > before)) {
                hits.put(entry.symbol(), count);
            }
        }
        List<Map.Entry<String, Integer>> ranked = new ArrayList<>(hits.entrySet());
        ranked.sort(MOST_HITS_FIRST);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ranked.size() && i < 5; i++) {
            names.add(ranked.get(i).getKey());
        }
        return names;
    }

    /** A symbol and its edit distance from the input; closest first, then by name. */
    private record Scored(String symbol, int distance) {
        static final Comparator<Scored> CLOSEST_FIRST = new Comparator<>() {
            @Override
            public int compare(Scored a, Scored b) {
                int byDistance = Integer.compare(a.distance(), b.distance());
                return byDistance != 0 ? byDistance : a.symbol().compareTo(b.symbol());
            }
        };
    }

    /** More words found first; a stable sort keeps table order among equals. */
    private static final Comparator<Map.Entry<String, Integer>> MOST_HITS_FIRST = new Comparator<>() {
        @Override
        public int compare(Map.Entry<String, Integer> a, Map.Entry<String, Integer> b) {
            return b.getValue().compareTo(a.getValue());
        }
    };

    /** The runs of a-z in the text that are at least {@code min} letters long (what split("[^a-z]+") kept). */
    private static List<String> lowerCaseWords(String lower, int min) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            boolean letter = i < lower.length() && lower.charAt(i) >= 'a' && lower.charAt(i) <= 'z';
            if (letter && start < 0) {
                start = i;
            } else if (!letter && start >= 0) {
                if (i - start >= min) {
                    words.add(lower.substring(start, i));
                }
                start = -1;
            }
        }
        return words;
    }

    /** One entry of the Linux table as {@link Entry#searchText()} reads it. */
    record SearchText(String symbol, String text) {
    }

    /**
     * The symbol and search text of every entry of {@code list(Numbering.LINUX, null)}, in its order, without
     * building the explanations (their guides, numbers and advice) that nearest() does not read.
     */
    static List<SearchText> searchTexts() {
        List<SearchText> texts = new ArrayList<>();
        for (ErrnoRow row : Tables.errno()) {
            if (row.linux() != null) {
                texts.add(searchText(row.symbol(), row.message(Numbering.LINUX)));
                for (String alias : pureAliases(row)) {
                    texts.add(searchText(alias, row.message(Numbering.LINUX)));
                }
            }
        }
        for (EaiRow row : Tables.eai()) {
            if (row.glibc() != null) {
                texts.add(searchText(row.symbol(), row.message(Numbering.LINUX)));
            }
        }
        for (HerrnoRow row : Tables.herrno()) {
            texts.add(searchText(row.symbol(), row.message()));
        }
        for (IcmpRow row : Tables.icmp()) {
            texts.add(searchText(row.symbol(), row.text()));
        }
        for (Guides.Guide guide : Guides.all().values()) {
            if (guide.message() != null) {
                texts.add(searchText(guide.symbol(), guide.message()));
            }
        }
        for (Tables.CurlRow row : Tables.curl()) {
            texts.add(searchText(row.symbol(), row.message().isEmpty() ? row.oldMessage() : row.message()));
        }
        return texts;
    }

    private static SearchText searchText(String symbol, String message) {
        return new SearchText(symbol, Concat.of(symbol, " ", message).toLowerCase(Locale.ROOT));
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * One row of the complete table, with the number it has in the numbering asked for (null if none) and the name
     * it is listed under: the symbol, or an alias (EWOULDBLOCK) that gets its own row, as in moreutils {@code errno -l}.
     */
    public record Entry(Explanation explanation, Integer number, String name) {
        public Entry(Explanation explanation, Integer number) {
            this(explanation, number, explanation.symbol());
        }

        String searchText() {
            return Concat.of(name, " ", explanation.message()).toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The complete table in one OS's numbering: errno values (Winsock codes for Windows), getaddrinfo codes,
     * h_errno and ICMP. With {@code os} null, every errno, Winsock-only, EAI, h_errno and ICMP row.
     */
    public List<Entry> list(Numbering os, Category category) {
        List<Entry> all = entries(os);
        return category == null ? all : all.stream().filter(e -> e.explanation().category() == category).toList();
    }

    private static List<Entry> entries(Numbering os) {
        return entries(os, null);
    }

    /**
     * The table, or (with {@code words}) only the entries whose name and message hold every word, tested before
     * their explanation is built: building all ~450 explanations and guides is most of a cold search.
     */
    private static List<Entry> entries(Numbering os, List<String> words) {
        List<Entry> entries = new ArrayList<>();
        Numbering messages = os == null ? Numbering.LINUX : os;
        // errno -s also finds a Linux entry by macOS's wording of it
        boolean withMacos = os == null || os == Numbering.LINUX;
        if (os != Numbering.WINDOWS) {
            for (ErrnoRow row : Tables.errno()) {
                if (os == null || row.number(os) != null) {
                    String macos = withMacos ? row.macosMessage() : null;
                    Explanation e = null;
                    if (wanted(words, row.symbol(), row.message(messages), macos)) {
                        e = Catalog.errno(row, messages);
                        entries.add(new Entry(e, os == null ? null : row.number(os)));
                    }
                    for (String alias : pureAliases(row)) {
                        if (wanted(words, alias, row.message(messages), macos)) {
                            e = e != null ? e : Catalog.errno(row, messages);
                            entries.add(new Entry(e, os == null ? null : row.number(os), alias));
                        }
                    }
                }
            }
        }
        String none = withMacos ? "" : null;
        for (WinsockRow row : Tables.winsock()) {
            boolean mirrorsErrno = Catalog.errnoRow(row.equivalent()).isPresent();
            String message = row.message().endsWith(".") ? row.message().substring(0, row.message().length() - 1) : row.message();
            if ((os == Numbering.WINDOWS || os == null && !mirrorsErrno) && wanted(words, row.name(), message, none)) {
                entries.add(new Entry(Catalog.winsock(row), os == null ? null : row.code()));
            }
        }
        for (EaiRow row : Tables.eai()) {
            if ((os == null || row.number(os) != null) && wanted(words, row.symbol(), row.message(messages), none)) {
                entries.add(new Entry(Catalog.eai(row, messages), os == null ? null : row.number(os)));
            }
        }
        if (os != Numbering.WINDOWS) {
            for (HerrnoRow row : Tables.herrno()) {
                if (wanted(words, row.symbol(), row.message(), none)) {
                    entries.add(new Entry(Catalog.herrno(row), os == null ? null : row.number()));
                }
            }
        }
        for (IcmpRow row : Tables.icmp()) {
            if (wanted(words, row.symbol(), row.text(), none)) {
                entries.add(new Entry(Catalog.icmp(row), null));
            }
        }
        for (Guides.Guide guide : Guides.all().values()) {
            if (guide.message() != null && wanted(words, guide.symbol(), guide.message(), none)) {
                entries.add(new Entry(Catalog.condition(guide), null));
            }
        }
        for (Tables.CurlRow row : Tables.curl()) {
            if (wanted(words, row.symbol(), row.message().isEmpty() ? row.oldMessage() : row.message(), none)) {
                entries.add(new Entry(Catalog.curl(row), null));
            }
        }
        return entries;
    }

    /** Whether "name message [macOS message]", in lower case, holds every word (no words: everything). */
    private static boolean wanted(List<String> words, String name, String message, String macos) {
        if (words == null) {
            return true;
        }
        if (words.isEmpty()) {
            return false;
        }
        String text = Concat.of(name, " ", message).toLowerCase(Locale.ROOT);
        if (macos != null) {
            text = Concat.of(text, " ", macos.toLowerCase(Locale.ROOT));
        }
        for (String word : words) {
            if (!text.contains(word)) {
                return false;
            }
        }
        return true;
    }

    /** The aliases of a row that are no row of their own (EWOULDBLOCK, EDEADLOCK; not ENOTSUP), each listed as a row. */
    private static List<String> pureAliases(ErrnoRow row) {
        List<String> pure = new ArrayList<>();
        for (String alias : row.aliases()) {
            boolean ownRow = false;
            for (ErrnoRow other : Tables.errno()) {
                ownRow |= other.symbol().equals(alias);
            }
            if (!ownRow) {
                pure.add(alias);
            }
        }
        return pure;
    }

    /** Like moreutils {@code errno -s}: every entry whose symbol or message contains all the words. */
    public List<Entry> search(List<String> words, Numbering os) {
        List<String> lower = new ArrayList<>();
        for (String w : words) {
            if (!w.isBlank()) {
                lower.add(w.toLowerCase(Locale.ROOT));
            }
        }
        return entries(os, lower);
    }

    /**
     * Every distinct error in a log or stack trace, in order of first appearance, with the line numbers where it
     * occurs. Stack frames ("at ...") are skipped.
     */
    public List<Finding> scan(List<String> lines, Numbering os) {
        Map<String, Explanation> explanations = new LinkedHashMap<>();
        Map<String, List<Integer>> where = new LinkedHashMap<>();
        Map<String, String> firstText = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.startsWith("at ") || trimmed.startsWith("... ") || trimmed.isEmpty()) {
                continue;
            }
            List<Match> found = ErrorText.find(line, os);
            for (Match match : found) {
                // a curl exit code after what the line says precisely adds nothing to a log's findings
                if (match != found.getFirst() && match.explanation().kind().equals("curl")) {
                    continue;
                }
                String symbol = match.explanation().symbol();
                explanations.putIfAbsent(symbol, Advice.forOperation(match.explanation(), line));
                where.computeIfAbsent(symbol, s -> new ArrayList<>()).add(i + 1);
                firstText.putIfAbsent(symbol, trimmed.length() > 160 ? trimmed.substring(0, 157) + "..." : trimmed);
            }
        }
        List<Finding> findings = new ArrayList<>();
        explanations.forEach((symbol, e) -> findings.add(new Finding(e, where.get(symbol), firstText.get(symbol))));
        return findings;
    }

    private static boolean hasColonDigit(String text) {
        for (int i = text.indexOf(':'); i >= 0 && i + 1 < text.length(); i = text.indexOf(':', i + 1)) {
            if (digit(text.charAt(i + 1))) {
                return true;
            }
        }
        return false;
    }

    /** Replaces the HOST and PORT placeholders in the next steps with the address an operation names. */
    static Explanation withAddress(Explanation e, String operation) {
        if (operation == null) {
            return e;
        }
        // Go prints "local->remote"; the remote end is the one to look at.
        int arrow = operation.indexOf("->");
        String remote = arrow >= 0 ? operation.substring(arrow + 2) : operation;
        Matcher m;
        if (hasColonDigit(remote)) { // every address ADDRESS finds ends in ":port"
            m = ADDRESS.matcher(remote);
            if (!m.find()) {
                return e;
            }
        } else if (remote.contains(" port ")) {
            m = HOST_PORT_WORDS.matcher(remote);
            if (!m.find()) {
                return e;
            }
        } else {
            return e;
        }
        String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
        String port = m.group(2);
        List<String> steps = new ArrayList<>(e.nextSteps().size());
        for (String step : e.nextSteps()) {
            steps.add(step.replaceAll("\\bPORT\\b", port).replaceAll("\\bHOST\\b", host));
        }
        return e.withAdvice(e.explanation(), e.causes(), steps);
    }
}
