package io.netdiag.trace;

import java.net.InetAddress;

/** What an ICMP or ICMPv6 error about a probe means for the trace. */
final class Classify {
    private Classify() {
    }

    /**
     * @param portProbe whether the probe was UDP or TCP, for which a port unreachable from the destination
     *                  means "closed" rather than "rejected"
     */
    static Answer icmp(boolean v6, int type, int code, InetAddress from, InetAddress target, boolean portProbe) {
        boolean fromTarget = target.equals(from);
        if (v6) {
            return switch (type) {
                case 3 -> Answer.TIME_EXCEEDED;
                case 2 -> Answer.TOO_BIG;
                case 1 -> code == 4 && fromTarget && portProbe ? Answer.CLOSED : Answer.REJECTED;
                default -> Answer.REJECTED;
            };
        }
        return switch (type) {
            case 11 -> Answer.TIME_EXCEEDED;
            case 3 -> code == 4 ? Answer.TOO_BIG : code == 3 && fromTarget && portProbe ? Answer.CLOSED : Answer.REJECTED;
            default -> Answer.REJECTED;
        };
    }
}
