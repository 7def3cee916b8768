package io.netdiag.capture;

/** The ICMP and ICMPv6 type and code names Wireshark prints (packet-icmp.c, packet-icmpv6.c). */
final class IcmpNames {
    private IcmpNames() {
    }

    static String type(int type) {
        return switch (type) {
            case 0 -> "Echo (ping) reply";
            case 3 -> "Destination unreachable";
            case 4 -> "Source quench (flow control)";
            case 5 -> "Redirect";
            case 8 -> "Echo (ping) request";
            case 9 -> "Router advertisement";
            case 10 -> "Router solicitation";
            case 11 -> "Time-to-live exceeded";
            case 12 -> "Parameter problem";
            case 13 -> "Timestamp request";
            case 14 -> "Timestamp reply";
            case 15 -> "Information request";
            case 16 -> "Information reply";
            case 17 -> "Address mask request";
            case 18 -> "Address mask reply";
            default -> "Unknown ICMP (obsolete or malformed?)";
        };
    }

    static String code(int type, int code) {
        return switch (type) {
            case 3 -> switch (code) {
                case 0 -> "Network unreachable";
                case 1 -> "Host unreachable";
                case 2 -> "Protocol unreachable";
                case 3 -> "Port unreachable";
                case 4 -> "Fragmentation needed";
                case 5 -> "Source route failed";
                case 6 -> "Destination network unknown";
                case 7 -> "Destination host unknown";
                case 8 -> "Source host isolated";
                case 9 -> "Network administratively prohibited";
                case 10 -> "Host administratively prohibited";
                case 11 -> "Network unreachable for TOS";
                case 12 -> "Host unreachable for TOS";
                case 13 -> "Communication administratively filtered";
                case 14 -> "Host precedence violation";
                case 15 -> "Precedence cutoff in effect";
                default -> null;
            };
            case 5 -> switch (code) {
                case 0 -> "Redirect for network";
                case 1 -> "Redirect for host";
                case 2 -> "Redirect for TOS and network";
                case 3 -> "Redirect for TOS and host";
                default -> null;
            };
            case 11 -> switch (code) {
                case 0 -> "Time to live exceeded in transit";
                case 1 -> "Fragment reassembly time exceeded";
                default -> null;
            };
            case 12 -> switch (code) {
                case 0 -> "Pointer indicates the error";
                case 1 -> "Required option missing";
                case 2 -> "Bad length";
                default -> null;
            };
            default -> null;
        };
    }

    static String type6(int type) {
        return switch (type) {
            case 1 -> "Destination Unreachable";
            case 2 -> "Packet Too Big";
            case 3 -> "Time Exceeded";
            case 4 -> "Parameter Problem";
            case 128 -> "Echo (ping) request";
            case 129 -> "Echo (ping) reply";
            case 130 -> "Multicast Listener Query";
            case 131 -> "Multicast Listener Report";
            case 132 -> "Multicast Listener Done";
            case 133 -> "Router Solicitation";
            case 134 -> "Router Advertisement";
            case 135 -> "Neighbor Solicitation";
            case 136 -> "Neighbor Advertisement";
            case 137 -> "Redirect";
            case 143 -> "Multicast Listener Report Message v2";
            default -> "Unknown (" + type + ")";
        };
    }

    static String code6(int type, int code) {
        return switch (type) {
            case 1 -> switch (code) {
                case 0 -> "no route to destination";
                case 1 -> "Administratively prohibited";
                case 2 -> "beyond scope of source address";
                case 3 -> "Address unreachable";
                case 4 -> "Port unreachable";
                case 5 -> "Source address failed ingress/egress policy";
                case 6 -> "Reject route to destination";
                default -> null;
            };
            case 3 -> switch (code) {
                case 0 -> "hop limit exceeded in transit";
                case 1 -> "fragment reassembly time exceeded";
                default -> null;
            };
            case 4 -> switch (code) {
                case 0 -> "erroneous header field encountered";
                case 1 -> "unrecognized Next Header type encountered";
                case 2 -> "unrecognized IPv6 option encountered";
                default -> null;
            };
            default -> null;
        };
    }

    /** IP protocol names as Wireshark's ipproto table has them, for the few netdiag mentions. */
    static String ipProtocol(int p) {
        return switch (p) {
            case 1 -> "ICMP";
            case 2 -> "IGMP";
            case 4 -> "IPIP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 41 -> "IPv6";
            case 47 -> "GRE";
            case 50 -> "ESP";
            case 51 -> "AH";
            case 58 -> "ICMPv6";
            case 89 -> "OSPF";
            case 103 -> "PIM";
            case 112 -> "VRRP";
            case 132 -> "SCTP";
            default -> "Unknown";
        };
    }
}
