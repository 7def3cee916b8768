package io.netdiag.fill;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.StreamSocket;

/**
 * Reads one endpoint's queues the way {@code netdiag sockets} (and ss) report them. The fill experiment
 * asks through this interface only, so that it can switch from per-socket ioctls ({@link SocketQueueProbe})
 * to the sock_diag engine without changing what it reports.
 */
public interface QueueProbe {
    /**
     * The endpoint's Recv-Q, Send-Q, state and (for TCP) tcp_info, now.
     *
     * @param role who the endpoint is in the experiment: {@code server} or {@code client}
     */
    EndpointQueues read(String role, StreamSocket socket) throws ErrnoException;
}
