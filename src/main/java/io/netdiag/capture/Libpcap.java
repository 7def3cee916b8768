package io.netdiag.capture;

import io.netdiag.explain.NetdiagException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system's libpcap, linked through the FFM API: the calls netdiag makes for live capture, the device
 * list and filters. Linked on first use from the file {@link PcapLibrary#locate()} finds; a missing library
 * is an UNSUPPORTED failure (exit 3). Struct offsets are those of the LP64 ABIs (Linux and macOS, x86-64
 * and arm64): {@code struct pcap_pkthdr} is a 16-byte {@code timeval} then {@code caplen} and {@code len}.
 */
final class Libpcap {
    static final int ERRBUF_SIZE = 256;
    /** {@code struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }} */
    static final long PROGRAM_SIZE = 16;
    /** {@code struct pcap_pkthdr}: the seconds at 0, the fraction at 8, caplen at 16, len at 20. */
    static final long HEADER_SIZE = 24;

    static final int PCAP_ERROR = -1;
    static final int PCAP_ERROR_BREAK = -2;
    static final int PCAP_ERROR_NO_SUCH_DEVICE = -5;
    static final int PCAP_ERROR_PERM_DENIED = -8;
    static final int PCAP_ERROR_PROMISC_PERM_DENIED = -11;
    static final int PCAP_TSTAMP_PRECISION_NANO = 1;
    static final int PCAP_NETMASK_UNKNOWN = 0xffffffff;

    static final int PCAP_IF_LOOPBACK = 0x1;
    static final int PCAP_IF_UP = 0x2;
    static final int PCAP_IF_RUNNING = 0x4;
    static final int PCAP_IF_WIRELESS = 0x8;
    static final int PCAP_IF_CONNECTION_STATUS = 0x30;
    static final int PCAP_IF_CONNECTION_STATUS_UNKNOWN = 0x0;
    static final int PCAP_IF_CONNECTION_STATUS_CONNECTED = 0x10;
    static final int PCAP_IF_CONNECTION_STATUS_DISCONNECTED = 0x20;

    /** All of memory, to read libpcap's structures at the addresses it hands back without a segment per read. */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    static final MethodHandle LIB_VERSION;
    static final MethodHandle FINDALLDEVS;
    static final MethodHandle FREEALLDEVS;
    static final MethodHandle CREATE;
    static final MethodHandle SET_SNAPLEN;
    static final MethodHandle SET_PROMISC;
    static final MethodHandle SET_TIMEOUT;
    static final MethodHandle SET_BUFFER_SIZE;
    static final MethodHandle SET_IMMEDIATE_MODE;
    static final MethodHandle SET_TSTAMP_PRECISION;
    static final MethodHandle ACTIVATE;
    static final MethodHandle DATALINK;
    static final MethodHandle DATALINK_VAL_TO_NAME;
    static final MethodHandle LOOKUPNET;
    static final MethodHandle COMPILE;
    static final MethodHandle SETFILTER;
    static final MethodHandle FREECODE;
    static final MethodHandle SETNONBLOCK;
    static final MethodHandle NEXT_EX;
    static final MethodHandle GET_SELECTABLE_FD;
    static final MethodHandle GET_REQUIRED_SELECT_TIMEOUT;
    static final MethodHandle STATS;
    static final MethodHandle GETERR;
    static final MethodHandle STATUSTOSTR;
    static final MethodHandle CLOSE;
    static final MethodHandle OPEN_DEAD;
    static final MethodHandle OFFLINE_FILTER;

    static {
        Path library = PcapLibrary.locate().orElseThrow(() -> NetdiagException.unsupported(
                "libpcap not found", PcapLibrary.packageHint()));
        Linker linker = Linker.nativeLinker();
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            throw NetdiagException.unsupported(library + " does not load as libpcap (" + e.getMessage() + ")",
                    PcapLibrary.packageHint());
        }
        Linker.Option[] none = {};
        LIB_VERSION = link(linker, lookup, "pcap_lib_version", FunctionDescriptor.of(ADDRESS), none);
        FINDALLDEVS = link(linker, lookup, "pcap_findalldevs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), none);
        FREEALLDEVS = link(linker, lookup, "pcap_freealldevs", FunctionDescriptor.ofVoid(ADDRESS), none);
        CREATE = link(linker, lookup, "pcap_create", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), none);
        SET_SNAPLEN = link(linker, lookup, "pcap_set_snaplen", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), none);
        SET_PROMISC = link(linker, lookup, "pcap_set_promisc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), none);
        SET_TIMEOUT = link(linker, lookup, "pcap_set_timeout", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), none);
        SET_BUFFER_SIZE = link(linker, lookup, "pcap_set_buffer_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), none);
        SET_IMMEDIATE_MODE = link(linker, lookup, "pcap_set_immediate_mode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), none);
        SET_TSTAMP_PRECISION = link(linker, lookup, "pcap_set_tstamp_precision", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), none);
        ACTIVATE = link(linker, lookup, "pcap_activate", FunctionDescriptor.of(JAVA_INT, ADDRESS), none);
        DATALINK = link(linker, lookup, "pcap_datalink", FunctionDescriptor.of(JAVA_INT, ADDRESS), none);
        DATALINK_VAL_TO_NAME = link(linker, lookup, "pcap_datalink_val_to_name", FunctionDescriptor.of(ADDRESS, JAVA_INT), none);
        LOOKUPNET = link(linker, lookup, "pcap_lookupnet", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS), none);
        COMPILE = link(linker, lookup, "pcap_compile", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT), none);
        SETFILTER = link(linker, lookup, "pcap_setfilter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), none);
        FREECODE = link(linker, lookup, "pcap_freecode", FunctionDescriptor.ofVoid(ADDRESS), none);
        SETNONBLOCK = link(linker, lookup, "pcap_setnonblock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), none);
        // In non-blocking mode pcap_next_ex takes the next packet from the ring or returns 0 at once (its poll has a
        // zero timeout): short enough to skip the JVM's thread-state transition, which is most of a downcall's cost.
        NEXT_EX = link(linker, lookup, "pcap_next_ex", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                Linker.Option.critical(false));
        GET_SELECTABLE_FD = link(linker, lookup, "pcap_get_selectable_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS), none);
        GET_REQUIRED_SELECT_TIMEOUT = link(linker, lookup, "pcap_get_required_select_timeout",
                FunctionDescriptor.of(ADDRESS, ADDRESS), none);
        STATS = link(linker, lookup, "pcap_stats", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), none);
        GETERR = link(linker, lookup, "pcap_geterr", FunctionDescriptor.of(ADDRESS, ADDRESS), none);
        STATUSTOSTR = link(linker, lookup, "pcap_statustostr", FunctionDescriptor.of(ADDRESS, JAVA_INT), none);
        CLOSE = link(linker, lookup, "pcap_close", FunctionDescriptor.ofVoid(ADDRESS), none);
        OPEN_DEAD = link(linker, lookup, "pcap_open_dead", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT), none);
        // runs a few dozen BPF instructions and returns: no need for the JVM's thread-state transition
        OFFLINE_FILTER = link(linker, lookup, "pcap_offline_filter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG),
                Linker.Option.critical(false));
    }

    private Libpcap() {
    }

    private static MethodHandle link(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor descriptor,
                                     Linker.Option... options) {
        return linker.downcallHandle(lookup.findOrThrow(name), descriptor, options);
    }

    /** A NUL-terminated string libpcap returned (its error text, a version), or "" for NULL. */
    static String text(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? "" : pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** The library's version line, {@code libpcap version 1.10.3 (with TPACKET_V3)}. */
    static String version() {
        try {
            return text((MemorySegment) LIB_VERSION.invokeExact());
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    /** tcpdump's name for a link type: {@code EN10MB}. */
    static String linkTypeName(int dlt) {
        try {
            String name = text((MemorySegment) DATALINK_VAL_TO_NAME.invokeExact(dlt));
            return name.isEmpty() ? "DLT_" + dlt : name;
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    static RuntimeException rethrown(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e);
    }
}
