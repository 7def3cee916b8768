package io.netdiag.sockets;

/**
 * Socket memory (INET_DIAG_SKMEMINFO / UNIX_DIAG_MEMINFO, include/uapi/linux/sock_diag.h), in bytes; ss
 * prints it as {@code skmem:(r,rb,t,tb,f,w,o,bl,d)}. {@code drops} is -1 when the kernel does not report it.
 */
public record SocketMemory(long rmemAlloc, long rcvbuf, long wmemAlloc, long sndbuf, long fwdAlloc,
                           long wmemQueued, long optmem, long backlog, long drops) {
}
