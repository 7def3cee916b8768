package io.netdiag.fill;

import java.net.SocketAddress;
import java.time.Duration;

/**
 * What {@code netdiag fill} is asked to do.
 *
 * @param mode           local pair, client only ({@code --connect}) or server only ({@code --listen})
 * @param target         the address to connect to or listen on; for a local pair, the listener's address
 *                       (port 0 = any free port; a UNIX path for {@code --unix})
 * @param sndbuf         SO_SNDBUF to request on the sending socket, or null for the kernel's autotuning
 * @param rcvbuf         SO_RCVBUF to request on the receiving socket, or null for autotuning
 * @param chunk          bytes per send() call
 * @param blocking       blocking sends with SO_SNDTIMEO = {@code sendTimeout} instead of non-blocking sends
 * @param sendTimeout    SO_SNDTIMEO for {@code blocking}
 * @param reader         how the receiving side reads
 * @param bytes          stop once this many bytes are sent (and read), or null to stop at the first block
 * @param duration       stop after this long, or null (for {@code --listen}: serve until interrupted)
 * @param hold           keep everything open this long after the send blocked, for other tools to look
 * @param connectTimeout how long {@code --connect} waits for the handshake
 */
public record FillRequest(
        Mode mode,
        SocketAddress target,
        Integer sndbuf,
        Integer rcvbuf,
        int chunk,
        boolean blocking,
        Duration sendTimeout,
        ReaderPolicy reader,
        Long bytes,
        Duration duration,
        Duration hold,
        Duration connectTimeout) {

    /** Which side(s) of the experiment netdiag runs. */
    public enum Mode { LOCAL, CONNECT, LISTEN }

    public FillRequest {
        if (chunk <= 0) {
            throw new IllegalArgumentException("chunk must be positive");
        }
        hold = hold == null ? Duration.ZERO : hold;
        reader = reader == null ? new ReaderPolicy.Never() : reader;
    }
}
