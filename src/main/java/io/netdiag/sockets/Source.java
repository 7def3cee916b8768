package io.netdiag.sockets;

/** Where the inventory comes from. */
public enum Source {
    /** Netlink when it works, /proc per table when it does not. */
    AUTO,
    /** NETLINK_SOCK_DIAG (inet_diag, unix_diag), as ss reads it: exact listener backlogs, tcp_info, skmem. */
    NETLINK,
    /** /proc/net/{tcp,tcp6,udp,udp6,raw,raw6,unix}, as netstat reads it: no backlog, no UNIX queues. */
    PROC
}
