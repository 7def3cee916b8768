package io.netdiag.sockets;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A socket's state, numbered as the kernel numbers TCP states (include/net/tcp_states.h) and named as ss
 * prints them. UDP, raw and UNIX sockets reuse the same numbers: unconnected ones are CLOSE, which ss
 * prints as UNCONN; connected ones are ESTABLISHED.
 */
public enum SocketState {
    UNKNOWN(0, "UNKNOWN", "unknown"),
    ESTABLISHED(1, "ESTAB", "established"),
    SYN_SENT(2, "SYN-SENT", "syn-sent"),
    SYN_RECV(3, "SYN-RECV", "syn-recv"),
    FIN_WAIT1(4, "FIN-WAIT-1", "fin-wait-1"),
    FIN_WAIT2(5, "FIN-WAIT-2", "fin-wait-2"),
    TIME_WAIT(6, "TIME-WAIT", "time-wait"),
    CLOSE(7, "UNCONN", "closed"),
    CLOSE_WAIT(8, "CLOSE-WAIT", "close-wait"),
    LAST_ACK(9, "LAST-ACK", "last-ack"),
    LISTEN(10, "LISTEN", "listening"),
    CLOSING(11, "CLOSING", "closing"),
    /** A request socket (a SYN received on a listener); ss shows it as SYN-RECV. */
    NEW_SYN_RECV(12, "SYN-RECV", "syn-recv");

    private static final SocketState[] BY_NUMBER = values();

    private final int number;
    private final String ssName;
    private final String filterName;

    SocketState(int number, String ssName, String filterName) {
        this.number = number;
        this.ssName = ssName;
        this.filterName = filterName;
    }

    public int number() {
        return number;
    }

    /** What ss prints in its State column. */
    public String ssName() {
        return ssName;
    }

    public static SocketState of(int number) {
        return number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : UNKNOWN;
    }

    /** ss's default: every state but LISTEN, CLOSE (UNCONN), TIME-WAIT and SYN-RECV. */
    public static Set<SocketState> connectedByDefault() {
        Set<SocketState> s = all();
        s.removeAll(EnumSet.of(LISTEN, CLOSE, TIME_WAIT, SYN_RECV, NEW_SYN_RECV));
        return s;
    }

    public static Set<SocketState> all() {
        EnumSet<SocketState> s = EnumSet.allOf(SocketState.class);
        s.remove(UNKNOWN);
        return s;
    }

    /**
     * States for one {@code --state} word, as ss spells them (case-insensitive): a state name
     * (established, syn-sent, ..., listening, closing, and ss's own column names such as ESTAB, LISTEN,
     * UNCONN), or a group: all, connected (all but listening and closed), synchronized (connected but
     * syn-sent), bucket (syn-recv and time-wait), big (all but bucket).
     */
    public static Set<SocketState> parseFilter(String word) {
        String w = word.toLowerCase(Locale.ROOT).replace('_', '-');
        switch (w) {
            case "all":
                return all();
            case "connected": {
                Set<SocketState> s = all();
                s.removeAll(EnumSet.of(LISTEN, CLOSE));
                return s;
            }
            case "synchronized": {
                Set<SocketState> s = all();
                s.removeAll(EnumSet.of(LISTEN, CLOSE, SYN_SENT));
                return s;
            }
            case "bucket":
                return EnumSet.of(SYN_RECV, NEW_SYN_RECV, TIME_WAIT);
            case "big": {
                Set<SocketState> s = all();
                s.removeAll(EnumSet.of(SYN_RECV, NEW_SYN_RECV, TIME_WAIT));
                return s;
            }
            case "listen":
                return EnumSet.of(LISTEN);
            case "unconn", "close", "unconnected":
                return EnumSet.of(CLOSE);
            case "estab":
                return EnumSet.of(ESTABLISHED);
            default:
                break;
        }
        for (SocketState s : values()) {
            if (s != UNKNOWN && (s.filterName.equals(w) || s.ssName.toLowerCase(Locale.ROOT).equals(w))) {
                return s == SYN_RECV || s == NEW_SYN_RECV ? EnumSet.of(SYN_RECV, NEW_SYN_RECV) : EnumSet.of(s);
            }
        }
        throw new IllegalArgumentException("unknown state '" + word + "' (expected one of: established, syn-sent, "
                + "syn-recv, fin-wait-1, fin-wait-2, time-wait, closed, close-wait, last-ack, listening, closing, "
                + "all, connected, synchronized, bucket, big)");
    }
}
