package io.netdiag.capture;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A live libpcap handle, opened as tcpdump opens one ({@code pcap_create}, the options, {@code pcap_activate})
 * and read in non-blocking mode: {@link #next()} takes the next packet from the kernel's ring without waiting,
 * {@link #await(int)} sleeps in poll(2) until the ring has more. One thread reads; {@link #close()} comes after it.
 */
final class LiveHandle implements AutoCloseable {
    /** libpcap refused to open or activate the device: its status code and its words. */
    static final class OpenException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        OpenException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** {@code pcap_stats}: packets the filter passed, dropped for want of room in the ring, dropped by the interface. */
    record Stats(long received, long dropped, long droppedByInterface) {
    }

    private final MemorySegment pcap;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment out;      // pcap_next_ex's two out-parameters: the header and the data pointers
    private final MemorySegment outData;
    private final MemorySegment pollfd;
    private final int dlt;
    private final int fd;
    private MemorySegment program;
    private boolean closed;

    // the packet next() moved to, valid until the next call
    private long epochNanos;
    private int capturedLength;
    private int originalLength;
    private long data;

    private LiveHandle(MemorySegment pcap) {
        this.pcap = pcap;
        this.out = arena.allocate(16, 8);
        this.outData = out.asSlice(8);
        this.pollfd = Libc.pollfds(arena, 1);
        try {
            this.dlt = (int) Libpcap.DATALINK.invokeExact(pcap);
            this.fd = (int) Libpcap.GET_SELECTABLE_FD.invokeExact(pcap);
        } catch (Throwable e) {
            throw Libpcap.rethrown(e);
        }
    }

    /**
     * Opens {@code device} promiscuously with nanosecond timestamps and a 100 ms delivery timeout (the kernel hands
     * over a block of packets at least that often), a kernel ring of {@code bufferBytes}, and switches it to
     * non-blocking reads. Failures carry libpcap's status and message, as tcpdump prints them.
     */
    static LiveHandle open(String device, int snaplen, int bufferBytes, boolean immediate) throws OpenException {
        MemorySegment pcap;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errbuf = call.allocate(Libpcap.ERRBUF_SIZE);
            pcap = (MemorySegment) Libpcap.CREATE.invokeExact(call.allocateFrom(device), errbuf);
            if (pcap.equals(MemorySegment.NULL)) {
                throw new OpenException(Libpcap.PCAP_ERROR, errbuf.getString(0));
            }
            boolean ok = false;
            try {
                int status = (int) Libpcap.SET_SNAPLEN.invokeExact(pcap, snaplen);
                status |= (int) Libpcap.SET_PROMISC.invokeExact(pcap, 1);
                status |= (int) Libpcap.SET_TIMEOUT.invokeExact(pcap, 100);
                if (bufferBytes > 0) {
                    status |= (int) Libpcap.SET_BUFFER_SIZE.invokeExact(pcap, bufferBytes);
                }
                status |= (int) Libpcap.SET_IMMEDIATE_MODE.invokeExact(pcap, immediate ? 1 : 0);
                if (status != 0) {
                    throw new OpenException(Libpcap.PCAP_ERROR, "cannot set the capture options");
                }
                // nanoseconds where the platform has them; microseconds otherwise (the call then fails harmlessly)
                int precision = (int) Libpcap.SET_TSTAMP_PRECISION.invokeExact(pcap, Libpcap.PCAP_TSTAMP_PRECISION_NANO);
                int activated = (int) Libpcap.ACTIVATE.invokeExact(pcap);
                if (activated < 0) {
                    // tcpdump: libpcap's own message for a generic error, no such device and a permission problem,
                    // the status's description (plus the message when there is one) for the rest
                    String why = Libpcap.text((MemorySegment) Libpcap.GETERR.invokeExact(pcap));
                    String status0 = Libpcap.text((MemorySegment) Libpcap.STATUSTOSTR.invokeExact(activated));
                    String message = activated == Libpcap.PCAP_ERROR || activated == Libpcap.PCAP_ERROR_NO_SUCH_DEVICE
                            || activated == Libpcap.PCAP_ERROR_PERM_DENIED || activated == Libpcap.PCAP_ERROR_PROMISC_PERM_DENIED
                            ? (why.isEmpty() ? status0 : why)
                            : why.isEmpty() ? status0 : status0 + " (" + why + ")";
                    throw new OpenException(activated, device + ": " + message);
                }
                if ((int) Libpcap.SETNONBLOCK.invokeExact(pcap, 1, errbuf) < 0) {
                    throw new OpenException(Libpcap.PCAP_ERROR, device + ": " + errbuf.getString(0));
                }
                LiveHandle handle = new LiveHandle(pcap);
                handle.nanoseconds = precision == 0;
                ok = true;
                return handle;
            } finally {
                if (!ok) {
                    Libpcap.CLOSE.invokeExact(pcap);
                }
            }
        } catch (OpenException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw Libpcap.rethrown(e);
        }
    }

    private boolean nanoseconds;

    /** The device's link type (DLT_ value). */
    int dlt() {
        return dlt;
    }

    /**
     * Compiles {@code expression} with the device's netmask (as tcpdump does, 0 when it has none) and sets it in the
     * kernel; a bad expression is an {@link IllegalArgumentException} with libpcap's message.
     */
    void filter(String device, String expression) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment net = call.allocate(JAVA_INT);
            MemorySegment mask = call.allocate(JAVA_INT);
            MemorySegment errbuf = call.allocate(Libpcap.ERRBUF_SIZE);
            int netmask = (int) Libpcap.LOOKUPNET.invokeExact(call.allocateFrom(device), net, mask, errbuf) < 0 ? 0 : mask.get(JAVA_INT, 0);
            MemorySegment compiled = arena.allocate(Libpcap.PROGRAM_SIZE, 8);
            if ((int) Libpcap.COMPILE.invokeExact(pcap, compiled, call.allocateFrom(expression), 1, netmask) < 0) {
                throw new IllegalArgumentException(error());
            }
            program = compiled;
            if ((int) Libpcap.SETFILTER.invokeExact(pcap, compiled) < 0) {
                throw new IllegalArgumentException(error());
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Throwable e) {
            throw Libpcap.rethrown(e);
        }
    }

    /**
     * Moves to the next packet in the ring: 1 when there is one (then {@link #epochNanos()} and the rest describe
     * it, its bytes at {@link #data()} until the next call), 0 when the ring has none ready now, negative on an
     * error ({@link #error()} says which: the interface disappeared, ...).
     */
    int next() {
        int status;
        try {
            status = (int) Libpcap.NEXT_EX.invokeExact(pcap, out, outData);
        } catch (Throwable e) {
            throw Libpcap.rethrown(e);
        }
        if (status == 1) {
            long header = out.get(JAVA_LONG, 0);
            long fraction = Libpcap.ALL.get(JAVA_LONG, header + 8);
            epochNanos = Libpcap.ALL.get(JAVA_LONG, header) * 1_000_000_000L + (nanoseconds ? fraction : fraction * 1000);
            capturedLength = Libpcap.ALL.get(JAVA_INT, header + 16);
            originalLength = Libpcap.ALL.get(JAVA_INT, header + 20);
            data = out.get(JAVA_LONG, 8);
        }
        return status;
    }

    long epochNanos() {
        return epochNanos;
    }

    int capturedLength() {
        return capturedLength;
    }

    int originalLength() {
        return originalLength;
    }

    /** The native address of the current packet's bytes (inside libpcap's ring). */
    long data() {
        return data;
    }

    /**
     * Waits up to {@code millis} for the ring to have packets (or an error to report). libpcap asks for a shorter
     * wait while it checks whether a device that went down has gone away.
     */
    void await(int millis) {
        int wait = millis;
        try {
            MemorySegment required = (MemorySegment) Libpcap.GET_REQUIRED_SELECT_TIMEOUT.invokeExact(pcap);
            if (!required.equals(MemorySegment.NULL)) {
                long at = required.address();
                long ms = Libpcap.ALL.get(JAVA_LONG, at) * 1000 + Libpcap.ALL.get(JAVA_LONG, at + 8) / 1000;
                wait = (int) Math.max(1, Math.min(wait, ms));
            }
        } catch (Throwable e) {
            throw Libpcap.rethrown(e);
        }
        Libc.pollfd(pollfd, 0, fd, Libc.POLLIN);
        try {
            Libc.poll(pollfd, 1, wait, "poll on the capture socket");
        } catch (ErrnoException e) {
            // EINTR and the like: the caller reads again and libpcap reports a lasting problem
        }
    }

    /** libpcap's last error text for this handle. */
    String error() {
        try {
            return Libpcap.text((MemorySegment) Libpcap.GETERR.invokeExact(pcap));
        } catch (Throwable e) {
            throw Libpcap.rethrown(e);
        }
    }

    /** The kernel's counters, or null when libpcap cannot read them. */
    Stats stats() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment stat = call.allocate(12, 4);
            if ((int) Libpcap.STATS.invokeExact(pcap, stat) < 0) {
                return null;
            }
            return new Stats(Integer.toUnsignedLong(stat.get(JAVA_INT, 0)), Integer.toUnsignedLong(stat.get(JAVA_INT, 4)),
                    Integer.toUnsignedLong(stat.get(JAVA_INT, 8)));
        } catch (Throwable e) {
            throw Libpcap.rethrown(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (program != null) {
                Libpcap.FREECODE.invokeExact(program);
            }
            Libpcap.CLOSE.invokeExact(pcap);
        } catch (Throwable e) {
            throw Libpcap.rethrown(e);
        } finally {
            arena.close();
        }
    }

    /** One device of {@code pcap_findalldevs}, with libpcap's flags and its addresses' texts. */
    record Device(String name, String description, int flags, List<String> addresses) {
    }

    /** {@code pcap_findalldevs}: the devices in libpcap's order (tcpdump -D numbers them so). */
    static List<Device> devices() throws OpenException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment first = call.allocate(ADDRESS);
            MemorySegment errbuf = call.allocate(Libpcap.ERRBUF_SIZE);
            if ((int) Libpcap.FINDALLDEVS.invokeExact(first, errbuf) < 0) {
                throw new OpenException(Libpcap.PCAP_ERROR, errbuf.getString(0));
            }
            long head = first.get(JAVA_LONG, 0);
            try {
                List<Device> list = new ArrayList<>();
                MemorySegment all = Libpcap.ALL;
                for (long d = head; d != 0; d = all.get(JAVA_LONG, d)) {
                    String name = Libpcap.text(MemorySegment.ofAddress(all.get(JAVA_LONG, d + 8)));
                    String description = Libpcap.text(MemorySegment.ofAddress(all.get(JAVA_LONG, d + 16)));
                    int flags = all.get(JAVA_INT, d + 32);
                    List<String> addresses = new ArrayList<>();
                    for (long a = all.get(JAVA_LONG, d + 24); a != 0; a = all.get(JAVA_LONG, a)) {
                        String text = address(all.get(JAVA_LONG, a + 8));
                        if (text != null) {
                            addresses.add(text);
                        }
                    }
                    list.add(new Device(name, description.isEmpty() ? null : description, flags, List.copyOf(addresses)));
                }
                return list;
            } finally {
                if (head != 0) {
                    Libpcap.FREEALLDEVS.invokeExact(MemorySegment.ofAddress(head));
                }
            }
        } catch (OpenException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw Libpcap.rethrown(e);
        }
    }

    /** An IPv4 or IPv6 {@code struct sockaddr}'s address text (no scope), null for other families. */
    private static String address(long sockaddr) {
        if (sockaddr == 0) {
            return null;
        }
        MemorySegment all = Libpcap.ALL;
        int family = Short.toUnsignedInt(all.get(JAVA_SHORT, sockaddr));
        byte[] bytes;
        if (family == Libc.AF_INET) {
            bytes = new byte[4];
            MemorySegment.copy(all, JAVA_BYTE, sockaddr + 4, bytes, 0, 4);
        } else if (family == Libc.AF_INET6) {
            bytes = new byte[16];
            MemorySegment.copy(all, JAVA_BYTE, sockaddr + 8, bytes, 0, 16);
        } else {
            return null;
        }
        try {
            String text = java.net.InetAddress.getByAddress(bytes).getHostAddress();
            int scope = text.indexOf('%');
            return scope < 0 ? text : text.substring(0, scope);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
