package io.netdiag.explain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The error tables, transcribed as facts into TSV resources next to this class and compiled into
 * {@link TableData}. They load on first use (holder classes), so that {@code netdiag explain EAGAIN} builds
 * only what it needs and the other commands pay nothing until they fail.
 */
final class Tables {
    private Tables() {
    }

    /** One errno symbol with its number on each OS; null where the OS has no such symbol. */
    record ErrnoRow(String symbol, Integer linux, Integer macos, Integer windows, List<String> aliases,
                    Category category, boolean retryable, String linuxMessage, String macosMessage) {
        Integer number(Numbering os) {
            return switch (os) {
                case LINUX -> linux;
                case MACOS -> macos;
                case WINDOWS -> windows;
            };
        }

        String message(Numbering os) {
            if (os == Numbering.MACOS && !macosMessage.isEmpty()) {
                return macosMessage;
            }
            return linuxMessage.isEmpty() ? macosMessage : linuxMessage;
        }
    }

    /** One Winsock error from Microsoft's table; equivalent names the errno or h_errno it mirrors. */
    record WinsockRow(int code, String name, String equivalent, Category category, boolean retryable, String message) {
    }

    /** One getaddrinfo error code: glibc (negative), BSD/macOS (positive), Windows (a WSA code). */
    record EaiRow(String symbol, Integer glibc, Integer bsd, Integer windows, Category category, boolean retryable,
                  String glibcMessage, String bsdMessage) {
        Integer number(Numbering os) {
            return switch (os) {
                case LINUX -> glibc;
                case MACOS -> bsd;
                case WINDOWS -> windows;
            };
        }

        String message(Numbering os) {
            if (os == Numbering.MACOS && !bsdMessage.isEmpty() || glibcMessage.isEmpty()) {
                return bsdMessage.isEmpty() ? symbol : bsdMessage;
            }
            return glibcMessage;
        }
    }

    /** One h_errno value (the same on glibc and BSD) and its WSA code. */
    record HerrnoRow(String symbol, int number, Integer windows, Category category, boolean retryable, String message) {
    }

    /** One ICMP or ICMPv6 type/code, with the errno Linux turns it into on the socket that sent the packet. */
    record IcmpRow(int version, int type, int code, String typeName, String codeName, Category category,
                   String linuxErrno, String meaning) {
        String symbol() {
            return Concat.of(version == 6 ? "ICMPv6 " : "ICMP ", type, "/", code);
        }

        /** As tshark prints it: {@code Destination unreachable (Port unreachable)}. */
        String text() {
            return codeName.isEmpty() ? typeName : Concat.of(typeName, " (", codeName, ")");
        }
    }

    /**
     * One curl exit code (libcurl's CURLcode): its symbol, curl_easy_strerror's message today and, where curl 7.x
     * worded it differently, then; what it means, and the guide whose causes and next steps apply ({@code like}).
     */
    record CurlRow(int code, String symbol, Category category, boolean retryable, String like, String message,
                   String oldMessage, String meaning) {
    }

    /** One phrase of phrases.tsv: a program's wording, what it means, whether it is vague, and who prints it. */
    record PhraseRow(String text, String ref, boolean vague, String program) {
    }

    static List<ErrnoRow> errno() {
        return ErrnoHolder.ROWS;
    }

    static List<CurlRow> curl() {
        return CurlHolder.ROWS;
    }

    static List<WinsockRow> winsock() {
        return WinsockHolder.ROWS;
    }

    static List<EaiRow> eai() {
        return EaiHolder.ROWS;
    }

    static List<HerrnoRow> herrno() {
        return HerrnoHolder.ROWS;
    }

    static List<IcmpRow> icmp() {
        return IcmpHolder.ROWS;
    }

    // The rows come from TableData, which TableDataTest generates from the TSV resources: parsing the text
    // at start-up (the jar: URL machinery, split, lambdas) cost a cold `netdiag explain EAGAIN` ~15 ms.

    private static final class ErrnoHolder {
        static final List<ErrnoRow> ROWS = TableData.errno();
    }

    private static final class WinsockHolder {
        static final List<WinsockRow> ROWS = TableData.winsock();
    }

    private static final class EaiHolder {
        static final List<EaiRow> ROWS = TableData.eai();
    }

    private static final class HerrnoHolder {
        static final List<HerrnoRow> ROWS = TableData.herrno();
    }

    private static final class IcmpHolder {
        static final List<IcmpRow> ROWS = TableData.icmp();
    }

    private static final class CurlHolder {
        static final List<CurlRow> ROWS = TableData.curl();
    }

    // ---- the TSV sources, parsed; only the generator of TableData and its up-to-date check read them ----

    static List<ErrnoRow> parseErrno() {
        return read("errno.tsv", f -> new ErrnoRow(f[0], number(f[1]), number(f[2]),
                number(f[3]), f[4].isEmpty() ? List.of() : List.of(f[4].split(",")), Category.fromId(f[5]),
                "yes".equals(f[6]), f[7], f[8]));
    }

    static List<WinsockRow> parseWinsock() {
        return read("winsock.tsv", f -> new WinsockRow(Integer.parseInt(f[0]), f[1], f[2],
                Category.fromId(f[3]), "yes".equals(f[4]), f[5]));
    }

    static List<EaiRow> parseEai() {
        return read("eai.tsv", f -> new EaiRow(f[0], number(f[1]), number(f[2]), number(f[3]),
                Category.fromId(f[4]), "yes".equals(f[5]), f[6], f[7]));
    }

    static List<HerrnoRow> parseHerrno() {
        return read("herrno.tsv", f -> new HerrnoRow(f[0], Integer.parseInt(f[1]),
                number(f[2]), Category.fromId(f[3]), "yes".equals(f[4]), f[5]));
    }

    static List<IcmpRow> parseIcmp() {
        return read("icmp.tsv", f -> new IcmpRow(Integer.parseInt(f[0]), Integer.parseInt(f[1]),
                Integer.parseInt(f[2]), f[3], f[4], Category.fromId(f[5]), f[6], f[7]));
    }

    static List<CurlRow> parseCurl() {
        return read("curl.tsv", f -> new CurlRow(Integer.parseInt(f[0]), f[1], Category.fromId(f[2]), "yes".equals(f[3]),
                f[4], f[5], f[6], f[7]));
    }

    static List<PhraseRow> parsePhrases() {
        return read("phrases.tsv", f -> new PhraseRow(f[0], f[1], "vague".equals(f[2]), f[3]));
    }

    private static Integer number(String field) {
        return field.isEmpty() ? null : Integer.valueOf(field);
    }

    static <T> List<T> read(String resource, Function<String[], T> row) {
        List<T> rows = new ArrayList<>();
        for (String line : lines(resource)) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            rows.add(row.apply(line.split("\t", -1)));
        }
        return List.copyOf(rows);
    }

    static List<String> lines(String resource) {
        try (InputStream in = Tables.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource io/netdiag/explain/" + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
