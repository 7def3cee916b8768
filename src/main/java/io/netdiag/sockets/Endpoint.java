package io.netdiag.sockets;

/**
 * One end of a socket as ss shows it. For TCP, UDP and raw sockets: the numeric address (IPv4 dotted
 * quad, IPv6 in RFC 5952 form without brackets) and the port (the protocol number for raw sockets). For
 * UNIX sockets: the bound path ({@code @name} for abstract names, {@code *} when unbound) and, in place
 * of a port, the socket's inode (the peer's inode on the peer side), as ss prints them.
 */
public record Endpoint(String address, long port) {
    public static final Endpoint UNBOUND_UNIX = new Endpoint("*", 0);
}
