package io.netdiag.sockets;

import java.util.EnumSet;
import java.util.Set;

/**
 * What to list: which kinds of socket, in which states, matching which filter, with how much detail.
 * Start from {@link #all()}, {@link #tcp()} or {@link #of(Netid...)} and narrow it:
 * <pre>{@code
 * SocketInventory.list(SocketQuery.tcp().where(SocketFilter.localPort(8080)))
 * SocketInventory.list(SocketQuery.all().where(SocketFilter.inode(12345)).withInfo(true))
 * }</pre>
 *
 * @param netids   socket kinds to read
 * @param families address families to keep (inet, inet6, unix)
 * @param states   states to keep (the kernel filters them too)
 * @param filter   an extra predicate, {@link SocketFilter#ALL} for none
 * @param info     ask the kernel for tcp_info, congestion control and socket memory
 * @param owners   find the owning processes (walks /proc/PID/fd once)
 * @param source   netlink, /proc, or netlink with a /proc fallback
 */
public record SocketQuery(Set<Netid> netids, Set<SocketEntry.Family> families, Set<SocketState> states,
                          SocketFilter filter, boolean info, boolean owners, Source source) {

    public SocketQuery {
        netids = netids.isEmpty() ? EnumSet.noneOf(Netid.class) : EnumSet.copyOf(netids);
        families = families.isEmpty() ? EnumSet.noneOf(SocketEntry.Family.class) : EnumSet.copyOf(families);
        states = states.isEmpty() ? EnumSet.noneOf(SocketState.class) : EnumSet.copyOf(states);
        filter = filter == null ? SocketFilter.ALL : filter;
        source = source == null ? Source.AUTO : source;
    }

    /** Every socket of every kind and state, without extras. */
    public static SocketQuery all() {
        return of(Netid.values());
    }

    /** Every TCP socket (IPv4 and IPv6) in every state. */
    public static SocketQuery tcp() {
        return of(Netid.TCP);
    }

    public static SocketQuery of(Netid... kinds) {
        return new SocketQuery(EnumSet.copyOf(java.util.List.of(kinds)), EnumSet.allOf(SocketEntry.Family.class),
                SocketState.all(), SocketFilter.ALL, false, false, Source.AUTO);
    }

    public SocketQuery where(SocketFilter more) {
        return new SocketQuery(netids, families, states, filter.and(more), info, owners, source);
    }

    public SocketQuery inStates(Set<SocketState> only) {
        return new SocketQuery(netids, families, only, filter, info, owners, source);
    }

    public SocketQuery inFamilies(Set<SocketEntry.Family> only) {
        return new SocketQuery(netids, only, states, filter, info, owners, source);
    }

    public SocketQuery withInfo(boolean on) {
        return new SocketQuery(netids, families, states, filter, on, owners, source);
    }

    public SocketQuery withOwners(boolean on) {
        return new SocketQuery(netids, families, states, filter, info, on, source);
    }

    public SocketQuery from(Source from) {
        return new SocketQuery(netids, families, states, filter, info, owners, from);
    }

    boolean wants(Netid id) {
        return netids.contains(id);
    }

    boolean wantsUnix() {
        return (netids.contains(Netid.UNIX_STREAM) || netids.contains(Netid.UNIX_DGRAM) || netids.contains(Netid.UNIX_SEQPACKET))
                && families.contains(SocketEntry.Family.UNIX);
    }

    /** The kernel's state bitmask (bit N = state N) for the states asked for. */
    int stateBits() {
        int bits = 0;
        for (SocketState s : states) {
            bits |= 1 << s.number();
        }
        return bits;
    }

    /** The states to keep, the family and the filter, in the order ss applies them. */
    boolean accepts(SocketEntry e) {
        return netids.contains(e.netid()) && families.contains(e.family()) && states.contains(e.state()) && filter.test(e);
    }
}
