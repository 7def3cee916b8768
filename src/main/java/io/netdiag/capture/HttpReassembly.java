package io.netdiag.capture;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Set;

/**
 * HTTP/1.x messages over TCP, followed across segments as tshark follows them with its default
 * reassembly (headers, then the body by Content-Length, chunks, or until the sender's FIN).
 *
 * <p>What tshark shows: the segment that completes a message says HTTP, with the message's first line
 * and, for a non-empty body, its media type ({@code HTTP/1.1 200 OK  (text/plain)}; JSON bodies make the
 * protocol HTTP/JSON, XML ones HTTP/XML). Every earlier segment of the message says TCP and ends in
 * {@code [TCP segment of a reassembled PDU]}, after the first line where that segment carried it.
 * Several messages in one segment run their first lines together. On ports tshark gives to HTTP a
 * segment that starts no message is a {@code Continuation}; elsewhere HTTP is recognised by a complete
 * first line, as tshark's heuristic recognises it.
 */
final class HttpReassembly {

    /** tshark 4.0's http.tcp.port range. */
    private static boolean httpPort(int port) {
        return switch (port) {
            case 80, 1900, 2710, 2869, 3128, 3132, 5985, 8080, 8088, 11371 -> true;
            default -> false;
        };
    }

    private static final Set<String> JSON_TYPES = Set.of("application/json", "application/json-rpc",
            "application/jsonrequest", "application/x-ndjson", "application/senml+json", "application/sensml+json",
            "application/dds-web+json", "application/vnd.oma.lwm2m+json", "application/vnd.oma.lwm2m.ext+json");
    private static final Set<String> XML_TYPES = Set.of("text/xml", "application/xml", "image/svg+xml",
            "application/atom+xml", "application/rss+xml", "application/soap+xml", "application/xslt+xml",
            "application/xml-dtd", "application/rdf+xml", "application/mathml+xml", "application/pidf+xml",
            "application/rlmi+xml", "application/xcap-el+xml", "application/xcap-att+xml", "application/xcap-error+xml",
            "application/xcap-caps+xml", "application/resource-lists+xml", "application/rls-services+xml",
            "application/reginfo+xml", "application/conference-info+xml", "application/simple-filter+xml",
            "application/watcherinfo+xml", "application/vnd.wv.csp+xml", "text/vnd.wap.wml");

    private enum Body { NONE, PROBE, HEAD, LENGTH, CHUNKED, CLOSE }

    private enum Chunk { SIZE, DATA, DATA_END, TRAILER }

    /** One direction of one connection. */
    private static final class Direction extends StreamDirections.Direction {
        Body body = Body.NONE;
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        String firstLine;
        boolean firstLineHere;
        long remaining;
        long bodyBytes;
        String contentType;
        Chunk chunk = Chunk.SIZE;
        final StringBuilder chunkLine = new StringBuilder();
        /** With keepBytes: the message as sent, its de-chunked body, and whether it began in an earlier segment. */
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        final ByteArrayOutputStream dechunked = new ByteArrayOutputStream();
        boolean startedEarlier;
        boolean chunked;

        void endMessage() {
            wire.reset();
            dechunked.reset();
            startedEarlier = false;
            chunked = false;
            body = Body.NONE;
            head.reset();
            firstLine = null;
            remaining = 0;
            bodyBytes = 0;
            contentType = null;
            chunk = Chunk.SIZE;
            chunkLine.setLength(0);
        }

        @Override
        void dropMessage() {
            endMessage();
        }
    }

    private final StreamDirections<Direction> directions = new StreamDirections<>(StreamDirections.HTTP, Direction::new);
    private final boolean keepBytes;
    private java.util.List<PacketSummary.Source> sources;

    /** With {@code keepBytes}, messages come back as "Reassembled TCP" and "De-chunked entity body" data. */
    HttpReassembly(boolean keepBytes) {
        this.keepBytes = keepBytes;
    }

    /** Gives up the message in progress in this direction: bytes of it were not captured or were resent. */
    void forget(TcpConnection connection, boolean forward) {
        directions.forget(connection, forward);
    }

    /** Whether the direction has already followed these bytes (a retransmission of them). */
    boolean followed(TcpConnection connection, boolean forward, long seq, long length) {
        return directions.followed(connection, forward, seq, length);
    }

