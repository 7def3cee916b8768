package io.netdiag.fill;

/**
 * One point of the timeline: the queues and the peer's window at {@code millis} after the first send.
 *
 * @param event       what happened just before the sample: {@code send}, {@code eagain}, {@code settle},
 *                    {@code resume}, {@code read}, {@code hold}, {@code end}
 * @param sent        bytes the kernel accepted from send() so far
 * @param read        bytes the receiving side has read so far (local mode)
 * @param serverRecvQ the server's Recv-Q, or -1 when it is not measured here (client-only mode)
 * @param clientSendQ the client's Send-Q, or -1 when it is not measured here (server-only mode)
 * @param peerWindow  the window the server advertised, as the client last saw it (tcpi_snd_wnd); -1 unknown
 * @param backoff     the client's zero-window probe back-off (tcpi_backoff); -1 unknown
 */
public record FillSample(double millis, String event, long sent, long read, long serverRecvQ, long clientSendQ,
                         long peerWindow, int backoff) {
}
