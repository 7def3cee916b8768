package io.netdiag.capture;

/** The data-link types netdiag decodes; everything else is counted and shown as unknown. */
public enum LinkType {
    NULL(0, "BSD loopback"),
    ETHERNET(1, "Ethernet"),
    RAW(12, "raw IP"),
    LINKTYPE_RAW(101, "raw IP"),
    LINUX_SLL(113, "Linux cooked v1"),
    IPV4(228, "raw IPv4"),
    IPV6(229, "raw IPv6"),
    LINUX_SLL2(276, "Linux cooked v2"),
    UNKNOWN(-1, "unknown");

    private final int dlt;
    private final String description;

    LinkType(int dlt, String description) {
        this.dlt = dlt;
        this.description = description;
    }

    public int dlt() {
        return dlt;
    }

    public String description() {
        return description;
    }

    public static LinkType of(int dlt) {
        for (LinkType t : values()) {
            if (t.dlt == dlt) {
                return t;
            }
        }
        // OpenBSD's DLT_RAW is 14; LINKTYPE_LOOP (108) has the AF in network order
        return dlt == 14 ? RAW : dlt == 108 ? NULL : UNKNOWN;
    }
}