    /**
     * Follows one segment's payload {@code b[off, end)}; {@code seq} is the raw sequence number, used to
     * notice a gap (the message in progress is then given up, as tshark cannot finish it either).
     */
    StreamOutcome segment(TcpConnection connection, boolean forward, int srcPort, int dstPort, long seq, boolean syn, boolean fin,
                    byte[] b, int off, int end) {
        Direction d = directions.of(connection, forward);
        long length = Math.max(0, end - off);
        if (syn) {
            d.endMessage();
            d.position.advance(seq, 0, true, false);
            if (connection.httpMethods != null) {
                connection.httpMethods.clear(); // kept: a long capture reuses ports thousands of times
            }
            connection.httpSeen = false;
            return null;
        }
        if (!d.position.advance(seq, length, false, fin)) {
            d.endMessage();
        }
        if (length == 0 && !(fin && d.body == Body.CLOSE)) {
            return null;
        }
        boolean httpPort = httpPort(srcPort) || httpPort(dstPort);
        sources = java.util.List.of();
        if (d.body != Body.NONE) {
            d.startedEarlier = true;
        }
        StringBuilder done = new StringBuilder();
        String protocol = null;
        d.firstLineHere = false;
        int pos = off;
        while (pos < end) {
            if (d.body == Body.NONE) {
                int lineEnd = lineEnd(b, pos, end);
                boolean starts = HttpFirstLine.startsLikeHttp(b, pos, end);
                if (!starts || (lineEnd < 0 && !httpPort)) {
                    if (done.isEmpty() && httpPort && pos == off) {
                        if (connection.httpSeen) {
                            return new StreamOutcome("HTTP", "Continuation");
                        }
                        // a new connection: printable text without a line end may still become a request
                        if (lineEnd < 0 && printable(b, pos, end)) {
                            d.body = Body.PROBE;
                            d.head.write(b, pos, end - pos);
                            keep(d, b, pos, end);
                            return new StreamOutcome("TCP", null);
                        }
                    }
                    break;
                }
                d.body = Body.HEAD;
                d.firstLineHere = lineEnd >= 0;
                d.firstLine = lineEnd >= 0 ? latin1(b, pos, lineEnd) + " " : null;
            }
            if (d.body == Body.PROBE) {
                d.head.write(b, pos, end - pos);
                keep(d, b, pos, end);
                byte[] text = d.head.toByteArray();
                int lineEnd = lineEnd(text, 0, text.length);
                if (lineEnd < 0 && printable(b, pos, end)) {
                    return new StreamOutcome("TCP", null);
                }
                if (lineEnd < 0 || !HttpFirstLine.startsLikeHttp(text, 0, text.length)) {
                    // not HTTP after all: the segment stays plain TCP, though tshark did reassemble the text
                    d.endMessage();
                    return keepBytes ? new StreamOutcome(null, null,
                            java.util.List.of(new PacketSummary.Source("Reassembled TCP", text))) : null;
                }
                // the request line is complete: read it again as the start of a message
                d.endMessage();
                int before = text.length - (end - pos);
                d.body = Body.HEAD;
                d.head.write(text, 0, before);
                d.wire.write(text, 0, before);
                d.startedEarlier = true;
            }
            if (d.body == Body.HEAD) {
                int from = pos;
                pos = readHead(d, b, pos, end, connection);
                keep(d, b, from, pos);
                if (d.body == Body.HEAD) {
                    break;
                }
            }
            int from = pos;
            pos = readBody(d, b, pos, end);
            keep(d, b, from, pos);
            // a chunked body ends as an empty LENGTH one once its last chunk and trailer are read
            if (d.body == Body.LENGTH && d.remaining == 0) {
                protocol = complete(d, done);
            }
        }
        if (fin && d.body == Body.CLOSE) {
            protocol = complete(d, done);
        }
        if (!done.isEmpty()) {
            if (d.body != Body.NONE && d.firstLine != null) {
                done.append(d.firstLine);
            }
            return new StreamOutcome(protocol, done.toString(), sources);
        }
        if (d.body == Body.NONE) {
            return null;
        }
        return new StreamOutcome("TCP", d.firstLineHere && d.firstLine != null ? d.firstLine + " " + StreamOutcome.SEGMENT_OF_PDU : null);
    }

