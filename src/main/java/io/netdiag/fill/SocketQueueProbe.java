package io.netdiag.fill;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.SockaddrCodec;
import io.netdiag.os.StreamSocket;
import io.netdiag.os.TcpInfoStruct;

/**
 * Queues from the socket itself: ioctl(SIOCINQ) and ioctl(SIOCOUTQ), the same kernel values
 * sock_diag reports as Recv-Q and Send-Q (TCP: {@code rcv_nxt - copied_seq} and {@code write_seq - snd_una};
 * UNIX: bytes queued and memory charged), and getsockopt(TCP_INFO).
 */
public final class SocketQueueProbe implements QueueProbe {
    private static final String[] TCP_STATES = {"UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
            "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    @Override
    public EndpointQueues read(String role, StreamSocket socket) throws ErrnoException {
        TcpInfoStruct tcp = socket.isTcp() ? socket.tcpInfo() : null;
        String state = tcp == null ? "CONNECTED"
                : tcp.state() < TCP_STATES.length ? TCP_STATES[tcp.state()] : "STATE_" + tcp.state();
        String proto = switch (socket.family()) {
            case Libc.AF_INET6 -> "tcp6";
            case Libc.AF_UNIX -> "unix";
            default -> "tcp";
        };
        return new EndpointQueues(role, proto, socket.receiveQueue(), socket.sendQueue(),
                SockaddrCodec.text(socket.localAddress()), peer(socket), state, tcp);
    }

    /** A reset connection has no peer any more (getpeername fails with ENOTCONN); ss prints {@code *}. */
    private static String peer(StreamSocket socket) {
        try {
            return SockaddrCodec.text(socket.peerAddress());
        } catch (ErrnoException e) {
            return "*";
        }
    }
}
