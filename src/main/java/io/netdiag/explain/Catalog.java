package io.netdiag.explain;

import io.netdiag.explain.Guides.Guide;
import io.netdiag.explain.Tables.CurlRow;
import io.netdiag.explain.Tables.EaiRow;
import io.netdiag.explain.Tables.ErrnoRow;
import io.netdiag.explain.Tables.HerrnoRow;
import io.netdiag.explain.Tables.IcmpRow;
import io.netdiag.explain.Tables.WinsockRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Builds {@link Explanation}s from the table rows and the hand-written guides, and finds rows by name or number. */
final class Catalog {
    private Catalog() {
    }

    // ---- building explanations ----

    static Explanation errno(ErrnoRow row, Numbering os) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        put(numbers, "linux", row.linux());
        put(numbers, "macos", row.macos());
        put(numbers, "windows", row.windows());
        Explanation e = withGuide(row.symbol(), "errno", numbers, row.message(os), row.category(), row.retryable(), row.symbol());
        List<String> aliases = aliases(row, os == Numbering.WINDOWS ? Numbering.LINUX : os);
        return aliases.isEmpty() ? e : new Explanation(e.symbol(), e.kind(), e.numbers(), e.message(), e.category(),
                e.retryable(), e.explanation(), e.causes(), e.nextSteps(), aliases);
    }

    /**
     * The other names of this row's number in one numbering, as moreutils {@code errno -l} lists them: its aliases
     * (EWOULDBLOCK) and other rows with the same number (ENOTSUP is 95 like EOPNOTSUPP on Linux, but 45 on macOS).
     */
    static List<String> aliases(ErrnoRow row, Numbering os) {
        Integer n = row.number(os);
        List<String> names = new ArrayList<>();
        for (String alias : row.aliases()) {
            Optional<ErrnoRow> own = ownRow(alias);
            if (own.isEmpty() || n != null && n.equals(own.get().number(os))) {
                names.add(alias);
            }
        }
        if (n != null) {
            List<ErrnoRow> sharing = (os == Numbering.MACOS ? SharedNumbers.MACOS : SharedNumbers.LINUX).get(n);
            if (sharing != null) {
                for (ErrnoRow other : sharing) {
                    if (other != row && !names.contains(other.symbol())) {
                        names.add(other.symbol());
                    }
                }
            }
        }
        return names;
    }

    private static Optional<ErrnoRow> ownRow(String symbol) {
        for (ErrnoRow r : Tables.errno()) {
            if (r.symbol().equals(symbol)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The numbers that more than one row has, per numbering (95 is EOPNOTSUPP and ENOTSUP on Linux): a list walks once. */
    private static final class SharedNumbers {
        static final Map<Integer, List<ErrnoRow>> LINUX = build(Numbering.LINUX);
        static final Map<Integer, List<ErrnoRow>> MACOS = build(Numbering.MACOS);

        private static Map<Integer, List<ErrnoRow>> build(Numbering os) {
            Map<Integer, List<ErrnoRow>> byNumber = new java.util.HashMap<>();
            for (ErrnoRow r : Tables.errno()) {
                Integer n = r.number(os);
                if (n != null) {
                    List<ErrnoRow> rows = byNumber.get(n);
                    if (rows == null) {
                        rows = new ArrayList<>(1);
                        byNumber.put(n, rows);
                    }
                    rows.add(r);
                }
            }
            Map<Integer, List<ErrnoRow>> shared = new java.util.HashMap<>();
            for (Map.Entry<Integer, List<ErrnoRow>> e : byNumber.entrySet()) {
                if (e.getValue().size() > 1) {
                    shared.put(e.getKey(), e.getValue());
                }
            }
            return shared;
        }
    }

    /** A curl exit code: curl's own meaning, with the causes and next steps of the error it usually is. */
    static Explanation curl(CurlRow row) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        numbers.put("curl", row.code());
        Guide guide = row.like().isEmpty() ? null : Guides.get(row.like());
        String message = row.message().isEmpty() ? row.oldMessage() : row.message();
        return new Explanation(row.symbol(), "curl", numbers, message, row.category(), row.retryable(), row.meaning(),
                guide == null ? List.of() : guide.causes(), guide == null ? List.of() : guide.next());
    }

    static Explanation winsock(WinsockRow row) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        put(numbers, "windows", row.code());
        Optional<ErrnoRow> mirrored = errnoRow(row.equivalent());
        if (mirrored.isPresent()) {
            put(numbers, "linux", mirrored.get().linux());
            put(numbers, "macos", mirrored.get().macos());
        }
        String message = row.message().endsWith(".") ? row.message().substring(0, row.message().length() - 1) : row.message();
        String guide = Guides.get(row.name()) != null ? row.name() : row.equivalent();
        return withGuide(row.name(), "winsock", numbers, message, row.category(), row.retryable(), guide);
    }

    static Explanation eai(EaiRow row, Numbering os) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        put(numbers, "linux", row.glibc());
        put(numbers, "macos", row.bsd());
        put(numbers, "windows", row.windows());
        return withGuide(row.symbol(), "eai", numbers, row.message(os), row.category(), row.retryable(), row.symbol());
    }

    static Explanation herrno(HerrnoRow row) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        put(numbers, "linux", row.number());
        put(numbers, "macos", row.number());
        put(numbers, "windows", row.windows());
        return withGuide(row.symbol(), "h_errno", numbers, row.message(), row.category(), row.retryable(), row.symbol());
    }

    static Explanation icmp(IcmpRow row) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        numbers.put("type", row.type());
        numbers.put("code", row.code());
        Guide guide = row.linuxErrno().isEmpty() ? null : Guides.get(row.linuxErrno());
        String text = Concat.of(capitalize(row.meaning()), ".");
        List<String> causes = List.of();
        List<String> next = List.of();
        if (!row.linuxErrno().isEmpty()) {
            Optional<ErrnoRow> errno = errnoRow(row.linuxErrno());
            String message = errno.isPresent() ? errno.get().linuxMessage() : "";
            text = Concat.of(text, " The socket that sent the packet gets it as ", row.linuxErrno(), " (", message, ") on Linux.");
        }
        if (guide != null && row.category() != Category.OTHER) {
            causes = guide.causes();
            next = new ArrayList<>();
            next.add("netdiag ping HOST (which router sends the error)");
            next.add(Concat.of("netdiag capture -f '", row.version() == 6 ? "icmp6" : "icmp", "' (the error and the packet it quotes)"));
        }
        return new Explanation(row.symbol(), row.version() == 6 ? "icmp6" : "icmp", numbers, row.text(), row.category(),
                guide != null && guide.retryable() && row.category() != Category.PERMISSION, text, causes, next);
    }

    static Explanation condition(Guide guide) {
        return new Explanation(guide.symbol(), guide.kind() == null ? "condition" : guide.kind(), Map.of(),
                guide.message() == null ? guide.symbol() : guide.message(),
                guide.category() == null ? Category.OTHER : guide.category(), guide.retryable(), guide.what(),
                guide.causes(), guide.next());
    }

    private static Explanation withGuide(String symbol, String kind, Map<String, Integer> numbers, String message,
                                         Category category, boolean retryable, String guideSymbol) {
        Guide guide = guideSymbol == null || guideSymbol.isEmpty() ? null : Guides.get(guideSymbol);
        if (guide == null) {
            return new Explanation(symbol, kind, numbers, message, category, retryable,
                    Concat.of(capitalize(category.meaning()), "."), List.of(), List.of());
        }
        return new Explanation(symbol, kind, numbers, message, category, retryable, guide.what(), guide.causes(), guide.next());
    }

    private static void put(Map<String, Integer> numbers, String key, Integer value) {
        if (value != null) {
            numbers.put(key, value);
        }
    }

    static String capitalize(String text) {
        return text.isEmpty() ? text : Concat.of(Character.toUpperCase(text.charAt(0)), text.substring(1));
    }

    // ---- finding rows ----

    static Optional<ErrnoRow> errnoRow(String symbol) {
        if (symbol == null || symbol.isEmpty()) {
            return Optional.empty();
        }
        String wanted = symbol.toUpperCase(Locale.ROOT);
        for (ErrnoRow row : Tables.errno()) {
            if (row.symbol().equals(wanted)) {
                return Optional.of(row);
            }
        }
        for (ErrnoRow row : Tables.errno()) {
            if (row.aliases().contains(wanted)) {
                return Optional.of(row);
            }
        }
        return Optional.empty();
    }

    /** The errno with that number in that OS's numbering; the first row is the canonical name (EAGAIN, not EWOULDBLOCK). */
    static Optional<ErrnoRow> errnoRow(int number, Numbering os) {
        for (ErrnoRow row : Tables.errno()) {
            Integer n = row.number(os);
            if (n != null && n == number) {
                return Optional.of(row);
            }
        }
        return Optional.empty();
    }

    // Plain loops rather than streams: a cold JVM links and interprets a stream pipeline per call site.

    static Optional<WinsockRow> winsockRow(int code) {
        for (WinsockRow r : Tables.winsock()) {
            if (r.code() == code) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static Optional<WinsockRow> winsockRow(String name) {
        for (WinsockRow r : Tables.winsock()) {
            if (r.name().equalsIgnoreCase(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static Optional<EaiRow> eaiRow(String symbol) {
        for (EaiRow r : Tables.eai()) {
            if (r.symbol().equalsIgnoreCase(symbol)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static Optional<EaiRow> eaiRow(int number, Numbering os) {
        for (EaiRow r : Tables.eai()) {
            Integer n = r.number(os);
            if (n != null && n == number) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static Optional<HerrnoRow> herrnoRow(String symbol) {
        for (HerrnoRow r : Tables.herrno()) {
            if (r.symbol().equalsIgnoreCase(symbol)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static Optional<HerrnoRow> herrnoRow(int number) {
        for (HerrnoRow r : Tables.herrno()) {
            if (r.number() == number) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static Optional<CurlRow> curlRow(int code) {
        for (CurlRow r : Tables.curl()) {
            if (r.code() == code) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static Optional<CurlRow> curlRow(String symbol) {
        for (CurlRow r : Tables.curl()) {
            if (r.symbol().equalsIgnoreCase(symbol)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static Optional<IcmpRow> icmpRow(int version, int type, int code) {
        for (IcmpRow r : Tables.icmp()) {
            if (r.version() == version && r.type() == type && r.code() == code) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * Any named error: errno symbol or alias, Winsock name, EAI, h_errno or a condition such as EOF, explained in
     * the given numbering.
     */
    static Optional<Explanation> bySymbol(String symbol, Numbering os) {
        String wanted = symbol.toUpperCase(Locale.ROOT);
        Optional<ErrnoRow> errno = errnoRow(wanted);
        if (errno.isPresent()) {
            return Optional.of(errno(errno.get(), os));
        }
        Optional<WinsockRow> winsock = winsockRow(wanted);
        if (winsock.isPresent()) {
            return Optional.of(winsock(winsock.get()));
        }
        Optional<EaiRow> eai = eaiRow(wanted);
        if (eai.isPresent()) {
            return Optional.of(eai(eai.get(), os));
        }
        Optional<HerrnoRow> herrno = herrnoRow(wanted);
        if (herrno.isPresent()) {
            return Optional.of(herrno(herrno.get()));
        }
        Guide guide = Guides.get(wanted);
        if (guide != null && guide.message() != null) {
            return Optional.of(condition(guide));
        }
        if (wanted.startsWith("CURLE_")) {
            Optional<CurlRow> curl = curlRow(wanted);
            if (curl.isPresent()) {
                return Optional.of(curl(curl.get()));
            }
        }
        return Optional.empty();
    }

    /** Every symbol a user may type, for "did you mean" suggestions. */
    static List<String> allSymbols() {
        List<String> all = new ArrayList<>();
        for (ErrnoRow row : Tables.errno()) {
            all.add(row.symbol());
            all.addAll(row.aliases());
        }
        for (WinsockRow r : Tables.winsock()) {
            all.add(r.name());
        }
        for (EaiRow r : Tables.eai()) {
            all.add(r.symbol());
        }
        for (HerrnoRow r : Tables.herrno()) {
            all.add(r.symbol());
        }
        for (Guide g : Guides.all().values()) {
            if (g.message() != null) {
                all.add(g.symbol());
            }
        }
        for (CurlRow r : Tables.curl()) {
            all.add(r.symbol());
        }
        return all;
    }
}
