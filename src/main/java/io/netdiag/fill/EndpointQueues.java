package io.netdiag.fill;

import io.netdiag.os.TcpInfoStruct;

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
 * @param state   netstat's state name (ESTABLISHED, CLOSE_WAIT, ...)
 * @param tcp     tcp_info for TCP endpoints, null for UNIX
 */
public record EndpointQueues(
        String role,
        String proto,
        long recvQ,
        long sendQ,
        String local,
        String peer,
        String state,
        TcpInfoStruct tcp) {
}
