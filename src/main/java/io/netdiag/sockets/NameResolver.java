package io.netdiag.sockets;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** {@code -r}: host names by reverse lookup and service names from /etc/services, each looked up once. */
public final class NameResolver {
    private final Map<String, String> hosts = new HashMap<>();
    private final Map<String, String> services = new HashMap<>();

    public NameResolver() {
        try (var lines = Files.lines(Path.of("/etc/services"))) {
            lines.map(l -> l.replaceAll("#.*", "").trim().split("\\s+")).filter(f -> f.length >= 2 && f[1].contains("/"))
                    .forEach(f -> services.putIfAbsent(f[1], f[0]));
        } catch (IOException | RuntimeException e) {
            // numeric ports then
        }
    }

    String host(String address) {
        return hosts.computeIfAbsent(address, a -> {
            try {
                return InetAddress.ofLiteral(a).getHostName();
            } catch (RuntimeException e) {
                return a;
            }
        });
    }

    /** iproute2's names for netlink protocols (lib/rt_names.c, nl_proto_tab), by protocol number. */
    private static final String[] NETLINK_PROTOCOLS = {"rtnl", "unused", "usersock", "fw", "tcpdiag", "nflog", "xfrm",
            "selinux", "iscsi", "audit", "fiblookup", "connector", "nft", "ip6fw", "dec-rt", "uevent", "genl", null,
            "scsi-trans", "ecryptfs", "rdma", "crypto"};

    /** A netlink protocol's name as ss -a prints it ({@code rtnl}, {@code tcpdiag}...), or its number. */
    static String netlinkProtocol(int protocol) {
        String name = protocol >= 0 && protocol < NETLINK_PROTOCOLS.length ? NETLINK_PROTOCOLS[protocol] : null;
        return name != null ? name : Integer.toString(protocol);
    }

    /**
     * A netlink port id as ss -a prints it: {@code kernel} for 0, {@code COMM/PID} when a process of that id
     * exists (user sockets take their process's id as port id by default), the number otherwise.
     */
    static String netlinkPort(long portid) {
        if (portid == 0) {
            return "kernel";
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + portid + "/stat"));
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            if (open >= 0 && close > open) {
                return stat.substring(open + 1, close) + "/" + portid;
            }
        } catch (IOException | RuntimeException e) {
            // no such process: the number
        }
        return Long.toString(portid);
    }

    /** iproute2's names for link-layer protocols (lib/ll_proto.c), for packet sockets with -r. */
    private static final java.util.Map<Integer, String> LINK_PROTOCOLS = java.util.Map.ofEntries(
            java.util.Map.entry(0x0060, "loop"), java.util.Map.entry(0x0200, "pup"), java.util.Map.entry(0x0800, "ip"),
            java.util.Map.entry(0x0805, "x25"), java.util.Map.entry(0x0806, "arp"), java.util.Map.entry(0x8035, "rarp"),
            java.util.Map.entry(0x809B, "atalk"), java.util.Map.entry(0x80F3, "aarp"), java.util.Map.entry(0x8137, "ipx"),
            java.util.Map.entry(0x86DD, "ipv6"), java.util.Map.entry(0x8863, "ppp_disc"), java.util.Map.entry(0x8864, "ppp_ses"),
            java.util.Map.entry(0x8100, "802.1Q"), java.util.Map.entry(0x88A8, "802.1ad"), java.util.Map.entry(0x8847, "mpls_uc"),
            java.util.Map.entry(0x8848, "mpls_mc"), java.util.Map.entry(0x6558, "teb"), java.util.Map.entry(0x88CC, "LLDP"),
            java.util.Map.entry(0x0001, "802_3"), java.util.Map.entry(0x0002, "ax25"), java.util.Map.entry(0x0003, "all"),
            java.util.Map.entry(0x0004, "802_2"));

    /** A link-layer protocol's name as ss prints it for a packet socket, or {@code [NUMBER]}. */
    static String linkProtocol(int protocol) {
        String name = LINK_PROTOCOLS.get(protocol);
        return name != null ? name : "[" + protocol + "]";
    }

    /** An interface's name by index, as ss prints it for a packet socket (numeric or not); the index when it is gone. */
    static String interfaceName(int index) {
        try {
            java.net.NetworkInterface nif = java.net.NetworkInterface.getByIndex(index);
            if (nif != null) {
                return nif.getName();
            }
        } catch (java.net.SocketException | RuntimeException e) {
            // the index then
        }
        return Integer.toString(index);
    }

    String service(Netid netid, int port) {
        String proto = netid == Netid.UDP ? "udp" : "tcp";
        return services.getOrDefault(port + "/" + proto, Integer.toString(port));
    }
}
