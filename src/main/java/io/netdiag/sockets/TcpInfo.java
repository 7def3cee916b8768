package io.netdiag.sockets;

import io.netdiag.os.NativeBytes;

/**
 * The kernel's {@code struct tcp_info} for one TCP socket (include/uapi/linux/tcp.h), as INET_DIAG_INFO
 * carries it. Times ending in {@code Us} are microseconds, in {@code Ms} milliseconds; rates are bytes per
 * second. Fields a kernel too old to fill them does not send are -1 (the struct only ever grows at the end).
 *
 * @param caState       congestion-avoidance state: 0 open, 1 disorder, 2 CWR, 3 recovery, 4 loss
 * @param retransmits   retransmissions of the current head segment (the RTO backoff count)
 * @param probes        unanswered zero-window or keepalive probes
 * @param unacked       segments sent and not yet acknowledged
 * @param lost          segments thought lost
 * @param retrans       segments retransmitted and not yet acknowledged
 * @param totalRetrans  segments retransmitted over the connection's life
 * @param sndWnd        the peer's advertised receive window, in bytes (0: the peer is not reading)
 * @param rcvWnd        the window this socket advertises to the peer, in bytes
 * @param rwndLimitedUs   time the sender was limited by the peer's receive window
 * @param sndbufLimitedUs time the sender was limited by its own send buffer
 * @param appLimited    1 when the last delivery rate sample was limited by the application (tcpi_delivery_rate_app_limited)
 * @param fackets       forward-acknowledged segments (0 on kernels since 4.15)
 * @param maxPacingRate SO_MAX_PACING_RATE in bytes per second (-1 as ~0: no limit)
 * @param deliveredCe   segments delivered with an ECN CE mark
 * @param dsackDups     duplicate segments the peer reported with D-SACK
 * @param reordSeen     reordering events seen
 * @param rcvOoopack    out-of-order packets received
 * @param bbrBandwidth  BBR's bandwidth estimate in bytes per second, -1 when the socket does not run BBR (or without
 *                      -i); bbrMinRttUs, bbrPacingGain and bbrCwndGain (1/256ths) likewise
 */
public record TcpInfo(
        int caState, int retransmits, int probes, int backoff, int options, int sndWscale, int rcvWscale,
        long rtoUs, long atoUs, long sndMss, long rcvMss,
        long unacked, long sacked, long lost, long retrans,
        long lastDataSentMs, long lastDataRecvMs, long lastAckRecvMs,
        long pmtu, long rcvSsthresh, long rttUs, long rttvarUs, long sndSsthresh, long sndCwnd, long advmss,
        long reordering, long rcvRttUs, long rcvSpace, long totalRetrans,
        long pacingRate, long bytesAcked, long bytesReceived, long segsOut, long segsIn, long notsentBytes,
        long minRttUs, long dataSegsIn, long dataSegsOut, long deliveryRate, long busyTimeUs, long rwndLimitedUs,
        long sndbufLimitedUs, long delivered,
        long bytesSent, long bytesRetrans, long sndWnd, long rcvWnd,
        int appLimited, long fackets, long maxPacingRate, long deliveredCe, long dsackDups, long reordSeen, long rcvOoopack,
        long bbrBandwidth, long bbrMinRttUs, long bbrPacingGain, long bbrCwndGain) {

    /**
     * A copy with what BBR reports of itself (INET_DIAG_BBRINFO, struct tcp_bbr_info): its bandwidth estimate in bytes
     * per second, its minimum RTT, and its pacing and cwnd gains in 1/256ths.
     */
    public TcpInfo withBbr(long bandwidth, long minRttUs, long pacingGain, long cwndGain) {
        return new TcpInfo(caState, retransmits, probes, backoff, options, sndWscale, rcvWscale, rtoUs, atoUs, sndMss, rcvMss,
                unacked, sacked, lost, retrans, lastDataSentMs, lastDataRecvMs, lastAckRecvMs, pmtu, rcvSsthresh, rttUs,
                rttvarUs, sndSsthresh, sndCwnd, advmss, reordering, rcvRttUs, rcvSpace, totalRetrans, pacingRate,
                bytesAcked, bytesReceived, segsOut, segsIn, notsentBytes, minRttUs, dataSegsIn, dataSegsOut, deliveryRate,
                busyTimeUs, rwndLimitedUs, sndbufLimitedUs, delivered, bytesSent, bytesRetrans, sndWnd, rcvWnd, appLimited,
                fackets, maxPacingRate, deliveredCe, dsackDups, reordSeen, rcvOoopack, bandwidth, minRttUs, pacingGain,
                cwndGain);
    }

    /** tcpi_options bits. */
    public static final int OPT_TIMESTAMPS = 1;
    public static final int OPT_SACK = 2;
    public static final int OPT_WSCALE = 4;
    public static final int OPT_ECN = 8;
    public static final int OPT_ECN_SEEN = 16;
    public static final int OPT_SYN_DATA = 32;

    /**
     * Decodes {@code struct tcp_info} as getsockopt(TCP_INFO) returns it ({@code length} bytes written into
     * {@code raw}): the same struct INET_DIAG_INFO carries, for callers holding the socket itself.
     */
    public static TcpInfo fromGetsockopt(byte[] raw, int length) {
        return decode(raw, 0, length);
    }

    /** The TCP state in a getsockopt(TCP_INFO) struct (its first byte, {@code tcpi_state}). */
    public static SocketState stateFromGetsockopt(byte[] raw) {
        return SocketState.of(Byte.toUnsignedInt(raw[0]));
    }

    /** Decodes the attribute's payload ({@code length} bytes at {@code at}); missing tail fields come out as -1. */
    public static TcpInfo decode(byte[] b, int at, int length) {
        Fields s = new Fields(b, at, length);
        int wscale = s.u8(6);
        return new TcpInfo(
                s.u8(1), s.u8(2), s.u8(3), s.u8(4), s.u8(5), wscale < 0 ? -1 : wscale & 0xf, wscale < 0 ? -1 : wscale >>> 4,
                s.u32(8), s.u32(12), s.u32(16), s.u32(20),
                s.u32(24), s.u32(28), s.u32(32), s.u32(36),
                s.u32(44), s.u32(52), s.u32(56),
                s.u32(60), s.u32(64), s.u32(68), s.u32(72), s.u32(76), s.u32(80), s.u32(84),
                s.u32(88), s.u32(92), s.u32(96), s.u32(100),
                s.u64(104), s.u64(120), s.u64(128), s.u32(136), s.u32(140), s.u32(144),
                s.u32(148), s.u32(152), s.u32(156), s.u64(160), s.u64(168), s.u64(176), s.u64(184), s.u32(192),
                s.u64(200), s.u64(208), s.u32(228), s.u32(232),
                s.u8(7) < 0 ? -1 : s.u8(7) & 1, s.u32(40), s.u64(112), s.u32(196), s.u32(216), s.u32(220), s.u32(224),
                -1, -1, -1, -1);
    }

    /** Bounds-checked reads: a field beyond what this kernel sent is -1. */
    private record Fields(byte[] b, int at, int length) {
        int u8(int offset) {
            return offset < length ? NativeBytes.u8(b, at + offset) : -1;
        }

        long u32(int offset) {
            return offset + 4 <= length ? NativeBytes.u32(b, at + offset) : -1;
        }

        long u64(int offset) {
            return offset + 8 <= length ? NativeBytes.s64(b, at + offset) : -1;
        }
    }
}
