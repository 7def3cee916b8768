package io.netdiag.fill;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.SockaddrCodec;
import io.netdiag.os.StreamSocket;
import io.netdiag.sockets.SocketState;
import io.netdiag.sockets.TcpInfo;

/**
 * Queues from the socket itself: ioctl(SIOCINQ) and ioctl(SIOCOUTQ), the same kernel values
 * sock_diag reports as Recv-Q and Send-Q (TCP: {@code rcv_nxt - copied_seq} and {@code write_seq - snd_una};
 * UNIX: bytes queued and memory charged), and getsockopt(TCP_INFO), decoded by the sockets package's
 * {@link TcpInfo}. The fallback of {@link SockDiagQueueProbe} when netlink is refused, and its answer for a
 * socket the kernel no longer lists (a reset connection leaves the tables before it is closed).
 */
public final class SocketQueueProbe implements QueueProbe {
    @Override
    public EndpointQueues read(String role, StreamSocket socket) throws ErrnoException {
        TcpInfo tcp = null;
        String state = "CONNECTED";
        if (socket.isTcp()) {
            byte[] raw = socket.tcpInfoBytes();
            tcp = TcpInfo.fromGetsockopt(raw, raw.length);
            state = TcpInfo.stateFromGetsockopt(raw).name();
        }
        String proto = switch (socket.family()) {
            case Libc.AF_INET6 -> "tcp6";
            case Libc.AF_UNIX -> "unix";
            default -> "tcp";
        };
        return new EndpointQueues(role, proto, socket.receiveQueue(), socket.sendQueue(),
                SockaddrCodec.text(socket.localAddress()), peer(socket), state, tcp, EndpointQueues.IOCTL);
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
