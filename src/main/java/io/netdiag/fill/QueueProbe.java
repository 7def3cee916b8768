package io.netdiag.fill;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.StreamSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one endpoint's queues the way {@code netdiag sockets} (and ss) report them. The fill experiment
 * asks through this interface only: {@link SockDiagQueueProbe} reads them through the sockets engine
 * (netlink sock_diag), {@link SocketQueueProbe} from the sockets themselves (ioctl), its fallback.
 */
public interface QueueProbe {
    /**
     * The endpoint's Recv-Q, Send-Q, state and (for TCP) tcp_info, now.
     *
     * @param role who the endpoint is in the experiment: {@code server} or {@code client}
     */
    EndpointQueues read(String role, StreamSocket socket) throws ErrnoException;

    /**
     * Both endpoints of a local pair at one moment (server first), or the client alone when {@code server} is
     * null. A probe may use one end to describe the other (a UNIX peer is known to sock_diag by inode only).
     */
    default List<EndpointQueues> readPair(StreamSocket server, StreamSocket client) throws ErrnoException {
        List<EndpointQueues> rows = new ArrayList<>(2);
        if (server != null) {
            rows.add(read("server", server));
        }
        rows.add(read("client", client));
        return rows;
    }

    /** Why this probe could not use its preferred source (and fell back), or null when it did not need to. */
    default String fallbackReason() {
        return null;
    }
}
