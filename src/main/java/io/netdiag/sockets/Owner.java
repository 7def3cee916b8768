package io.netdiag.sockets;

/** A process holding a socket open: pid, command name (as /proc/PID/comm has it) and descriptor. */
public record Owner(int pid, String name, int fd) {
}
