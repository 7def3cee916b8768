package io.netdiag.ping;

/**
 * The words iputils ping prints for ICMP and ICMPv6 error types and codes (ping.c pr_icmph,
 * ping6_common.c print_icmp, iputils 20221126), so that our lines read the same.
 */
public final class IcmpTexts {
    private IcmpTexts() {
    }

    /** The text after {@code From ADDR icmp_seq=N } for an ICMPv4 message. */
    public static String v4(int type, int code, long info) {
        return switch (type) {
            case 0 -> "Echo Reply";
            case 3 -> switch (code) {
                case 0 -> "Destination Net Unreachable";
                case 1 -> "Destination Host Unreachable";
                case 2 -> "Destination Protocol Unreachable";
                case 3 -> "Destination Port Unreachable";
                case 4 -> "Frag needed and DF set (mtu = " + info + ")";
                case 5 -> "Source Route Failed";
                case 6 -> "Destination Net Unknown";
                case 7 -> "Destination Host Unknown";
                case 8 -> "Source Host Isolated";
                case 9 -> "Destination Net Prohibited";
                case 10 -> "Destination Host Prohibited";
                case 11 -> "Destination Net Unreachable for Type of Service";
                case 12 -> "Destination Host Unreachable for Type of Service";
                case 13 -> "Packet filtered";
                case 14 -> "Precedence Violation";
                case 15 -> "Precedence Cutoff";
                default -> "Dest Unreachable, Bad Code: " + code;
            };
            case 4 -> "Source Quench";
            case 5 -> switch (code) {
                case 0 -> "Redirect Network";
                case 1 -> "Redirect Host";
                case 2 -> "Redirect Type of Service and Network";
                case 3 -> "Redirect Type of Service and Host";
                default -> "Redirect, Bad Code: " + code;
            };
            case 8 -> "Echo Request";
            case 11 -> switch (code) {
                case 0 -> "Time to live exceeded";
                case 1 -> "Frag reassembly time exceeded";
                default -> "Time exceeded, Bad Code: " + code;
            };
            case 12 -> "Parameter problem: pointer = " + info;
            case 13 -> "Timestamp";
            case 14 -> "Timestamp Reply";
            case 15 -> "Information Request";
            case 16 -> "Information Reply";
            case 17 -> "Address Mask Request";
            case 18 -> "Address Mask Reply";
            default -> "Bad ICMP type: " + type;
        };
    }

    /** The text after {@code From ADDR icmp_seq=N } for an ICMPv6 message. */
    public static String v6(int type, int code, long info) {
        return switch (type) {
            case 1 -> "Destination unreachable: " + switch (code) {
                case 0 -> "No route";
                case 1 -> "Administratively prohibited";
                case 2 -> "Beyond scope of source address";
                case 3 -> "Address unreachable";
                case 4 -> "Port unreachable";
                default -> "Unknown code " + code;
            };
            case 2 -> "Packet too big: mtu=" + info + (code != 0 ? ", code=" + code : "");
            case 3 -> "Time exceeded: " + switch (code) {
                case 0 -> "Hop limit";
                case 1 -> "Defragmentation failure";
                default -> "code " + code;
            };
            case 4 -> "Parameter problem: " + switch (code) {
                case 0 -> "Wrong header field ";
                case 1 -> "Unknown header ";
                case 2 -> "Unknown option ";
                default -> "code " + code + " ";
            } + "at " + info;
            case 128 -> "Echo request";
            case 129 -> "Echo reply";
            case 130 -> "MLD Query";
            case 131 -> "MLD Report";
            case 132 -> "MLD Reduction";
            default -> "unknown icmp type: " + type;
        };
    }

    /** Whether an ICMP(v6) type is an error that ends a probe (not redirect or source quench). */
    public static boolean isError(boolean v6, int type) {
        return v6 ? type >= 1 && type <= 4 : type == 3 || type == 11 || type == 12;
    }
}
