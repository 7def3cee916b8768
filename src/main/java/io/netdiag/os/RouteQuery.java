package io.netdiag.os;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The route the kernel would take to one address, asked as {@code ip route get} asks it: an RTM_GETROUTE
 * request on a NETLINK_ROUTE socket. No packet leaves.
 */
public final class RouteQuery {
    private static final int NETLINK_ROUTE = 0;
    private static final int RTM_NEWROUTE = 24;
    private static final int RTM_GETROUTE = 26;
    private static final int RTM_F_LOOKUP_TABLE = 0x1000;
    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_PREFSRC = 7;
    private static final int RTA_TABLE = 15;
    private static final String[] TYPES = {"unspec", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole",
            "unreachable", "prohibit", "throw", "nat", "xresolve"};

    private RouteQuery() {
    }

    /**
     * The kernel's answer.
     *
     * @param type      unicast, local (this host's own address), unreachable, prohibit, blackhole, ...
     * @param device    the outgoing interface's name, or null
     * @param gateway   the next hop when it is a router, null when the target is on the link
     * @param source    the source address the kernel would pick, or null
     * @param table     the routing table that answered
     */
    public record Route(String type, String device, InetAddress gateway, InetAddress source, int table) {
        /** True when the address is this host's own. */
        public boolean local() {
            return type.equals("local");
        }
    }

    /**
     * Asks for the route to {@code destination}. Throws the kernel's errno when there is none (ENETUNREACH,
     * EHOSTUNREACH for an unreachable route, EACCES for a prohibit route, EINVAL for a blackhole).
     */
    public static Route get(InetAddress destination) throws ErrnoException {
        Platform.requireLinux("route lookup");
        byte[] dst = destination.getAddress();
        boolean v6 = destination instanceof Inet6Address;
        // struct rtmsg (12 bytes) and one rtattr RTA_DST
        byte[] request = new byte[12 + 4 + dst.length];
        request[0] = (byte) (v6 ? Libc.AF_INET6 : Libc.AF_INET);
        request[1] = (byte) (dst.length * 8);
        NativeBytes.putS32(request, 8, RTM_F_LOOKUP_TABLE);
        putU16(request, 12, 4 + dst.length);
        putU16(request, 14, RTA_DST);
        System.arraycopy(dst, 0, request, 16, dst.length);
        Route[] answer = new Route[1];
        try (Netlink netlink = Netlink.open(NETLINK_ROUTE, "NETLINK_ROUTE")) {
            netlink.request(RTM_GETROUTE, MemorySegment.ofArray(request), "RTM_GETROUTE",
                    (type, bytes, offset, length) -> {
                        if (type == RTM_NEWROUTE) {
                            answer[0] = decode(bytes, offset, length);
                        }
                    });
        }
        if (answer[0] == null) {
            throw new ErrnoException("RTM_GETROUTE", 101); // ENETUNREACH: the kernel answered without a route
        }
        return answer[0];
    }

    private static Route decode(byte[] m, int offset, int length) {
        int routeType = NativeBytes.u8(m, offset + 7);
        int table = NativeBytes.u8(m, offset + 4);
        int oif = 0;
        InetAddress gateway = null;
        InetAddress source = null;
        int end = offset + length;
        for (int at = offset + 12; at + 4 <= end; ) {
            int len = NativeBytes.u16(m, at);
            int type = NativeBytes.u16(m, at + 2) & 0x3fff;
            if (len < 4 || at + len > end) {
                break;
            }
            byte[] value = Arrays.copyOfRange(m, at + 4, at + len);
            switch (type) {
                case RTA_OIF -> oif = NativeBytes.s32(value, 0);
                case RTA_GATEWAY -> gateway = address(value);
                case RTA_PREFSRC -> source = address(value);
                case RTA_TABLE -> table = NativeBytes.s32(value, 0);
                default -> {
                }
            }
            at += Netlink.align(len);
        }
        return new Route(routeType < TYPES.length ? TYPES[routeType] : "type " + routeType, device(oif), gateway, source,
                table);
    }

    private static InetAddress address(byte[] raw) {
        try {
            return raw.length == 4 || raw.length == 16 ? InetAddress.getByAddress(raw) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String device(int index) {
        if (index <= 0) {
            return null;
        }
        try {
            NetworkInterface nif = NetworkInterface.getByIndex(index);
            return nif == null ? "if" + index : nif.getName();
        } catch (SocketException e) {
            return "if" + index;
        }
    }

    private static void putU16(byte[] b, int at, int value) {
        if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN) {
            b[at] = (byte) value;
            b[at + 1] = (byte) (value >>> 8);
        } else {
            b[at] = (byte) (value >>> 8);
            b[at + 1] = (byte) value;
        }
    }
}
