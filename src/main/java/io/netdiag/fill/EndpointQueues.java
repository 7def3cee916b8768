package io.netdiag.fill;

import io.netdiag.sockets.TcpInfo;

/**
 * One endpoint's queues at one moment, as a netstat or ss row shows them.
 *
 * @param role    {@code server} (the receiving side) or {@code client} (the sending side)
 * @param proto   {@code tcp}, {@code tcp6} or {@code unix}
 * @param recvQ   bytes received and not yet read by the application
 * @param sendQ   TCP: bytes sent and not yet acknowledged by the peer; UNIX: memory the sender has charged
 *                for data waiting in the peer's receive queue
 * @param local   local address
 * @param peer    peer ("foreign") address
 * @param state   netstat's state name (ESTABLISHED, CLOSE_WAIT, ...; CONNECTED for UNIX sockets)
 * @param tcp     tcp_info for TCP endpoints, null for UNIX
 * @param source  where the row was read: {@code netlink} (sock_diag, what {@code netdiag sockets} and ss read)
 *                or {@code ioctl} (SIOCINQ/SIOCOUTQ and getsockopt(TCP_INFO) on the socket itself)
 */
public record EndpointQueues(
        String role,
        String proto,
        long recvQ,
        long sendQ,
        String local,
        String peer,
        String state,
        TcpInfo tcp,
        String source) {

    public static final String NETLINK = "netlink";
    public static final String IOCTL = "ioctl";
}
