package io.netdiag.fill;

import io.netdiag.explain.Classifier;
import io.netdiag.explain.Explanation;
import io.netdiag.os.ErrnoException;

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
    static SendFailure of(ErrnoException e, boolean blockingWithTimeout) {
        Explanation why = Classifier.standard().classify(e);
        // The experiment knows more than the classifier about why its own sends end.
        String meaning = switch (why.symbol()) {
            case "EAGAIN" -> blockingWithTimeout
                    ? "the send waited SO_SNDTIMEO for room in the send buffer and gave up: the peer is not reading"
                    : "the send buffer is full because the peer is not reading (EWOULDBLOCK is the same error)";
            case "ECONNRESET" -> "the peer reset the connection (it closed with unread data, or crashed); the data still queued is lost";
            case "EPIPE" -> "the connection is already closed for writing (the peer closed or reset it); nothing more can be sent";
            default -> why.explanation();
        };
        return new SendFailure(e.operation(), e.errno(), why.symbol(), why.message(), why.category().id(), meaning);
    }
}
