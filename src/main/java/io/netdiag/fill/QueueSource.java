package io.netdiag.fill;

import java.util.List;
import java.util.stream.Collectors;

/** Names where a fill's queue rows came from, for the report and its JSON (as {@code netdiag sockets} names its source). */
final class QueueSource {
    private QueueSource() {
    }

    /** {@code netlink}, {@code ioctl}, or {@code netlink+ioctl} when some rows fell back. */
    static String of(List<EndpointQueues> rows) {
        return rows.stream().map(EndpointQueues::source).distinct().sorted((a, b) -> a.equals(EndpointQueues.NETLINK) ? -1
                : b.equals(EndpointQueues.NETLINK) ? 1 : a.compareTo(b)).collect(Collectors.joining("+"));
    }

    /** Why a row was read by ioctl: netlink refused, or the socket had left the kernel's tables. */
    static String note(List<EndpointQueues> rows, String refused) {
        if (refused != null) {
            return "netlink sock_diag not used (" + refused + "): queues read with ioctl(SIOCINQ/SIOCOUTQ) and "
                    + "getsockopt(TCP_INFO), the same kernel counters";
        }
        List<String> missing = rows.stream().filter(r -> r.source().equals(EndpointQueues.IOCTL)).map(EndpointQueues::role).toList();
        if (missing.isEmpty()) {
            return null;
        }
        return String.join(" and ", missing) + " not listed by sock_diag (the connection has left the kernel's tables): "
                + "read with ioctl on the socket";
    }
}
