package io.netdiag.sockets;

import java.util.List;
import java.util.Optional;

/** Socket entries as the netlink decoders make them, for formatting tests. */
final class SockDiagFixtures {
    private SockDiagFixtures() {
    }

    /** A netlink socket of {@code protocol} with port id {@code portid}, unconnected when {@code peer} is ("*", -1). */
    static SocketEntry netlink(int protocol, long portid, Endpoint peer, long recvQ) {
        return new SocketEntry(SocketEntry.Family.NETLINK, Netid.NETLINK, SocketState.CLOSE, recvQ, 0,
                new Endpoint(Integer.toString(protocol), portid), peer, 1000 + portid, -1, 0, false, -1, null, Optional.empty(),
                Optional.empty(), List.of(), null, 0);
    }
}
