package io.netdiag.capture;

/**
 * Wireshark's TCP analysis flags, in the order their {@code [...]} texts appear in the Info column (tshark
 * prepends each one, so the last one it prints comes first).
 */
public enum TcpFlag {
    ZERO_WINDOW_PROBE_ACK("TCP ZeroWindowProbeAck"),
    ZERO_WINDOW("TCP ZeroWindow"),
    ZERO_WINDOW_PROBE("TCP ZeroWindowProbe"),
    DUPLICATE_ACK("TCP Dup ACK"),
    KEEP_ALIVE_ACK("TCP Keep-Alive ACK"),
    KEEP_ALIVE("TCP Keep-Alive"),
    WINDOW_FULL("TCP Window Full"),
    WINDOW_UPDATE("TCP Window Update"),
    ACK_LOST_PACKET("TCP ACKed unseen segment"),
    LOST_PACKET("TCP Previous segment not captured"),
    REUSED_PORTS("TCP Port numbers reused"),
    OUT_OF_ORDER("TCP Out-Of-Order"),
    SPURIOUS_RETRANSMISSION("TCP Spurious Retransmission"),
    FAST_RETRANSMISSION("TCP Fast Retransmission"),
    RETRANSMISSION("TCP Retransmission");

    private final String text;

    TcpFlag(String text) {
        this.text = text;
    }

    /** The words tshark prints between brackets (without the Dup ACK's frame and count). */
    public String text() {
        return text;
    }

    final int bit() {
        return 1 << ordinal();
    }
}
