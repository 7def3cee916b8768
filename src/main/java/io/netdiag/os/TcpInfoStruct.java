package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The part of Linux's {@code struct tcp_info} (getsockopt {@code TCP_INFO}, include/uapi/linux/tcp.h)
 * that explains a blocked send. The layout is append-only up to {@code tcpi_snd_wnd} (Linux 5.4); the
 * fields after it moved between kernel versions (6.18's AccECN counters sit before {@code tcpi_rcv_wnd}),
 * so nothing after {@code tcpi_snd_wnd} is read. Fields the running kernel did not fill are -1.
 *
 * @param state          TCP state (1 ESTABLISHED ... 10 LISTEN), as in include/net/tcp_states.h
 * @param probes         {@code tcpi_probes}: zero-window (or keep-alive) probes sent and not answered
 * @param backoff        {@code tcpi_backoff}: exponential back-off of the persist (zero-window probe) timer
 * @param rtoMicros      retransmission time-out
 * @param sndMss         sender's maximum segment size
 * @param unacked        segments sent and not yet acknowledged (in flight)
 * @param rcvSpace       the receiver's estimate of the space the application drains per RTT (autotuning)
 * @param rcvSsthresh    the window clamp the receiver grows its advertised window towards
 * @param bytesAcked     bytes the peer acknowledged
 * @param bytesReceived  bytes received from the peer
 * @param segsOut        segments sent (including zero-window probes)
 * @param segsIn         segments received
 * @param notsentBytes   bytes in the send queue not yet sent (waiting for window)
 * @param rwndLimitedMicros  time the sender was limited by the peer's receive window
 * @param sndbufLimitedMicros time the sender was limited by its own send buffer
 * @param sndWnd         {@code tcpi_snd_wnd}: the peer's advertised receive window, scaled, in bytes
 */
public record TcpInfoStruct(
        int state,
        int probes,
        int backoff,
        long rtoMicros,
        long sndMss,
        long unacked,
        long rcvSpace,
        long rcvSsthresh,
        long bytesAcked,
        long bytesReceived,
        long segsOut,
        long segsIn,
        long notsentBytes,
        long rwndLimitedMicros,
        long sndbufLimitedMicros,
        long sndWnd) {

    public static final int TCP_INFO = 11;

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("tcpi_state"),
            JAVA_BYTE.withName("tcpi_ca_state"),
            JAVA_BYTE.withName("tcpi_retransmits"),
            JAVA_BYTE.withName("tcpi_probes"),
            JAVA_BYTE.withName("tcpi_backoff"),
            JAVA_BYTE.withName("tcpi_options"),
            JAVA_BYTE.withName("tcpi_wscale"),
            JAVA_BYTE.withName("tcpi_flags"),
            u32("tcpi_rto"), u32("tcpi_ato"), u32("tcpi_snd_mss"), u32("tcpi_rcv_mss"),
            u32("tcpi_unacked"), u32("tcpi_sacked"), u32("tcpi_lost"), u32("tcpi_retrans"), u32("tcpi_fackets"),
            u32("tcpi_last_data_sent"), u32("tcpi_last_ack_sent"), u32("tcpi_last_data_recv"), u32("tcpi_last_ack_recv"),
            u32("tcpi_pmtu"), u32("tcpi_rcv_ssthresh"), u32("tcpi_rtt"), u32("tcpi_rttvar"), u32("tcpi_snd_ssthresh"),
            u32("tcpi_snd_cwnd"), u32("tcpi_advmss"), u32("tcpi_reordering"),
            u32("tcpi_rcv_rtt"), u32("tcpi_rcv_space"),
            u32("tcpi_total_retrans"),
            u64("tcpi_pacing_rate"), u64("tcpi_max_pacing_rate"), u64("tcpi_bytes_acked"), u64("tcpi_bytes_received"),
            u32("tcpi_segs_out"), u32("tcpi_segs_in"),
            u32("tcpi_notsent_bytes"), u32("tcpi_min_rtt"), u32("tcpi_data_segs_in"), u32("tcpi_data_segs_out"),
            u64("tcpi_delivery_rate"),
            u64("tcpi_busy_time"), u64("tcpi_rwnd_limited"), u64("tcpi_sndbuf_limited"),
            u32("tcpi_delivered"), u32("tcpi_delivered_ce"),
            u64("tcpi_bytes_sent"), u64("tcpi_bytes_retrans"),
            u32("tcpi_dsack_dups"), u32("tcpi_reord_seen"),
            u32("tcpi_rcv_ooopack"),
            u32("tcpi_snd_wnd"));

    private static ValueLayout u32(String name) {
        return JAVA_INT.withName(name);
    }

    private static ValueLayout u64(String name) {
        return JAVA_LONG.withName(name);
    }

    /** Reads TCP_INFO from a TCP socket. */
    public static TcpInfoStruct read(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            // room for the newer kernel's longer struct; the kernel copies min(len, its size)
            MemorySegment s = arena.allocate(512, 8);
            int length = Libc.getsockopt(fd, Libc.IPPROTO_TCP, TCP_INFO, s, "getsockopt(TCP_INFO)");
            return new TcpInfoStruct(
                    u8(s, "tcpi_state"), u8(s, "tcpi_probes"), u8(s, "tcpi_backoff"),
                    field(s, length, "tcpi_rto"), field(s, length, "tcpi_snd_mss"), field(s, length, "tcpi_unacked"),
                    field(s, length, "tcpi_rcv_space"), field(s, length, "tcpi_rcv_ssthresh"),
                    field(s, length, "tcpi_bytes_acked"), field(s, length, "tcpi_bytes_received"),
                    field(s, length, "tcpi_segs_out"), field(s, length, "tcpi_segs_in"),
                    field(s, length, "tcpi_notsent_bytes"),
                    field(s, length, "tcpi_rwnd_limited"), field(s, length, "tcpi_sndbuf_limited"),
                    field(s, length, "tcpi_snd_wnd"));
        }
    }

    private static int u8(MemorySegment s, String name) {
        return Byte.toUnsignedInt(s.get(JAVA_BYTE, LAYOUT.byteOffset(groupElement(name))));
    }

    /** An unsigned field, or -1 when the kernel's struct is too short to hold it. */
    private static long field(MemorySegment s, int length, String name) {
        MemoryLayout layout = LAYOUT.select(groupElement(name));
        long offset = LAYOUT.byteOffset(groupElement(name));
        if (offset + layout.byteSize() > length) {
            return -1;
        }
        return layout.byteSize() == 4 ? Integer.toUnsignedLong(s.get(JAVA_INT, offset)) : s.get(JAVA_LONG, offset);
    }

    /** Whether the running kernel reports the peer's window ({@code tcpi_snd_wnd}, Linux 5.4+). */
    public boolean hasPeerWindow() {
        return sndWnd >= 0;
    }
}
