package io.netdiag.ping;

/**
 * The errno Linux attaches to each ICMP error (net/ipv4/icmp.c icmp_err_convert, net/ipv6/icmp.c
 * tab_unreach), so that raw-socket errors, which carry no errno, classify the same as the error queue's.
 */
public final class IcmpErrnos {
    static final int ENETUNREACH = 101;
    static final int EHOSTUNREACH = 113;
    static final int ECONNREFUSED = 111;
    static final int EMSGSIZE = 90;
    static final int ENOPROTOOPT = 92;
    static final int EOPNOTSUPP = 95;
    static final int EHOSTDOWN = 112;
    static final int ENONET = 64;
    static final int EACCES = 13;
    static final int EPROTO = 71;
    static final int EINVAL = 22;

    private IcmpErrnos() {
    }

    public static int of(boolean v6, int type, int code) {
        if (v6) {
            return switch (type) {
                case 1 -> switch (code) {
                    case 0 -> ENETUNREACH;
                    case 1, 5, 6 -> EACCES;
                    case 4 -> ECONNREFUSED;
                    default -> EHOSTUNREACH;
                };
                case 2 -> EMSGSIZE;
                case 3 -> EHOSTUNREACH;
                default -> EPROTO;
            };
        }
        return switch (type) {
            case 3 -> switch (code) {
                case 0, 6, 9, 11 -> ENETUNREACH;
                case 2 -> ENOPROTOOPT;
                case 3 -> ECONNREFUSED;
                case 4 -> EMSGSIZE;
                case 5 -> EOPNOTSUPP;
                case 7 -> EHOSTDOWN;
                case 8 -> ENONET;
                default -> EHOSTUNREACH;
            };
            case 11 -> EHOSTUNREACH;
            default -> EPROTO;
        };
    }
}
