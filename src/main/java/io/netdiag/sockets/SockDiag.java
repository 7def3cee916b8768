package io.netdiag.sockets;

import io.netdiag.os.AddressText;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.NativeBytes;
import io.netdiag.os.Netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * Reads sockets through NETLINK_SOCK_DIAG as ss does: one SOCK_DIAG_BY_FAMILY dump request per address
 * family and protocol ({@code struct inet_diag_req_v2}, include/uapi/linux/inet_diag.h) and one for UNIX
 * sockets ({@code struct unix_diag_req}, include/uapi/linux/unix_diag.h). Replies are decoded straight
 * from the receive buffer in wire order.
 */
final class SockDiag implements AutoCloseable {
    static final int SOCK_DIAG_BY_FAMILY = 20;
    /** The request of the first inet_diag interface (before SOCK_DIAG_BY_FAMILY), TCP of every family at once. */
    static final int TCPDIAG_GETSOCK = 18;
    /**
     * The message type {@link #startTcp} sends: TCPDIAG_GETSOCK, except in a test of what happens when a kernel refuses
     * it (a type the kernel does not know, which it answers with EINVAL).
     */
    static volatile int tcpRequestType = TCPDIAG_GETSOCK;
    static final int IPPROTO_RAW = 255;

    // inet_diag attribute types (enum in inet_diag.h)
    private static final int INET_DIAG_INFO = 2;
    private static final int INET_DIAG_CONG = 4;
    private static final int INET_DIAG_SKMEMINFO = 7;
    /** The congestion module's own information (the request bit; BBR answers with INET_DIAG_BBRINFO), as ss -i asks. */
    private static final int INET_DIAG_VEGASINFO = 3;
    private static final int INET_DIAG_BBRINFO = 16;
    /**
     * The idiag_ext bits of a request with {@code --info}: tcp_info, the congestion algorithm and its own information,
     * socket memory.
     */
    private static final byte INFO_EXTENSIONS = (byte) (1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_CONG - 1)
            | 1 << (INET_DIAG_SKMEMINFO - 1) | 1 << (INET_DIAG_VEGASINFO - 1));
    private static final int INET_DIAG_SHUTDOWN = 8;
    private static final int INET_DIAG_SKV6ONLY = 11;
    private static final int INET_DIAG_CGROUP_ID = 21;

    // unix_diag show flags and attribute types
    private static final int UDIAG_SHOW_NAME = 0x01;
    private static final int UDIAG_SHOW_PEER = 0x04;
    private static final int UDIAG_SHOW_RQLEN = 0x10;
    private static final int UDIAG_SHOW_MEMINFO = 0x20;
    private static final int UDIAG_SHOW_UID = 0x40;
    private static final int UNIX_DIAG_NAME = 0;
    private static final int UNIX_DIAG_PEER = 2;
    private static final int UNIX_DIAG_RQLEN = 4;
    private static final int UNIX_DIAG_MEMINFO = 5;
    private static final int UNIX_DIAG_SHUTDOWN = 6;
    private static final int UNIX_DIAG_UID = 7;

    // netlink_diag (include/uapi/linux/netlink_diag.h)
    private static final int NDIAG_PROTO_ALL = 255;
    private static final int NDIAG_SHOW_MEMINFO = 0x1;
    private static final int NDIAG_SHOW_GROUPS = 0x2;
    private static final int NETLINK_DIAG_MEMINFO = 0;
    private static final int NETLINK_DIAG_GROUPS = 1;
    private static final int NETLINK_CONNECTED = 1;

    // packet_diag (include/uapi/linux/packet_diag.h)
    private static final int AF_PACKET = 17;
    private static final int PACKET_SHOW_INFO = 0x1;
    private static final int PACKET_SHOW_MEMINFO = 0x10;
    private static final int PACKET_DIAG_INFO = 0;
    private static final int PACKET_DIAG_UID = 5;
    private static final int PACKET_DIAG_MEMINFO = 6;


    private final Netlink netlink;

    private SockDiag(Netlink netlink) {
        this.netlink = netlink;
    }

    static SockDiag open() throws ErrnoException {
        return new SockDiag(Netlink.open(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG"));
    }

    /**
     * Starts dumping one inet table on its own socket and thread ({@link Netlink.Dump}): the kernel's dump
     * work (it runs inside the reader's recv calls) overlaps the caller's decoding, and a listing can start
     * every table it needs at once. Decode with {@link Pending#drain}.
     */
    static Pending startInet(Netid netid, int family, int stateBits, boolean info, int ahead) {
        return new Pending(inetDump(netid, family, stateBits, info, ahead), netid);
    }

    /** One SOCK_DIAG_BY_FAMILY dump of an inet table, started. */
    private static Netlink.Dump inetDump(Netid netid, int family, int stateBits, boolean info, int ahead) {
        return Netlink.startDump(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG", SOCK_DIAG_BY_FAMILY,
                inetRequest(netid, family, stateBits, info), inetWhat(netid, family), ahead);
    }

    /**
     * Starts the TCP tables of both families with one request, and returns their two halves, IPv4 first, to be
     * drained in that order. ss sends one SOCK_DIAG_BY_FAMILY request per family, and the kernel walks all of its
     * TCP hash tables for each (in every network namespace: ~25 ms with 90,000 sockets on the machine, here, even
     * for a family with no socket). The older TCPDIAG_GETSOCK request ({@code struct inet_diag_req}, still served by
     * net/ipv4/inet_diag.c for compatibility) asks for every family at once, so the tables are walked once. The
     * walk meets IPv4 and IPv6 sockets mixed, each family in the order its own dump would give: the IPv4 half hands
     * on its own sockets and keeps the IPv6 ones for the second half, so both come out in ss's order. A kernel that
     * refuses the request before answering anything gets one request per family, as from {@link #startInet}.
     */
    static Pending[] startTcp(int stateBits, boolean info, int ahead) {
        BothFamilies both = new BothFamilies(stateBits, info, ahead);
        Netlink.Dump dump = Netlink.startDump(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG", tcpRequestType,
                compatRequest(stateBits, info), "TCPDIAG_GETSOCK", ahead);
        return new Pending[] {new Pending(dump, Netid.TCP, both, Libc.AF_INET), new Pending(null, Netid.TCP, both, Libc.AF_INET6)};
    }

    /**
     * What the two halves of {@link #startTcp} share: the IPv6 sockets the walk met, kept as {@code [length][message]}
     * records until the second half replays them, and the per-family dumps used instead when the kernel refused.
     */
    private static final class BothFamilies {
        private final int stateBits;
        private final boolean info;
        private final int ahead;
        private byte[] kept = new byte[0];
        private int used;
        /** Whether the combined dump answered anything (then its failure is the table's, not the request's). */
        private boolean answered;
        /** Whether the IPv4 half drained the combined dump to its end: {@link #kept} holds every IPv6 socket. */
        private boolean complete;
        /** The IPv6 table's own dump, started when the combined request was refused. */
        private Netlink.Dump v6;

        BothFamilies(int stateBits, boolean info, int ahead) {
            this.stateBits = stateBits;
            this.info = info;
            this.ahead = ahead;
        }

        Netlink.Dump startSingle(int family) {
            return inetDump(Netid.TCP, family, stateBits, info, ahead);
        }

        void keep(byte[] m, int at, int length) {
            if (used + 4 + length > kept.length) {
                kept = java.util.Arrays.copyOf(kept, Math.max(kept.length * 2, Math.max(4096, used + 4 + length)));
            }
            NativeBytes.putS32(kept, used, length);
            System.arraycopy(m, at, kept, used + 4, length);
            used += 4 + length;
        }

        void replay(Netlink.MessageHandler handler) {
            for (int at = 0; at < used; ) {
                int length = NativeBytes.s32(kept, at);
                handler.message(TCPDIAG_GETSOCK, kept, at + 4, length);
                at += 4 + length;
            }
        }
    }

    /**
     * As {@link #startInet} for the UNIX table. {@code ahead}: how many bytes of replies the reader may queue ahead
     * of the decoder ({@link Netlink#startDump(int, String, int, byte[], String, int)}).
     */
    static Pending startUnix(int stateBits, boolean info, int ahead) {
        return new Pending(Netlink.startDump(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG", SOCK_DIAG_BY_FAMILY,
                unixRequest(stateBits, info), "SOCK_DIAG_BY_FAMILY AF_UNIX", ahead), null);
    }

    /** As {@link #startInet} for netlink sockets, every protocol (netlink_diag, as {@code ss -a} asks for them). */
    static Pending startNetlink(int ahead) {
        // struct netlink_diag_req: family u8, protocol u8, pad u16, ino u32, show u32, cookie u32[2]
        byte[] req = new byte[20];
        req[0] = (byte) Libc.AF_NETLINK;
        req[1] = (byte) NDIAG_PROTO_ALL;
        NativeBytes.putS32(req, 8, NDIAG_SHOW_MEMINFO | NDIAG_SHOW_GROUPS); // ndiag_show, after the inode
        return new Pending(Netlink.startDump(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG", SOCK_DIAG_BY_FAMILY, req,
                "SOCK_DIAG_BY_FAMILY AF_NETLINK", ahead), Netid.NETLINK);
    }

    /** As {@link #startInet} for packet sockets (packet_diag, as {@code ss -0} asks for them). */
    static Pending startPacket(int ahead) {
        // struct packet_diag_req: family u8, protocol u8, pad u16, ino u32, show u32, cookie u32[2]
        byte[] req = new byte[20];
        req[0] = (byte) AF_PACKET;
        NativeBytes.putS32(req, 8, PACKET_SHOW_INFO | PACKET_SHOW_MEMINFO);
        return new Pending(Netlink.startDump(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG", SOCK_DIAG_BY_FAMILY, req,
                "SOCK_DIAG_BY_FAMILY AF_PACKET", ahead), Netid.PACKET_RAW);
    }

    /**
     * A table's dump under way; {@code netid} null for the UNIX table. A dump repeats few addresses (127.0.0.1
     * on both ends of 40,000 loopback sockets): the cache formats each about once.
     */
    static final class Pending implements AutoCloseable {
        /** The dump this table reads; for the IPv6 half of {@link #startTcp}, null until it needs one of its own. */
        private Netlink.Dump dump;
        private final Netid netid;
        private final AddressCache addresses = new AddressCache();
        /** Set for the two halves of {@link #startTcp}, with the family of this half. */
        private final BothFamilies both;
        private final int family;

        private Pending(Netlink.Dump dump, Netid netid) {
            this(dump, netid, null, 0);
        }

        private Pending(Netlink.Dump dump, Netid netid, BothFamilies both, int family) {
            this.dump = dump;
            this.netid = netid;
            this.both = both;
            this.family = family;
        }

        /** Hands every message of this table to {@code handler}, in the kernel's order. */
        private void each(Netlink.MessageHandler handler) throws ErrnoException {
            each(handler, null);
        }

        /** As {@link #each(Netlink.MessageHandler)}, with {@code idle} for the waits ({@link Netlink.Dump#drain}). */
        private void each(Netlink.MessageHandler handler, java.util.function.BooleanSupplier idle) throws ErrnoException {
            if (both == null) {
                dump.drain(handler, idle);
            } else if (family == Libc.AF_INET) {
                try {
                    dump.drain((type, m, at, length) -> {
                        both.answered = true;
                        if (NativeBytes.u8(m, at) == Libc.AF_INET6) {
                            both.keep(m, at, length);
                        } else {
                            handler.message(type, m, at, length);
                        }
                    }, idle);
                    both.complete = true;
                    return;
                } catch (ErrnoException e) {
                    if (both.answered) {
                        throw e;
                    }
                }
                // refused (a kernel without the compatibility request): one dump per family, both at once
                dump.close();
                dump = both.startSingle(Libc.AF_INET);
                both.v6 = both.startSingle(Libc.AF_INET6);
                dump.drain(handler, idle);
            } else if (both.complete) {
                both.replay(handler);
            } else {
                // the IPv4 half failed, or was never drained: this table on its own
                dump = both.v6 != null ? both.v6 : both.startSingle(Libc.AF_INET6);
                both.v6 = null;
                dump.drain(handler, idle);
            }
        }

        /** Decodes the table's sockets in the kernel's order; throws what the dump failed with. */
        void drain(Consumer<SocketEntry> sink) throws ErrnoException {
            if (netid == null) {
                each((type, bytes, at, length) -> sink.accept(decodeUnix(bytes, at, length)));
            } else if (netid == Netid.NETLINK) {
                each((type, bytes, at, length) -> sink.accept(decodeNetlink(bytes, at, length)));
            } else if (netid == Netid.PACKET_RAW) {
                each((type, bytes, at, length) -> sink.accept(decodePacket(bytes, at, length)));
            } else {
                each((type, bytes, at, length) -> sink.accept(decodeInet(netid, bytes, at, length, addresses)));
            }
        }

        /**
         * Decodes an inet table's sockets straight into {@code rows} ({@link SocketRows#addInet}), keeping those in
         * {@code states} (indexed by {@link SocketState#ordinal()}) of the families {@code v4} and {@code v6} allow:
         * what {@link #drain} followed by {@link SocketQuery#accepts} and {@link SocketRows#add} would print, for a
         * query without a filter, owners or extras. No {@link SocketEntry}, Endpoint or address String per socket.
         */
        void drainRows(SocketRows rows, boolean[] states, boolean v4, boolean v6) throws ErrnoException {
            HostCache hosts = new HostCache();
            Netid id = netid;
            // while the kernel makes the next batch, the rows so far are laid out (SocketRows.layAhead)
            java.util.function.BooleanSupplier idle = () -> rows.layAhead(LAY_AHEAD_ROWS);
            each((type, m, at, length) -> {
                int family = NativeBytes.u8(m, at);
                SocketState state = SocketState.of(NativeBytes.u8(m, at + 1));
                boolean isV4 = family == Libc.AF_INET;
                if (!states[state.ordinal()] || !(isV4 ? v4 : v6)) {
                    return;
                }
                int src = at + 8;
                int dst = at + 24;
                byte[] local;
                byte[] peer;
                if (!isV4 && (zero16(m, src) || zero16(m, dst)) && !v6only(m, at, length)) {
                    // ss prints a dual-stack socket's :: as *
                    local = zero16(m, src) ? STAR : hosts.text(false, m, src);
                    peer = zero16(m, dst) ? STAR : hosts.text(false, m, dst);
                } else {
                    local = hosts.text(isV4, m, src);
                    peer = hosts.text(isV4, m, dst);
                }
                rows.addInet(id, state, NativeBytes.u32(m, at + 56), NativeBytes.u32(m, at + 60), local,
                        NativeBytes.be16(m, at + 4), peer, NativeBytes.be16(m, at + 6));
            }, idle);
        }

        @Override
        public void close() {
            if (dump != null) {
                dump.close();
            }
            if (both != null && family == Libc.AF_INET6 && both.v6 != null) {
                both.v6.close();
                both.v6 = null;
            }
        }
    }

    private static final byte[] STAR = {'*'};
    /** Rows laid out per call while a listing waits for a batch: well under a millisecond, once compiled. */
    private static final int LAY_AHEAD_ROWS = 256;

    private static boolean zero16(byte[] m, int at) {
        for (int i = 0; i < 16; i++) {
            if (m[at + i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The INET_DIAG_SKV6ONLY attribute of an inet_diag message; false when absent, as {@link #decodeInet} reads it. */
    private static boolean v6only(byte[] m, int at, int length) {
        boolean v6only = false;
        for (int offset = 72, next; (next = Netlink.nextAttribute(m, at, offset, length)) >= 0; offset = next) {
            if (NativeBytes.u16(m, at + offset + 2) == INET_DIAG_SKV6ONLY) {
                v6only = m[at + offset + 4] != 0;
            }
        }
        return v6only;
    }

    /**
     * The address column's text of the last few addresses seen, as ASCII bytes: a dotted quad, or an IPv6
     * address in brackets. A direct-mapped table of 64 slots keyed by the address bytes, as {@link AddressCache}.
     */
    static final class HostCache {
        private final byte[][] keys = new byte[64][];
        private final byte[][] texts = new byte[64][];

        byte[] text(boolean v4, byte[] m, int at) {
            int size = v4 ? 4 : 16;
            int slot = AddressCache.slot(m, at, size);
            byte[] key = keys[slot];
            if (AddressCache.holds(key, m, at, size)) {
                return texts[slot];
            }
            String text = v4 ? AddressText.ipv4(m, at) : "[" + AddressText.ipv6(m, at) + "]";
            keys[slot] = java.util.Arrays.copyOfRange(m, at, at + size);
            texts[slot] = text.getBytes(StandardCharsets.US_ASCII);
            return texts[slot];
        }
    }

    private static String inetWhat(Netid netid, int family) {
        return "SOCK_DIAG_BY_FAMILY " + (family == Libc.AF_INET ? "AF_INET " : "AF_INET6 ") + netid.ssName();
    }

    private static byte[] inetRequest(Netid netid, int family, int stateBits, boolean info) {
        int protocol = switch (netid) {
            case TCP -> Libc.IPPROTO_TCP;
            case UDP -> Libc.IPPROTO_UDP;
            default -> IPPROTO_RAW;
        };
        // struct inet_diag_req_v2: family u8, protocol u8, ext u8, pad u8 (raw: the raw protocol), states u32,
        // struct inet_diag_sockid (48 bytes, zero = any)
        // built as plain bytes: a MemorySegment's toArray costs a cold JVM a generated class (~3 ms)
        byte[] req = new byte[56];
        req[0] = (byte) family;
        req[1] = (byte) protocol;
        req[2] = info ? INFO_EXTENSIONS : 0;
        // pad (sdiag_raw_protocol for raw) stays 0 in a dump, as ss sends it: the kernel only compares it
        // when looking up one socket
        NativeBytes.putS32(req, 4, stateBits);
        return req;
    }

    /**
     * {@code struct inet_diag_req} (inet_diag.h) for TCPDIAG_GETSOCK: family u8 (not read for a dump), src_len u8,
     * dst_len u8, ext u8, struct inet_diag_sockid (48 bytes, zero = any), states u32, dbs u32.
     */
    private static byte[] compatRequest(int stateBits, boolean info) {
        byte[] req = new byte[60];
        req[0] = (byte) Libc.AF_INET;
        req[3] = info ? INFO_EXTENSIONS : 0;
        NativeBytes.putS32(req, 52, stateBits);
        return req;
    }

    private static byte[] unixRequest(int stateBits, boolean info) {
        // struct unix_diag_req: family u8, protocol u8, pad u16, states u32, ino u32, show u32, cookie u32[2]
        byte[] req = new byte[24];
        req[0] = (byte) Libc.AF_UNIX;
        NativeBytes.putS32(req, 4, stateBits);
        int show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;
        if (info) {
            show |= UDIAG_SHOW_MEMINFO;
        }
        NativeBytes.putS32(req, 12, show);
        return req;
    }

    /**
     * Looks up one TCP socket by its two ends (inet_diag's exact lookup, {@code inet_diag_find_one_icsk}: a
     * hash lookup in the kernel, no walk over the table). {@code src}/{@code dst} are 4 or 16 address bytes.
     * Empty when the kernel has no such socket (ENOENT: a closed or reset connection leaves the tables).
     */
    Optional<SocketEntry> tcpOne(int family, byte[] src, int sport, byte[] dst, int dport, boolean info) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(56, 4);
            req.set(JAVA_BYTE, 0, (byte) family);
            req.set(JAVA_BYTE, 1, (byte) Libc.IPPROTO_TCP);
            if (info) {
                req.set(JAVA_BYTE, 2, INFO_EXTENSIONS);
            }
            req.set(JAVA_INT_UNALIGNED, 4, -1);
            // struct inet_diag_sockid: sport and dport big-endian, src[4] and dst[4] u32 words, if, cookie[2]
            req.set(JAVA_BYTE, 8, (byte) (sport >>> 8));
            req.set(JAVA_BYTE, 9, (byte) sport);
            req.set(JAVA_BYTE, 10, (byte) (dport >>> 8));
            req.set(JAVA_BYTE, 11, (byte) dport);
            MemorySegment.copy(MemorySegment.ofArray(src), 0, req, 12, src.length);
            MemorySegment.copy(MemorySegment.ofArray(dst), 0, req, 28, dst.length);
            // INET_DIAG_NOCOOKIE (~0, ~0): match by address, whatever the cookie
            req.set(JAVA_INT_UNALIGNED, 48, -1);
            req.set(JAVA_INT_UNALIGNED, 52, -1);
            String what = "SOCK_DIAG_BY_FAMILY " + (family == Libc.AF_INET ? "AF_INET" : "AF_INET6") + " tcp (one socket)";
            SocketEntry[] found = new SocketEntry[1];
            try {
                netlink.request(SOCK_DIAG_BY_FAMILY, req, what, (type, bytes, at, length) -> found[0] = decodeInet(Netid.TCP, bytes, at, length));
            } catch (ErrnoException e) {
                if (e.errno() == 2) { // ENOENT: no such socket
                    return Optional.empty();
                }
                throw e;
            }
            return Optional.ofNullable(found[0]);
        }
    }

    /** Looks up one UNIX socket by inode (unix_diag's exact lookup); empty when there is none. */
    Optional<SocketEntry> unixOne(long inode, boolean info) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(24, 4);
            req.set(JAVA_BYTE, 0, (byte) Libc.AF_UNIX);
            req.set(JAVA_INT_UNALIGNED, 4, -1);
            req.set(JAVA_INT_UNALIGNED, 8, (int) inode);
            int show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;
            if (info) {
                show |= UDIAG_SHOW_MEMINFO;
            }
            req.set(JAVA_INT_UNALIGNED, 12, show);
            req.set(JAVA_INT_UNALIGNED, 16, -1);
            req.set(JAVA_INT_UNALIGNED, 20, -1);
            SocketEntry[] found = new SocketEntry[1];
            try {
                netlink.request(SOCK_DIAG_BY_FAMILY, req, "SOCK_DIAG_BY_FAMILY AF_UNIX (inode " + inode + ")",
                        (type, bytes, at, length) -> found[0] = decodeUnix(bytes, at, length));
            } catch (ErrnoException e) {
                if (e.errno() == 2) {
                    return Optional.empty();
                }
                throw e;
            }
            return Optional.ofNullable(found[0]);
        }
    }

    /** struct inet_diag_msg (72 bytes) followed by rtattr attributes, {@code length} bytes at {@code at}. */
    static SocketEntry decodeInet(Netid netid, byte[] m, int at, int length) {
        return decodeInet(netid, m, at, length, new AddressCache());
    }

    static SocketEntry decodeInet(Netid netid, byte[] m, int at, int length, AddressCache addresses) {
        int family = NativeBytes.u8(m, at);
        SocketState state = SocketState.of(NativeBytes.u8(m, at + 1));
        int sport = NativeBytes.be16(m, at + 4);
        int dport = NativeBytes.be16(m, at + 6);
        boolean v4 = family == Libc.AF_INET;
        String src = addresses.text(v4, m, at + 8);
        String dst = addresses.text(v4, m, at + 24);
        long cookie = NativeBytes.u32(m, at + 44) | NativeBytes.u32(m, at + 48) << 32;
        long rqueue = NativeBytes.u32(m, at + 56);
        long wqueue = NativeBytes.u32(m, at + 60);
        int uid = NativeBytes.s32(m, at + 64);
        long inode = NativeBytes.u32(m, at + 68);
        SocketEntry.Timer timer = SocketEntry.Timer.of(NativeBytes.u8(m, at + 2), NativeBytes.u32(m, at + 52),
                NativeBytes.u8(m, at + 3));
        boolean v6only = false;
        int shutdown = -1;
        long cgroup = 0;
        String congestion = null;
        TcpInfo tcpInfo = null;
        long[] bbr = null;
        SocketMemory memory = null;
        for (int offset = 72, next; (next = Netlink.nextAttribute(m, at, offset, length)) >= 0; offset = next) {
            int type = NativeBytes.u16(m, at + offset + 2);
            int data = at + offset + 4;
            int size = NativeBytes.u16(m, at + offset) - 4;
            switch (type) {
                case INET_DIAG_INFO -> {
                    if (netid == Netid.TCP) {
                        tcpInfo = TcpInfo.decode(m, data, size);
                    }
                }
                case INET_DIAG_CONG -> congestion = cString(m, data, size);
                case INET_DIAG_BBRINFO -> {
                    // struct tcp_bbr_info: bw_lo, bw_hi, min_rtt, pacing_gain, cwnd_gain (u32 each)
                    if (size >= 20) {
                        bbr = new long[] {NativeBytes.u32(m, data) | NativeBytes.u32(m, data + 4) << 32,
                                NativeBytes.u32(m, data + 8), NativeBytes.u32(m, data + 12), NativeBytes.u32(m, data + 16)};
                    }
                }
                case INET_DIAG_SKMEMINFO -> memory = memory(m, data, size);
                case INET_DIAG_SHUTDOWN -> shutdown = NativeBytes.u8(m, data);
                case INET_DIAG_SKV6ONLY -> v6only = m[data] != 0;
                case INET_DIAG_CGROUP_ID -> cgroup = NativeBytes.s64(m, data);
                default -> {
                }
            }
        }
        if (tcpInfo != null && bbr != null) {
            tcpInfo = tcpInfo.withBbr(bbr[0], bbr[1], bbr[2], bbr[3]);
        }
        return new SocketEntry(v4 ? SocketEntry.Family.INET : SocketEntry.Family.INET6, netid, state, rqueue, wqueue,
                new Endpoint(src, sport), new Endpoint(dst, dport), inode, uid, cookie, v6only, shutdown, congestion,
                Optional.ofNullable(tcpInfo), Optional.ofNullable(memory), List.of(), timer, cgroup);
    }

    /** struct unix_diag_msg (16 bytes: family, type, state, pad, ino u32, cookie u32[2]) and attributes. */
    static SocketEntry decodeUnix(byte[] m, int at, int length) {
        Netid netid = Netid.fromUnixType(NativeBytes.u8(m, at + 1));
        SocketState state = SocketState.of(NativeBytes.u8(m, at + 2));
        long inode = NativeBytes.u32(m, at + 4);
        long cookie = NativeBytes.u32(m, at + 8) | NativeBytes.u32(m, at + 12) << 32;
        String name = "*";
        long peer = 0;
        long rqueue = 0;
        long wqueue = 0;
        int uid = -1;
        int shutdown = -1;
        SocketMemory memory = null;
        for (int offset = 16, next; (next = Netlink.nextAttribute(m, at, offset, length)) >= 0; offset = next) {
            int type = NativeBytes.u16(m, at + offset + 2);
            int data = at + offset + 4;
            int size = NativeBytes.u16(m, at + offset) - 4;
            switch (type) {
                case UNIX_DIAG_NAME -> name = unixName(m, data, size);
                case UNIX_DIAG_PEER -> peer = NativeBytes.u32(m, data);
                case UNIX_DIAG_RQLEN -> {
                    rqueue = NativeBytes.u32(m, data);
                    wqueue = NativeBytes.u32(m, data + 4);
                }
                case UNIX_DIAG_MEMINFO -> memory = memory(m, data, size);
                case UNIX_DIAG_SHUTDOWN -> shutdown = NativeBytes.u8(m, data);
                case UNIX_DIAG_UID -> uid = NativeBytes.s32(m, data);
                default -> {
                }
            }
        }
        return new SocketEntry(SocketEntry.Family.UNIX, netid, state, rqueue, wqueue, new Endpoint(name, inode),
                new Endpoint("*", peer), inode, uid, cookie, false, shutdown, null, Optional.empty(),
                Optional.ofNullable(memory), List.of(), null, 0);
    }

    /**
     * One netlink socket, as ss shows it: always UNCONN (ss does not tell connected ones apart in the State
     * column), Recv-Q and Send-Q the receive and send memory in use, the local end {@code PROTOCOL:PORTID}, the
     * peer {@code GROUP:PORTID} when connected and {@code *} otherwise. The multicast groups go in the cookie field.
     */
    static SocketEntry decodeNetlink(byte[] m, int at, int length) {
        // struct netlink_diag_msg: family u8, type u8, protocol u8, state u8, portid u32, dst_portid u32,
        // dst_group u32, ino u32, cookie u32[2]
        int protocol = NativeBytes.u8(m, at + 2);
        int state = NativeBytes.u8(m, at + 3);
        // port ids as ss prints them, signed: the kernel gives an autobound socket a negative one when the
        // process's id is taken, and -1 means none
        long portid = NativeBytes.s32(m, at + 4);
        long dstPortid = NativeBytes.s32(m, at + 8);
        long dstGroup = NativeBytes.u32(m, at + 12);
        long inode = NativeBytes.u32(m, at + 16);
        long rmem = 0;
        long wmem = 0;
        long groups = 0;
        SocketMemory memory = null;
        for (int offset = 28, next; // attributes follow the 28-byte struct netlink_diag_msg
                 (next = Netlink.nextAttribute(m, at, offset, length)) >= 0; offset = next) {
            int type = NativeBytes.u16(m, at + offset + 2);
            int data = at + offset + 4;
            int size = NativeBytes.u16(m, at + offset) - 4;
            if (type == NETLINK_DIAG_MEMINFO && size >= 12) {
                rmem = NativeBytes.u32(m, data); // SK_MEMINFO_RMEM_ALLOC
                wmem = NativeBytes.u32(m, data + 8); // SK_MEMINFO_WMEM_ALLOC
                memory = memory(m, data, size);
            } else if (type == NETLINK_DIAG_GROUPS && size >= 4) {
                groups = NativeBytes.u32(m, data);
            }
        }
        Endpoint peer = state == NETLINK_CONNECTED ? new Endpoint(Long.toString(dstGroup), dstPortid) : new Endpoint("*", -1);
        return new SocketEntry(SocketEntry.Family.NETLINK, Netid.NETLINK, SocketState.CLOSE, rmem, wmem,
                new Endpoint(Integer.toString(protocol), portid), peer, inode, -1, groups, false, -1, null, Optional.empty(),
                Optional.ofNullable(memory), List.of(), null, 0);
    }

    /**
     * One packet socket, as ss shows it: UNCONN, Recv-Q the receive memory in use (Send-Q 0, as ss has it), the local
     * end the link-layer protocol (host order; 3 is ETH_P_ALL) and the interface index (0: any), the peer none.
     */
    static SocketEntry decodePacket(byte[] m, int at, int length) {
        // struct packet_diag_msg: family u8, type u8, num u16 (the protocol, host order), ino u32, cookie u32[2]
        Netid netid = NativeBytes.u8(m, at + 1) == Libc.SOCK_DGRAM ? Netid.PACKET_DGRAM : Netid.PACKET_RAW;
        int protocol = NativeBytes.u16(m, at + 2);
        long inode = NativeBytes.u32(m, at + 4);
        long cookie = NativeBytes.u32(m, at + 8) | NativeBytes.u32(m, at + 12) << 32;
        long ifindex = 0;
        long rmem = 0;
        int uid = -1;
        SocketMemory memory = null;
        for (int offset = 16, next; (next = Netlink.nextAttribute(m, at, offset, length)) >= 0; offset = next) {
            int type = NativeBytes.u16(m, at + offset + 2);
            int data = at + offset + 4;
            int size = NativeBytes.u16(m, at + offset) - 4;
            if (type == PACKET_DIAG_INFO && size >= 4) {
                ifindex = NativeBytes.u32(m, data); // struct packet_diag_info: pdi_index first
            } else if (type == PACKET_DIAG_UID && size >= 4) {
                uid = NativeBytes.s32(m, data);
            } else if (type == PACKET_DIAG_MEMINFO && size >= 4) {
                rmem = NativeBytes.u32(m, data); // SK_MEMINFO_RMEM_ALLOC
                memory = memory(m, data, size);
            }
        }
        return new SocketEntry(SocketEntry.Family.PACKET, netid, SocketState.CLOSE, rmem, 0,
                new Endpoint(Integer.toString(protocol), ifindex), new Endpoint("*", -1), inode, uid, cookie, false, -1, null,
                Optional.empty(), Optional.ofNullable(memory), List.of(), null, 0);
    }

    /** Abstract names start with a NUL byte; ss prints them with a leading '@'. Path names may end in NULs. */
    private static String unixName(byte[] m, int at, int size) {
        if (size > 0 && m[at] == 0) {
            return "@" + new String(m, at + 1, size - 1, StandardCharsets.UTF_8);
        }
        int n = 0;
        while (n < size && m[at + n] != 0) {
            n++;
        }
        return new String(m, at, n, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] m, int at, int size) {
        int n = 0;
        while (n < size && m[at + n] != 0) {
            n++;
        }
        return new String(m, at, n, StandardCharsets.US_ASCII);
    }

    /** u32 SK_MEMINFO_* array: rmem_alloc, rcvbuf, wmem_alloc, sndbuf, fwd_alloc, wmem_queued, optmem, backlog, drops. */
    private static SocketMemory memory(byte[] m, int at, int size) {
        long[] v = new long[9];
        for (int i = 0; i < 9; i++) {
            v[i] = (i + 1) * 4 <= size ? NativeBytes.u32(m, at + i * 4) : -1;
        }
        return new SocketMemory(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }

    /**
     * The text of the last few addresses seen, keyed by their bytes: a direct-mapped table of 64 slots, so
     * that a dump formats each distinct address about once instead of twice per socket.
     */
    static final class AddressCache {
        private final byte[][] keys = new byte[64][];
        private final String[] texts = new String[64];

        /** The slot of the {@code size} address bytes at {@code at} in a 64-slot table (this one, or {@link HostCache}). */
        static int slot(byte[] m, int at, int size) {
            int hash = 0;
            for (int i = 0; i < size; i++) {
                hash = 31 * hash + m[at + i];
            }
            return (hash ^ hash >>> 7) & 63;
        }

        /** Whether a slot's {@code key} is the {@code size} address bytes at {@code at}. */
        static boolean holds(byte[] key, byte[] m, int at, int size) {
            return key != null && java.util.Arrays.equals(key, 0, key.length, m, at, at + size);
        }

        String text(boolean v4, byte[] m, int at) {
            int size = v4 ? 4 : 16;
            int slot = slot(m, at, size);
            byte[] key = keys[slot];
            if (holds(key, m, at, size)) {
                return texts[slot];
            }
            String text = v4 ? AddressText.ipv4(m, at) : AddressText.ipv6(m, at);
            keys[slot] = java.util.Arrays.copyOfRange(m, at, at + size);
            texts[slot] = text;
            return text;
        }
    }

    @Override
    public void close() {
        netlink.close();
    }
}