    private void keep(Direction d, byte[] b, int from, int to) {
        if (keepBytes && to > from) {
            d.wire.write(b, from, to - from);
        }
    }

    /** The message ended in this segment: its line and media type join the Info; returns the protocol. */
    private String complete(Direction d, StringBuilder done) {
        if (keepBytes && (d.startedEarlier || d.chunked)) {
            if (sources.isEmpty()) {
                sources = new java.util.ArrayList<>(2);
            }
            if (d.startedEarlier) {
                sources.add(new PacketSummary.Source("Reassembled TCP", d.wire.toByteArray()));
            }
            if (d.chunked) {
                sources.add(new PacketSummary.Source("De-chunked entity body", d.dechunked.toByteArray()));
            }
        }
        String protocol = "HTTP";
        String line = d.firstLine == null ? "" : d.firstLine;
        String type = d.bodyBytes > 0 ? d.contentType : null;
        done.append(line);
        if (type != null && !type.isEmpty() && !type.equals("application/octet-stream")) {
            if (JSON_TYPES.contains(type) || type.endsWith("+json")) {
                protocol = "HTTP/JSON";
                done.append(", JavaScript Object Notation (").append(type).append(')');
            } else if (XML_TYPES.contains(type)) {
                protocol = "HTTP/XML";
            } else {
                done.append(" (").append(type).append(')');
            }
        }
        d.endMessage();
        return protocol;
    }

