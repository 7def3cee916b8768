package io.netdiag.capture;

/** The first line of an HTTP/1.x request or response, as tshark shows it in Info (with its trailing space). */
final class HttpFirstLine {
    private static final String[] STARTS = {"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ",
            "CONNECT ", "TRACE ", "HTTP/1.0 ", "HTTP/1.1 "};

    private HttpFirstLine() {
    }

    /** Whether the payload starts like an HTTP/1.x request or response (its first line may be incomplete). */
    static boolean startsLikeHttp(byte[] b, int off, int end) {
        for (String start : STARTS) {
            if (end - off >= start.length() && startsWith(b, off, start)) {
                return true;
            }
        }
        return false;
    }

    /** The line, or null when the payload does not start like HTTP or has no complete first line. */
    static String of(byte[] b, int off, int end) {
        if (!startsLikeHttp(b, off, end)) {
            return null;
        }
        for (int i = off; i + 1 < end; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return new String(b, off, i - off, java.nio.charset.StandardCharsets.ISO_8859_1) + " ";
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int off, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b[off + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
