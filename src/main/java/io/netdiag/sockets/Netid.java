package io.netdiag.sockets;

import java.util.Locale;

/** The kind of socket, named as ss names it in its Netid column. */
public enum Netid {
    TCP("tcp"),
    UDP("udp"),
    RAW("raw"),
    UNIX_STREAM("u_str"),
    UNIX_DGRAM("u_dgr"),
    UNIX_SEQPACKET("u_seq"),
    NETLINK("nl"),
    PACKET_RAW("p_raw"),
    PACKET_DGRAM("p_dgr");

    private final String ssName;

    Netid(String ssName) {
        this.ssName = ssName;
    }

    /** The name ss prints: tcp, udp, raw, u_str, u_dgr, u_seq, nl, p_raw, p_dgr. */
    public String ssName() {
        return ssName;
    }

    public boolean unix() {
        return this == UNIX_STREAM || this == UNIX_DGRAM || this == UNIX_SEQPACKET;
    }

    public static Netid fromUnixType(int type) {
        return switch (type) {
            case 1 -> UNIX_STREAM;
            case 2 -> UNIX_DGRAM;
            default -> UNIX_SEQPACKET; // SOCK_SEQPACKET = 5
        };
    }

    public static Netid parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Netid id : values()) {
            if (id.ssName.equals(n) || id.name().toLowerCase(Locale.ROOT).equals(n)) {
                return id;
            }
        }
        throw new IllegalArgumentException("unknown socket kind: " + name);
    }
}
