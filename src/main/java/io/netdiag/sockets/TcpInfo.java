package io.netdiag.sockets;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

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
 */
public record TcpInfo(
        int caState, int retransmits, int probes, int backoff, int options, int sndWscale, int rcvWscale,
        long rtoUs, long atoUs, long sndMss, long rcvMss,
        long unacked, long sacked, long lost, long retrans,
        long lastDataSentMs, long lastDataRecvMs, long lastAckRecvMs,
        long pmtu, long rcvSsthresh, long rttUs, long rttvarUs, long sndSsthresh, long sndCwnd, long advmss,
        long reordering, long rcvRttUs, long rcvSpace, long totalRetrans,
        long pacingRate, long bytesAcked, long bytesReceived, long segsOut, long segsIn, long notsentBytes,
        long minRttUs, long dataSegsIn, long dataSegsOut, long deliveryRate, long busyTimeUs, long delivered,
        long bytesSent, long bytesRetrans, long sndWnd, long rcvWnd) {

    /** tcpi_options bits. */
    public static final int OPT_TIMESTAMPS = 1;
    public static final int OPT_SACK = 2;
    public static final int OPT_WSCALE = 4;
    public static final int OPT_ECN = 8;

    /** Decodes the attribute's payload; missing tail fields come out as -1. */
    public static TcpInfo decode(MemorySegment s) {
        long n = s.byteSize();
        int wscale = n > 6 ? Byte.toUnsignedInt(s.get(JAVA_BYTE, 6)) : 0;
        return new TcpInfo(
                u8(s, 1), u8(s, 2), u8(s, 3), u8(s, 4), u8(s, 5), wscale & 0xf, wscale >>> 4,
                u32(s, 8), u32(s, 12), u32(s, 16), u32(s, 20),
                u32(s, 24), u32(s, 28), u32(s, 32), u32(s, 36),
                u32(s, 44), u32(s, 52), u32(s, 56),
                u32(s, 60), u32(s, 64), u32(s, 68), u32(s, 72), u32(s, 76), u32(s, 80), u32(s, 84),
                u32(s, 88), u32(s, 92), u32(s, 96), u32(s, 100),
                u64(s, 104), u64(s, 120), u64(s, 128), u32(s, 136), u32(s, 140), u32(s, 144),
                u32(s, 148), u32(s, 152), u32(s, 156), u64(s, 160), u64(s, 168), u32(s, 192),
                u64(s, 200), u64(s, 208), u32(s, 228), u32(s, 232));
    }

    private static int u8(MemorySegment s, long offset) {
        return offset < s.byteSize() ? Byte.toUnsignedInt(s.get(JAVA_BYTE, offset)) : -1;
    }

    private static long u32(MemorySegment s, long offset) {
        return offset + 4 <= s.byteSize() ? Integer.toUnsignedLong(s.get(JAVA_INT_UNALIGNED, offset)) : -1;
    }

    private static long u64(MemorySegment s, long offset) {
        return offset + 8 <= s.byteSize() ? s.get(JAVA_LONG_UNALIGNED, offset) : -1;
    }

    @SuppressWarnings("unused")
    private static int u16(MemorySegment s, long offset) {
        return offset + 2 <= s.byteSize() ? Short.toUnsignedInt(s.get(JAVA_SHORT_UNALIGNED, offset)) : -1;
    }
}
