package io.netdiag.fill;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.Explanation;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Platform;

import java.util.Map;

/**
 * How a send() ended the fill, with the classifier's reading of it.
 *
 * @param operation the call that failed, with its arguments
 * @param errno     the errno the call returned
 * @param symbol    the errno's symbol (EAGAIN, ECONNRESET, EPIPE...)
 * @param message   the C library's message for it
 * @param category  the classifier's category id
 * @param meaning   what it means for this experiment
 */
public record SendFailure(String operation, int errno, String symbol, String message, String category, String meaning) {
    // The symbols of the errnos a send can end with; the classifier explains them when it knows them.
    private static final Map<Integer, String> SYMBOLS = Map.of(
            11, "EAGAIN", 32, "EPIPE", 104, "ECONNRESET", 110, "ETIMEDOUT", 111, "ECONNREFUSED",
            113, "EHOSTUNREACH", 101, "ENETUNREACH", 103, "ECONNABORTED", 107, "ENOTCONN", 98, "EADDRINUSE");

    static SendFailure of(ErrnoException e, boolean blockingWithTimeout) {
        Explanation why = Classifier.standard().classify(e);
        boolean known = why.category() != Category.OTHER;
        String symbol = known ? why.symbol() : SYMBOLS.getOrDefault(e.errno(), "errno " + e.errno());
        String category = known ? why.category().id() : switch (e.errno()) {
            case 11 -> Category.WOULD_BLOCK.id();
            case 32, 104, 103 -> Category.PEER_GONE.id();
            case 110 -> Category.TIMEOUT.id();
            default -> Category.OTHER.id();
        };
        String meaning = switch (e.errno()) {
            case 11 -> blockingWithTimeout
                    ? "the send waited SO_SNDTIMEO for room in the send buffer and gave up: the peer is not reading"
                    : "the send buffer is full because the peer is not reading (EWOULDBLOCK is the same error)";
            case 104 -> "the peer reset the connection (it closed with unread data, or crashed); the data still queued is lost";
            case 32 -> "the connection is already closed for writing (the peer closed or reset it); nothing more can be sent";
            default -> known ? why.explanation() : io.netdiag.os.Libc.strerror(e.errno());
        };
        if (Platform.current() != Platform.LINUX) {
            symbol = "errno " + e.errno();
        }
        return new SendFailure(e.operation(), e.errno(), symbol, io.netdiag.os.Libc.strerror(e.errno()), category, meaning);
    }
}
