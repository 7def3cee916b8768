package io.netdiag.capture;

/** libpcap's names for link types, as tcpdump prints them in its banner ({@code EN10MB (Ethernet)}). */
final class LinkNames {
    private LinkNames() {
    }

    static String describe(int dlt) {
        return switch (dlt) {
            case 0 -> "NULL (BSD loopback)";
            case 1 -> "EN10MB (Ethernet)";
            case 12 -> "RAW (Raw IP)";
            case 101 -> "RAW (Raw IP)";
            case 113 -> "LINUX_SLL (Linux cooked v1)";
            case 228 -> "IPV4 (Raw IPv4)";
            case 229 -> "IPV6 (Raw IPv6)";
            case 276 -> "LINUX_SLL2 (Linux cooked v2)";
            default -> "DLT " + dlt + " (not decoded by netdiag)";
        };
    }

    /** The LINKTYPE_ value a pcap file carries for a DLT_ value (they differ only for a few). */
    static int fileLinkType(int dlt) {
        return dlt == 12 || dlt == 14 ? 101 : dlt;
    }
}
