package io.netdiag.sockets;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * A predicate over sockets, built from an ss-style expression ({@link FilterExpression}) or from code
 * ({@link #localPort}, {@link #inode}). Address and port conditions only match TCP, UDP and raw sockets.
 */
public sealed interface SocketFilter {
    boolean test(SocketEntry e);

    SocketFilter ALL = new Always();

    static SocketFilter localPort(int port) {
        return new PortCompare(Side.SOURCE, Op.EQ, port);
    }

    static SocketFilter peerPort(int port) {
        return new PortCompare(Side.DESTINATION, Op.EQ, port);
    }

    /** Either end on this port: what {@code --port N} selects. */
    static SocketFilter anyPort(int port) {
        return new Or(localPort(port), peerPort(port));
    }

    /**
     * The socket whose local end is this address and port, as a Java channel reports it
     * ({@code channel.getLocalAddress()}); a wildcard address matches any local address, and an IPv4 address
     * also matches its IPv4-mapped IPv6 form (Java's sockets are dual-stack).
     */
    static SocketFilter local(java.net.InetSocketAddress address) {
        return endpoint(Side.SOURCE, address);
    }

    /** The socket whose peer is this address and port ({@code channel.getRemoteAddress()}). */
    static SocketFilter peer(java.net.InetSocketAddress address) {
        return endpoint(Side.DESTINATION, address);
    }

    private static SocketFilter endpoint(Side side, java.net.InetSocketAddress address) {
        InetAddress a = address.getAddress();
        byte[] bytes = a == null || a.isAnyLocalAddress() ? null : a.getAddress();
        return new AddressMatch(side, bytes, bytes == null ? 0 : bytes.length * 8, address.getPort(), false);
    }

    static SocketFilter inode(long inode) {
        return new Inode(inode);
    }

    default SocketFilter and(SocketFilter other) {
        if (this instanceof Always) {
            return other;
        }
        return other instanceof Always ? this : new And(this, other);
    }

    /** Which end a condition looks at: src/sport is the local end, dst/dport the peer. */
    enum Side { SOURCE, DESTINATION }

    /** Comparison operators, as ss spells them: = == eq, != ne, &lt; lt, &gt; gt, &lt;= le, &gt;= ge. */
    enum Op {
        EQ, NE, LT, GT, LE, GE;

        boolean apply(long value, long wanted) {
            return switch (this) {
                case EQ -> value == wanted;
                case NE -> value != wanted;
                case LT -> value < wanted;
                case GT -> value > wanted;
                case LE -> value <= wanted;
                case GE -> value >= wanted;
            };
        }
    }

    record Always() implements SocketFilter {
        @Override
        public boolean test(SocketEntry e) {
            return true;
        }
    }

    record And(SocketFilter left, SocketFilter right) implements SocketFilter {
        @Override
        public boolean test(SocketEntry e) {
            return left.test(e) && right.test(e);
        }
    }

    record Or(SocketFilter left, SocketFilter right) implements SocketFilter {
        @Override
        public boolean test(SocketEntry e) {
            return left.test(e) || right.test(e);
        }
    }

    record Not(SocketFilter inner) implements SocketFilter {
        @Override
        public boolean test(SocketEntry e) {
            return !inner.test(e);
        }
    }

    record Inode(long inode) implements SocketFilter {
        @Override
        public boolean test(SocketEntry e) {
            return e.inode() == inode;
        }
    }

    record PortCompare(Side side, Op op, int port) implements SocketFilter {
        @Override
        public boolean test(SocketEntry e) {
            if (e.family() == SocketEntry.Family.UNIX) {
                return false;
            }
            Endpoint end = side == Side.SOURCE ? e.local() : e.peer();
            return op.apply(end.port(), port);
        }
    }

    /** A UNIX socket path condition ({@code src /run/*.sock}): a glob where {@code *} matches any run of characters. */
    record UnixPath(Side side, String glob, boolean negate) implements SocketFilter {
        @Override
        public boolean test(SocketEntry e) {
            if (e.family() != SocketEntry.Family.UNIX) {
                return negate;
            }
            String path = (side == Side.SOURCE ? e.local() : e.peer()).address();
            StringBuilder regex = new StringBuilder();
            for (char c : glob.toCharArray()) {
                regex.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
            }
            return path.matches(regex.toString()) != negate;
        }
    }

    /**
     * An address condition: a prefix ({@code 10.0.0.0/8}, {@code ::1}; null for {@code *}) and optionally a
     * port ({@code 10.0.0.1:80}, {@code [::1]:443}, {@code *:22}); {@code negate} for {@code !=}.
     */
    record AddressMatch(Side side, byte[] prefix, int prefixLength, int port, boolean negate) implements SocketFilter {
        @Override
        public boolean test(SocketEntry e) {
            if (e.family() == SocketEntry.Family.UNIX) {
                return negate;
            }
            Endpoint end = side == Side.SOURCE ? e.local() : e.peer();
            boolean match = (port < 0 || end.port() == port) && (prefix == null || inPrefix(end.address()));
            return match != negate;
        }

        private boolean inPrefix(String address) {
            byte[] a;
            try {
                a = InetAddress.ofLiteral(address).getAddress();
            } catch (IllegalArgumentException ex) {
                return false;
            }
            if (a.length == 16 && prefix.length == 4 && isV4Mapped(a)) {
                a = Arrays.copyOfRange(a, 12, 16); // ss matches ::ffff:a.b.c.d against IPv4 prefixes too
            }
            if (a.length != prefix.length) {
                return false;
            }
            int bits = prefixLength;
            for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((a[i] & mask) != (prefix[i] & mask)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isV4Mapped(byte[] a) {
            for (int i = 0; i < 10; i++) {
                if (a[i] != 0) {
                    return false;
                }
            }
            return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
        }
    }
}
