package io.netdiag.fill;

import java.util.List;

/**
 * What a fill found: how much the kernel took before send() blocked, where those bytes sit, and the
 * TCP facts that show why.
 *
 * @param mode            local, connect or listen
 * @param transport       tcp, tcp6 or unix
 * @param server          the receiving endpoint's address
 * @param client          the sending endpoint's address
 * @param chunk           bytes per send() call
 * @param sendMode        {@code non-blocking} or {@code blocking (SO_SNDTIMEO ...)}
 * @param reader          the receiving side's reader policy
 * @param sends           successful send() calls until the first block
 * @param shortSends      of those, how many the kernel took only part of
 * @param hungSends       blocking mode: of those, how many waited SO_SNDTIMEO and returned short
 * @param millisToHang    blocking mode: time from the first send to the start of the first send that hung, or -1
 * @param bytesAtBlock    bytes the kernel accepted before the first block
 * @param millisToBlock   time from the first send to the first failing send, or -1 if it never blocked
 * @param blockedFor      blocking mode: how long the failing send hung before it returned; else -1
 * @param failure         the error that ended (or first paused) the sending, or null if it never failed
 * @param totalSent       bytes sent by the end (more than bytesAtBlock when a reader let the send resume)
 * @param totalRead       bytes the server read by the end
 * @param blocks          how many times the send blocked
 * @param resumedAfter    milliseconds from the first block until the send went on, or -1
 * @param completed       whether the configured byte count was sent and read
 * @param buffers         SO_SNDBUF and SO_RCVBUF, requested and effective
 * @param settledAfter    milliseconds after the first block when the queues stopped changing, or -1
 * @param queues          both endpoints once settled (netstat rows)
 * @param queueSource     where those rows were read: {@code netlink} (sock_diag, as {@code netdiag sockets}
 *                        and ss read them), {@code ioctl} (the fallback), or {@code netlink+ioctl}
 * @param queueNote       why a row was not read through netlink, or null
 * @param accounting      where the bytes are
 * @param window          the TCP facts that explain the block, or null for UNIX sockets
 * @param timeline        samples from the first send to the end
 */
public record FillResult(
        String mode,
        String transport,
        String server,
        String client,
        int chunk,
        String sendMode,
        String reader,
        long sends,
        long shortSends,
        long hungSends,
        double millisToHang,
        long bytesAtBlock,
        double millisToBlock,
        double blockedFor,
        SendFailure failure,
        long totalSent,
        long totalRead,
        long blocks,
        double resumedAfter,
        boolean completed,
        List<BufferSetting> buffers,
        double settledAfter,
        List<EndpointQueues> queues,
        String queueSource,
        String queueNote,
        Accounting accounting,
        WindowFacts window,
        List<FillSample> timeline) {

    /**
     * Where the accepted bytes are once the queues settle: for TCP, {@code sent = read + server Recv-Q +
     * client Send-Q} exactly on loopback (nothing in flight); for UNIX, {@code sent = read + server Recv-Q}
     * and the client's Send-Q counts memory, not bytes.
     *
     * @param sent        bytes the kernel accepted from send()
     * @param read        bytes the server application read
     * @param serverRecvQ the server's Recv-Q (-1 if not measured here)
     * @param clientSendQ the client's Send-Q (-1 if not measured here)
     * @param peerAcked   bytes the peer acknowledged (tcp_info), for a remote server whose Recv-Q we cannot see
     * @param accounted   the bytes the queues account for
     * @param exact       whether {@code accounted == sent}
     */
    public record Accounting(long sent, long read, long serverRecvQ, long clientSendQ, long peerAcked, long accounted,
                             boolean exact) {
    }

    /**
     * The TCP facts behind the block, from the client's (and local server's) tcp_info.
     *
     * @param peerWindow          the window the server advertised (tcpi_snd_wnd); 0 = its receive buffer is full
     * @param zeroWindowProbes    segments the client sent while the window was 0 (window probes)
     * @param backoff             the persist timer's back-off (tcpi_backoff)
     * @param probes              unanswered probes (tcpi_probes)
     * @param notSent             bytes in the client's send queue never sent, waiting for the window
     * @param unacked             segments in flight (0 once settled)
     * @param rwndLimitedMillis   time the client was limited by the receive window (tcpi_rwnd_limited)
     * @param sndbufLimitedMillis time it was limited by its send buffer (tcpi_sndbuf_limited)
     * @param serverRcvSpace      the server's receive-space estimate (tcpi_rcv_space), -1 when not local
     * @param serverRcvSsthresh   the server's window clamp (tcpi_rcv_ssthresh), -1 when not local
     */
    public record WindowFacts(long peerWindow, long zeroWindowProbes, int backoff, int probes, long notSent, long unacked,
                              double rwndLimitedMillis, double sndbufLimitedMillis, long serverRcvSpace,
                              long serverRcvSsthresh) {
    }
}
