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

    String service(Netid netid, int port) {
        String proto = netid == Netid.UDP ? "udp" : "tcp";
        return services.getOrDefault(port + "/" + proto, Integer.toString(port));
    }
}
