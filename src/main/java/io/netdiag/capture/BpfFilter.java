package io.netdiag.capture;

import io.netdiag.explain.NetdiagException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A BPF expression compiled by the system's libpcap ({@code pcap_compile} on a {@code pcap_open_dead}
 * handle, as tcpdump -r compiles it, netmask 0) and run on packets that netdiag reads itself
 * ({@code pcap_offline_filter}), through the FFM API. Compiled once per link type: a pcapng file may
 * hold interfaces of several.
 */
final class BpfFilter implements AutoCloseable {
    private static final long PROGRAM_SIZE = 16;   // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
    private static final long HEADER_SIZE = 24;    // struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen, len; }

    private final String expression;
    private final int snaplen;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment header;
    private final Map<Integer, MemorySegment> programs = new HashMap<>();
    private int lastLinkType = Integer.MIN_VALUE;
    private MemorySegment lastProgram;

    /** The libpcap functions (linked by {@link Libpcap} when the first filter is compiled). */
    private static final class Pcap {
        static final MethodHandle OPEN_DEAD = Libpcap.OPEN_DEAD;
        static final MethodHandle COMPILE = Libpcap.COMPILE;
        static final MethodHandle GETERR = Libpcap.GETERR;
        static final MethodHandle OFFLINE_FILTER = Libpcap.OFFLINE_FILTER;
        static final MethodHandle FREECODE = Libpcap.FREECODE;
        static final MethodHandle CLOSE = Libpcap.CLOSE;
    }

    private BpfFilter(String expression, int snaplen) {
        this.expression = expression;
        this.snaplen = snaplen > 0 ? snaplen : CaptureRequest.DEFAULT_SNAPLEN;
        this.header = arena.allocate(HEADER_SIZE, 8);
    }

    /**
     * Compiles {@code expression} for {@code linkType} (a LINKTYPE_ value from the file); a bad expression
     * is a bad-input failure carrying libpcap's message.
     */
    static BpfFilter compile(String expression, int linkType, int snaplen) {
        BpfFilter filter = new BpfFilter(expression, snaplen);
        try {
            filter.program(linkType);
        } catch (RuntimeException e) {
            filter.close();
            throw e;
        }
        return filter;
    }

    /** Whether the packet of {@code caplen} bytes at native {@code address} (on the wire {@code len}) passes the filter. */
    boolean matches(int linkType, long address, int caplen, int len) {
        MemorySegment program = linkType == lastLinkType ? lastProgram : program(linkType);
        header.set(JAVA_INT, 16, caplen);
        header.set(JAVA_INT, 20, len);
        try {
            return (int) Pcap.OFFLINE_FILTER.invokeExact(program, header, address) != 0;
        } catch (Throwable e) {
            throw new IllegalStateException("pcap_offline_filter failed", e);
        }
    }

    private MemorySegment program(int linkType) {
        MemorySegment program = programs.get(linkType);
        if (program == null) {
            program = compileFor(linkType);
            programs.put(linkType, program);
        }
        lastLinkType = linkType;
        lastProgram = program;
        return program;
    }

    private MemorySegment compileFor(int linkType) {
        MemorySegment program = arena.allocate(PROGRAM_SIZE, 8);
        try {
            MemorySegment pcap = (MemorySegment) Pcap.OPEN_DEAD.invokeExact(dlt(linkType), snaplen);
            if (pcap.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("pcap_open_dead failed");
            }
            try (Arena text = Arena.ofConfined()) {
                int rc = (int) Pcap.COMPILE.invokeExact(pcap, program, text.allocateFrom(expression), 1, 0);
                if (rc != 0) {
                    String why = Libpcap.text((MemorySegment) Pcap.GETERR.invokeExact(pcap));
                    throw NetdiagException.badInput("bad filter expression '" + expression + "': " + why);
                }
            } finally {
                Pcap.CLOSE.invokeExact(pcap);
            }
        } catch (NetdiagException e) {
            throw e;
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof NetdiagException n) {
                throw n;
            }
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot compile the filter through libpcap", e);
        }
        return program;
    }

    /** libpcap's DLT_ value for a file's LINKTYPE_ value (linktype_to_dlt); they differ only for a few. */
    static int dlt(int linkType) {
        return switch (linkType) {
            case 101 -> 12;    // LINKTYPE_RAW -> DLT_RAW
            case 100 -> 11;    // LINKTYPE_ATM_RFC1483
            default -> linkType;
        };
    }

    @Override
    public void close() {
        for (MemorySegment program : programs.values()) {
            try {
                Pcap.FREECODE.invokeExact(program);
            } catch (Throwable ignored) {
                // freeing at the end of the run
            }
        }
        programs.clear();
        arena.close();
    }
}
