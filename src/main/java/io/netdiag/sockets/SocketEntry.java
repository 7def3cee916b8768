package io.netdiag.sockets;

import java.util.List;
import java.util.Optional;

/**
 * One socket as netdiag sees it.
 *
 * <p>Queue semantics (the kernel's, as ss shows them through netlink): for a connected TCP socket
 * {@code recvQ} is bytes received and not yet read by the application and {@code sendQ} bytes sent and not
 * yet acknowledged by the peer; for a TCP listener {@code recvQ} is the current accept queue (connections
 * completed and not yet accept()ed) and {@code sendQ} the backlog limit. For UDP and raw sockets both are
 * socket memory in bytes (payload plus per-datagram overhead), not payload bytes. For a UNIX listener
 * they are the accept queue and backlog; for other UNIX sockets bytes (stream) or memory queued.
 *
 * @param family    inet, inet6, unix, netlink or packet
 * @param netid     tcp, udp, raw, u_str, u_dgr, u_seq, nl, p_raw, p_dgr
 * @param state     the kernel's state; UNCONN (CLOSE) for unconnected datagram sockets
 * @param inode     the socket's inode, the key into /proc/PID/fd ({@code socket:[INODE]}); 0 for TIME-WAIT
 * @param uid       the owning user id, -1 when unknown
 * @param cookie    the kernel's socket cookie (ss's {@code sk:}), 0 when unknown; for a netlink socket, whose
 *                  cookie ss never shows, the multicast groups it joined (ss -e's {@code groups=})
 * @param v6only    whether an IPv6 socket refuses IPv4 (IPV6_V6ONLY): a dual-stack {@code ::} prints as {@code *}
 * @param shutdown  the shutdown mask (1 = receive side shut, 2 = send side shut), -1 when unknown
 * @param congestion the congestion-control algorithm, with {@code --info}
 * @param owners    the processes holding the socket, with {@code -p}; empty otherwise or when hidden
 */
public record SocketEntry(
        Family family,
        Netid netid,
        SocketState state,
        long recvQ,
        long sendQ,
        Endpoint local,
        Endpoint peer,
        long inode,
        int uid,
        long cookie,
        boolean v6only,
        int shutdown,
        String congestion,
        Optional<TcpInfo> tcpInfo,
        Optional<SocketMemory> memory,
        List<Owner> owners,
        Timer timer,
        long cgroup) {

    /** The address family. */
    public enum Family { INET, INET6, UNIX, NETLINK, PACKET }

    public SocketEntry withOwners(List<Owner> found) {
        return new SocketEntry(family, netid, state, recvQ, sendQ, local, peer, inode, uid, cookie, v6only, shutdown,
                congestion, tcpInfo, memory, List.copyOf(found), timer, cgroup);
    }

    /**
     * A TCP timer as {@code ss -o} shows it: {@code timer:(keepalive,119min,0)}.
     *
     * @param name          on (retransmission), keepalive, timewait, persist (zero-window probe) or unknown
     * @param expiresMillis time until it fires, in milliseconds
     * @param retransmits   retransmissions (on) or unanswered probes (keepalive, persist) so far
     */
    public record Timer(String name, long expiresMillis, int retransmits) {
        private static final String[] NAMES = {"off", "on", "keepalive", "timewait", "persist", "unknown"};

        /** The timer the kernel reports as {@code kind} (idiag_timer; /proc's "tr"), or null when none runs. */
        public static Timer of(int kind, long expiresMillis, int retransmits) {
            if (kind <= 0) {
                return null;
            }
            return new Timer(NAMES[Math.min(kind, 5)], expiresMillis, retransmits);
        }

        /** ss's print_ms_timer: {@code 119min}, {@code 31sec}, {@code 6.672ms}, {@code 200ms}. */
        public String text() {
            long secs = expiresMillis / 1000;
            long minutes = secs / 60;
            secs %= 60;
            long msecs = expiresMillis % 1000;
            StringBuilder b = new StringBuilder();
            if (minutes != 0) {
                msecs = 0;
                b.append(minutes).append("min");
                if (minutes > 9) {
                    secs = 0;
                }
            }
            if (secs != 0) {
                if (secs > 9) {
                    msecs = 0;
                }
                b.append(secs).append(msecs != 0 ? "." : "sec");
            }
            if (msecs != 0) {
                b.append(String.format("%03dms", msecs));
            }
            return "timer:(" + name + "," + b + "," + retransmits + ")";
        }
    }

    /** True for a TCP or UNIX listener, whose queues are the accept queue and the backlog. */
    public boolean listening() {
        return state == SocketState.LISTEN;
    }
}