    /** Collects header bytes up to the blank line; then decides how the body is delimited. */
    private int readHead(Direction d, byte[] b, int pos, int end, TcpConnection connection) {
        int before = d.head.size();
        d.head.write(b, pos, end - pos);
        byte[] head = d.head.toByteArray();
        int blank = -1;
        for (int i = Math.max(0, before - 3); i + 3 < head.length; i++) {
            if (head[i] == '\r' && head[i + 1] == '\n' && head[i + 2] == '\r' && head[i + 3] == '\n') {
                blank = i;
                break;
            }
        }
        if (d.firstLine == null) {
            int lineEnd = lineEnd(head, 0, head.length);
            if (lineEnd >= 0) {
                d.firstLine = latin1(head, 0, lineEnd) + " ";
                d.firstLineHere = true;
            }
        }
        if (blank < 0) {
            return end;
        }
        int used = blank + 4 - before;
        // the header lines (split at CRLF, as the text's split("\r\n") did), read where they lie
        int firstEnd = lineEnd(head, 0, blank);
        if (firstEnd < 0) {
            firstEnd = blank;
        }
        long contentLength = -1;
        boolean chunked = false;
        for (int start = firstEnd + 2; start < blank; ) {
            int stop = lineEnd(head, start, blank);
            if (stop < 0) {
                stop = blank;
            }
            int colon = -1;
            for (int i = start; i < stop; i++) {
                if (head[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon > start) {
                // the name, trimmed as String.trim() trims (every character up to the space)
                int nameFrom = start;
                int nameTo = colon;
                while (nameFrom < nameTo && (head[nameFrom] & 0xff) <= ' ') {
                    nameFrom++;
                }
                while (nameTo > nameFrom && (head[nameTo - 1] & 0xff) <= ' ') {
                    nameTo--;
                }
                if (nameIs(head, nameFrom, nameTo, "content-length")) {
                    try {
                        contentLength = Long.parseLong(latin1(head, colon + 1, stop).trim());
                    } catch (NumberFormatException e) {
                        contentLength = -1;
                    }
                } else if (nameIs(head, nameFrom, nameTo, "transfer-encoding")) {
                    chunked = latin1(head, colon + 1, stop).trim().toLowerCase(Locale.ROOT).contains("chunked");
                } else if (nameIs(head, nameFrom, nameTo, "content-type")) {
                    String value = latin1(head, colon + 1, stop).trim();
                    int semicolon = value.indexOf(';');
                    d.contentType = (semicolon >= 0 ? value.substring(0, semicolon) : value).trim().toLowerCase(Locale.ROOT);
                }
            }
            start = stop + 2;
        }
        connection.httpSeen = true;
        String first = latin1(head, 0, firstEnd);
        boolean response = first.startsWith("HTTP/");
        boolean noBody;
        if (response) {
            int status = status(first);
            ArrayDeque<String> queue = connection.httpMethods;
            String method = status >= 100 && status < 200 || queue == null ? null : queue.pollFirst();
            noBody = (status >= 100 && status < 200) || status == 204 || status == 304 || "HEAD".equals(method);
        } else {
            if (connection.httpMethods == null) {
                connection.httpMethods = new ArrayDeque<>();
            }
            connection.httpMethods.addLast(first.substring(0, first.indexOf(' ')));
            noBody = contentLength < 0 && !chunked;
        }
        if (noBody || (!chunked && contentLength == 0)) {
            d.body = Body.LENGTH; // an empty body: the message ends with its head
            d.remaining = 0;
        } else if (chunked) {
            d.body = Body.CHUNKED;
            d.chunked = true;
        } else if (contentLength > 0) {
            d.body = Body.LENGTH;
            d.remaining = contentLength;
        } else {
            d.body = Body.CLOSE;
        }
        return pos + used;
    }

    /** Consumes body bytes from {@code pos}; returns where the next message would start. */
    private int readBody(Direction d, byte[] b, int pos, int end) {
        switch (d.body) {
            case LENGTH -> {
                long take = Math.min(d.remaining, end - pos);
                d.remaining -= take;
                d.bodyBytes += take;
                return (int) (pos + take);
            }
            case CLOSE -> {
                d.bodyBytes += end - pos;
                return end;
            }
            case CHUNKED -> {
                while (pos < end && d.body == Body.CHUNKED) {
                    switch (d.chunk) {
                        case SIZE, TRAILER -> {
                            byte c = b[pos++];
                            if (c != '\n') {
                                if (c != '\r') {
                                    d.chunkLine.append((char) c);
                                }
                                continue;
                            }
                            String line = d.chunkLine.toString().trim();
                            d.chunkLine.setLength(0);
                            if (d.chunk == Chunk.TRAILER) {
                                if (line.isEmpty()) {
                                    d.body = Body.LENGTH;
                                    d.remaining = 0;
                                }
                                continue;
                            }
                            int semicolon = line.indexOf(';');
                            long size;
                            try {
                                size = Long.parseLong(semicolon >= 0 ? line.substring(0, semicolon).trim() : line, 16);
                            } catch (NumberFormatException e) {
                                size = 0;
                            }
                            if (size == 0) {
                                d.chunk = Chunk.TRAILER;
                            } else {
                                d.remaining = size;
                                d.chunk = Chunk.DATA;
                            }
                        }
                        case DATA -> {
                            long take = Math.min(d.remaining, end - pos);
                            if (keepBytes) {
                                d.dechunked.write(b, pos, (int) take);
                            }
                            d.remaining -= take;
                            d.bodyBytes += take;
                            pos += (int) take;
                            if (d.remaining == 0) {
                                d.chunk = Chunk.DATA_END;
                                d.remaining = 2;
                            }
                        }
                        case DATA_END -> {
                            pos++;
                            if (--d.remaining == 0) {
                                d.chunk = Chunk.SIZE;
                            }
                        }
                    }
                }
                return pos;
            }
            default -> {
                return pos;
            }
        }
    }

    /** Text a person could have typed: printable ASCII, tabs and line ends. */
    private static boolean printable(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if ((c < 0x20 || c > 0x7e) && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    private static int status(String statusLine) {
        // the second word, as statusLine.split(" ", 3)[1]
        int space = statusLine.indexOf(' ');
        if (space < 0) {
            return -1;
        }
        int next = statusLine.indexOf(' ', space + 1);
        try {
            return Integer.parseInt(statusLine, space + 1, next < 0 ? statusLine.length() : next, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether {@code b[from, to)} is the lower-case ASCII {@code name} in any case. Latin-1 text lower-cases
     * to ASCII only from ASCII, so this is the name's {@code toLowerCase(Locale.ROOT)} compared.
     */
    private static boolean nameIs(byte[] b, int from, int to, String name) {
        if (to - from != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int lineEnd(byte[] b, int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
