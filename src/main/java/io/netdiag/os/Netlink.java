package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * A netlink socket for request/dump exchanges (NETLINK_SOCK_DIAG here): send one request, receive every
 * reply message until NLMSG_DONE. Messages are handed to the caller as slices of one receive buffer that
 * is reused for every recv, so a dump of 40,000 sockets costs a few hundred system calls and no copies.
 */
public final class Netlink implements AutoCloseable {
    public static final int NETLINK_SOCK_DIAG = 4;

    /** {@code struct nlmsghdr} is 16 bytes: len u32, type u16, flags u16, seq u32, pid u32. */
    public static final int HEADER = 16;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final short NLM_F_REQUEST = 0x1;
    public static final short NLM_F_DUMP = 0x300;

    /**
     * The kernel sizes each dump batch after the largest buffer the reader passed to recvmsg, capped at
     * 32 KiB (net/netlink/af_netlink.c, max_recvmsg_len); ss reads with 32 KiB too. A bigger buffer also
     * takes a batch that holds a single message larger than that.
     */
    private static final int RECEIVE_BUFFER = 64 * 1024;

    private final int fd;
    private final Arena arena = Arena.ofConfined();
    /**
     * The receive buffer of {@link #dump} and {@link #request}, and its heap copy, made at their first use: a
     * {@link Dump}'s socket receives into chunks of its own and never needs them (the exporter starts several
     * dumps a second, and these were 64 KiB of heap and 64 KiB of native memory each).
     */
    private MemorySegment buffer;
    private byte[] heap;
    /** {@link #heap} as a segment: a segment-to-segment copy, unlike one into an array, spins no class on first use. */
    private MemorySegment heapView;
    private final String protocolName;
    private int sequence = (int) (System.nanoTime() & 0x7fffffff);

    /**
     * One message of a reply: its type and its payload (after the 16-byte header) as {@code length} bytes of
     * {@code bytes} from {@code offset}. The array is reused for the next batch: decode, do not keep it. Heap
     * bytes rather than a MemorySegment because plain array reads are fast from the first call, before the JIT
     * has compiled anything, and a listing is over before it would have.
     */
    public interface MessageHandler {
        void message(int type, byte[] bytes, int offset, int length);
    }

    /**
     * The four calls a dump needs (socket, sendto, recvfrom, close), linked on first use. Where the system
     * call numbers are known they all go through one downcall, libc's {@code long syscall(long, ...)}: the
     * linker generates a stub per function shape at run time, several milliseconds each in a cold JVM, so
     * one shape instead of four takes ~15 ms off a listing. Elsewhere each function is linked by name.
     *
     * <p>Every call has at most three arguments, so the shape is {@code long syscall(long, long, long, long)}:
     * the fewer arguments, the less code the JDK generates (~2 ms less than seven). The request goes out with
     * write(2) and replies come in with read(2): on an unconnected netlink socket they are sendto(2) to the
     * kernel (port 0, the default destination) and recvfrom(2) without an address.
     *
     * <p>syscall is variadic, but it is linked as a plain function: a variadic link ({@code firstVariadicArg})
     * costs a cold JVM ~8 ms more, and changes nothing for integer arguments on the two architectures listed.
     * On x86-64 the only difference is %al (the count of vector registers a variadic callee may spill), which
     * glibc's syscall, a few instructions of assembly that move registers and trap, never reads; on Linux
     * aarch64 (AAPCS64) variadic arguments travel exactly as named ones.
     */
    private static final class Calls {
        static final java.lang.foreign.StructLayout CAPTURE = Libc.ERRNO_STATE;
        /** socket, write, read, close, exit_group: asm/unistd_64.h (x86-64) and asm-generic/unistd.h (aarch64). */
        static final long[] NUMBERS = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> new long[] {41, 1, 0, 3, 231};
            case "aarch64" -> new long[] {198, 64, 63, 57, 94};
            default -> null;
        };
        /** syscall's address, passed at each call: an unbound handle is ~1.5 ms cheaper to link than a bound one. */
        static final MemorySegment FUNCTION = NUMBERS == null ? null
                : java.lang.foreign.Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow();
        static final java.lang.invoke.MethodHandle SYSCALL = NUMBERS == null ? null : java.lang.foreign.Linker.nativeLinker()
                .downcallHandle(java.lang.foreign.FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                        java.lang.foreign.Linker.Option.captureCallState("errno"));
    }

    /** The same four calls linked by name, for an architecture whose system call numbers are not listed above. */
    private static final class ByName {
        static final java.lang.invoke.MethodHandle SOCKET = bind("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        static final java.lang.invoke.MethodHandle SENDTO = bind("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT,
                ADDRESS, JAVA_INT);
        static final java.lang.invoke.MethodHandle RECV = bind("recv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
        static final java.lang.invoke.MethodHandle CLOSE = bind("close", JAVA_INT, JAVA_INT);

        private static java.lang.invoke.MethodHandle bind(String name, java.lang.foreign.MemoryLayout result,
                                                          java.lang.foreign.MemoryLayout... arguments) {
            return Libc.linkCapturingErrno(name, java.lang.foreign.FunctionDescriptor.of(result, arguments));
        }
    }

    private static long syscall(int call, MemorySegment state, long a, long b, long c) throws Throwable {
        long result = (long) Calls.SYSCALL.invokeExact(Calls.FUNCTION, state, Calls.NUMBERS[call], a, b, c);
        linked = true;
        return result;
    }

    /** Whether {@link Calls#SYSCALL} has been linked and called: {@link #exitNow} then costs nothing more. */
    private static volatile boolean linked;

    /**
     * Ends the process with exit_group(2) at once, when this process has already linked the system call (a sockets
     * listing did), and returns otherwise. Runtime.halt ends the same way after the JVM's own exit work (stopping
     * its threads at a safepoint, libc's exit handlers): ~3 ms that a listing's caller waits for. Like halt, it
     * runs no shutdown hook and flushes nothing: the caller has flushed its output, which is then the kernel's.
     */
    public static void exitNow(int status) {
        if (!linked) {
            return;
        }
        try (Arena local = Arena.ofConfined()) {
            syscall(4, local.allocate(Calls.CAPTURE), status, 0, 0);
        } catch (Throwable t) {
            // not ended: the caller halts
        }
    }

    private static int socketCall(MemorySegment state, int domain, int type, int protocol) throws Throwable {
        if (Calls.SYSCALL != null) {
            return (int) syscall(0, state, domain, type, protocol);
        }
        return (int) ByName.SOCKET.invokeExact(state, domain, type, protocol);
    }

    private static long sendtoCall(MemorySegment state, int fd, MemorySegment message, long length, MemorySegment to,
                                   int toLength) throws Throwable {
        if (Calls.SYSCALL != null) {
            return syscall(1, state, fd, message.address(), length); // write: to the kernel, as {@code to} says
        }
        return (long) ByName.SENDTO.invokeExact(state, fd, message, length, 0, to, toLength);
    }

    private static long recvCall(MemorySegment state, int fd, MemorySegment buffer) throws Throwable {
        if (Calls.SYSCALL != null) {
            return syscall(2, state, fd, buffer.address(), buffer.byteSize()); // read: recvfrom without an address
        }
        return (long) ByName.RECV.invokeExact(state, fd, buffer, buffer.byteSize(), 0);
    }

    private static int closeCall(MemorySegment state, int fd) throws Throwable {
        if (Calls.SYSCALL != null) {
            return (int) syscall(3, state, fd, 0, 0);
        }
        return (int) ByName.CLOSE.invokeExact(state, fd);
    }

    /**
     * Links the system calls a dump makes and calls them once (close(-1), which fails with EBADF), so that a
     * command can do it on another thread while it parses its command line: in a cold JVM linking costs ~20 ms
     * of generated classes, the largest fixed cost of a listing. Harmless when it runs twice or not at all.
     */
    public static void prepare() {
        try (Arena local = Arena.ofConfined()) {
            int ignored = closeCall(local.allocate(Calls.CAPTURE), -1);
        } catch (Throwable t) {
            // linking failed: the real call reports it
        }
    }

    private final MemorySegment errno = arena.allocate(Calls.CAPTURE);

    private Netlink(int fd, String protocolName) {
        this.fd = fd;
        this.protocolName = protocolName;
    }

    /** Opens a netlink socket of the given protocol; fails with the errno the kernel gave (EPERM, EAFNOSUPPORT...). */
    public static Netlink open(int protocol, String protocolName) throws ErrnoException {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment state = local.allocate(Calls.CAPTURE);
            int fd = socketCall(state, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw new ErrnoException("socket(AF_NETLINK, SOCK_RAW, " + protocolName + ")", Libc.errnoOf(state));
            }
            return new Netlink(fd, protocolName);
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Sends {@code request} (the payload after the header) as a dump request of {@code type} and hands every
     * reply message to {@code handler}. An NLMSG_ERROR reply becomes an {@link ErrnoException} (ENOENT when
     * the kernel has no diag module for the family or protocol asked for).
     */
    public void dump(int type, MemorySegment request, String operation, MessageHandler handler) throws ErrnoException {
        exchange(type, (short) (NLM_F_REQUEST | NLM_F_DUMP), request, operation, handler);
    }

    /**
     * Sends {@code request} as a single (non-dump) request, as sock_diag's exact lookups take it, and hands
     * the one reply message to {@code handler}. An NLMSG_ERROR reply becomes an {@link ErrnoException}
     * (sock_diag answers ENOENT both when no socket matches and when no diag module handles the family).
     */
    public void request(int type, MemorySegment request, String operation, MessageHandler handler) throws ErrnoException {
        exchange(type, NLM_F_REQUEST, request, operation, handler);
    }

    private void exchange(int type, short flags, MemorySegment request, String operation, MessageHandler handler)
            throws ErrnoException {
        boolean single = (flags & NLM_F_DUMP) == 0;
        int seq = send(type, flags, request.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), operation);
        while (true) {
            int total = receive(operation);
            if (total == 0) {
                return;
            }
            if (deliver(heap, total, seq, single, operation, handler)) {
                return;
            }
        }
    }

    /**
     * Hands the messages of one received batch that answer {@code seq} to {@code handler}; true when the
     * exchange is over (NLMSG_DONE, an acknowledgement, the one answer to a single request, or a truncated
     * batch). NLMSG_ERROR and a failed NLMSG_DONE become an {@link ErrnoException}.
     */
    private static boolean deliver(byte[] heap, int total, int seq, boolean single, String operation,
                                   MessageHandler handler) throws ErrnoException {
        // the loop only steps: a method called once per batch runs interpreted for most of a dump (too few calls
        // to be compiled), while step, called once per message, is compiled after a few hundred
        int offset = 0;
        while (offset >= 0 && offset + HEADER <= total) {
            offset = step(heap, offset, total, seq, single, operation, handler);
        }
        return offset < 0;
    }

    /** Handles the message at {@code offset}; returns the next message's offset, or -1 when the exchange is over. */
    private static int step(byte[] heap, int offset, int total, int seq, boolean single, String operation,
                            MessageHandler handler) throws ErrnoException {
        int len = NativeBytes.s32(heap, offset);
        int msgType = NativeBytes.u16(heap, offset + 4);
        int msgSeq = NativeBytes.s32(heap, offset + 8);
        if (len < HEADER || offset + len > total) {
            return -1; // truncated: the kernel never does this with a buffer this size
        }
        if (msgSeq == seq) {
            if (msgType == NLMSG_DONE) {
                // a dump that failed after it started (ENOENT: no diag module for this protocol) ends
                // with its negative errno as the DONE message's payload, not with NLMSG_ERROR
                if (len >= HEADER + 4 && NativeBytes.s32(heap, offset + HEADER) < 0) {
                    throw new ErrnoException(operation, -NativeBytes.s32(heap, offset + HEADER));
                }
                return -1;
            }
            if (msgType == NLMSG_ERROR) {
                int error = NativeBytes.s32(heap, offset + HEADER);
                if (error != 0) {
                    throw new ErrnoException(operation, -error);
                }
                return -1;
            }
            handler.message(msgType, heap, offset + HEADER, len - HEADER);
            if (single) {
                return -1; // an exact lookup answers with one message and no NLMSG_DONE
            }
        }
        return offset + align(len);
    }

    /**
     * A dump that runs on its own netlink socket and thread while the caller decodes: the thread receives
     * batches (the kernel does its dump work inside those recv calls) and queues copies of them in chunks, at
     * most a fixed number of bytes ahead of the caller ({@link #AHEAD}, or less when asked), so that memory stays
     * flat however large the table; {@link #drain} hands their messages to the caller in order. Several dumps can
     * run at once (one socket holds one dump at a time).
     */
    public static final class Dump implements AutoCloseable {
        /**
         * How far the reader may run ahead by default: 16 chunks of 256 KiB, a whole table of 40,000 sockets
         * without extras, so that a decoder that pauses (a compilation, a collection) never holds the kernel up.
         */
        public static final int AHEAD = 16 * 256 * 1024;
        /**
         * Batches are handed to the decoding thread in chunks of up to this many bytes (about eight recv calls'
         * worth): each hand-over may wake that thread, which on a small machine costs the reader more than the
         * copy. A small dump is one chunk.
         */
        private static final int CHUNK = 256 * 1024;
        private static final Object END = new Object();
        /**
         * Arrays for batches of a dump that runs close behind its decoder ({@link #RECEIVE_BUFFER}-byte chunks), handed
         * back by {@link #drain} for the next chunk of any dump: a long-running caller allocates none per chunk, so no
         * batch is ever copied into a small heap's survivor space and promoted with it. At most {@link #SPARES} kept.
         */
        private static final java.util.concurrent.ConcurrentLinkedQueue<byte[]> SPARE = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private static final int SPARES = 8; // two dumps at once, each with two batches queued, one decoding, one filling
        private static final java.util.concurrent.atomic.AtomicInteger SPARE_COUNT = new java.util.concurrent.atomic.AtomicInteger();

        /** A batch in a pooled array: its first {@code length} bytes. */
        private record Pooled(byte[] bytes, int length) {
        }

        private final java.util.concurrent.ArrayBlockingQueue<Object> batches;
        /** Chunks larger than {@link #RECEIVE_BUFFER} that {@link #drain} has decoded, for the reader to fill again. */
        private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> returned = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final int chunkBytes;
        private final String operation;
        private final Thread reader;
        private volatile boolean cancelled;
        private volatile int seq;

        private Dump(int protocol, String protocolName, int type, byte[] request, String operation, int ahead) {
            this.operation = operation;
            this.chunkBytes = Math.clamp(ahead / 16, RECEIVE_BUFFER, CHUNK);
            this.batches = new java.util.concurrent.ArrayBlockingQueue<>(Math.max(1, ahead / chunkBytes));
            this.reader = new Thread(() -> read(protocol, protocolName, type, request), "netlink-dump");
            reader.setDaemon(true);
            reader.start();
        }

        private void read(int protocol, String protocolName, int type, byte[] request) {
            Object last = END;
            try (Netlink netlink = Netlink.open(protocol, protocolName)) {
                int s = netlink.send(type, (short) (NLM_F_REQUEST | NLM_F_DUMP), request, operation);
                seq = s;
                MemorySegment chunk = netlink.arena.allocate(chunkBytes, 8);
                int used = 0;
                while (!cancelled) {
                    int total = netlink.receiveInto(chunk, used, operation);
                    boolean end = total == 0 || endsDump(chunk, used, total, s)
                            || total < FULL_BATCH && walkEnds(chunk, used, total, s);
                    used += total;
                    if (end || used + RECEIVE_BUFFER > chunkBytes) {
                        boolean ok;
                        if (chunkBytes == RECEIVE_BUFFER) {
                            byte[] spare = SPARE.poll();
                            if (spare == null) {
                                spare = new byte[RECEIVE_BUFFER];
                            } else {
                                SPARE_COUNT.decrementAndGet();
                            }
                            MemorySegment.copy(chunk, 0, MemorySegment.ofArray(spare), 0, used);
                            ok = put(new Pooled(spare, used));
                        } else {
                            // an array the decoder is done with, if any: a listing touches a few chunks' worth of new
                            // heap instead of a whole dump's (megabytes of first-touch page faults on this thread,
                            // whose pace is the listing's)
                            byte[] batch = returned.poll();
                            if (batch == null) {
                                batch = new byte[chunkBytes];
                            }
                            MemorySegment.copy(chunk, 0, MemorySegment.ofArray(batch), 0, used);
                            ok = put(new Pooled(batch, used));
                        }
                        used = 0;
                        if (!ok) {
                            break;
                        }
                    }
                    if (end) {
                        break;
                    }
                }
            } catch (ErrnoException | RuntimeException | Error e) {
                last = e;
            }
            put(last);
        }

        /**
         * True when the batch of {@code length} bytes at {@code at} of {@code chunk} ends dump {@code seq}: it starts
         * with the request's NLMSG_ERROR (a dump refused at once), or it ends with NLMSG_DONE, which the kernel always
         * appends as the last message of the last batch (netlink_dump_done in net/netlink/af_netlink.c), 20 bytes long
         * on a socket without NETLINK_EXT_ACK. Looking at two places instead of walking every message keeps the reader
         * thread, on which a dump's pace depends, in the kernel. {@link #drain} checks every message anyway.
         */
        private static boolean endsDump(MemorySegment chunk, int at, int length, int seq) {
            if (length < HEADER) {
                return true; // malformed: the kernel never sends this
            }
            if (chunk.get(JAVA_SHORT_UNALIGNED, at + 4) == NLMSG_ERROR && chunk.get(JAVA_INT_UNALIGNED, at + 8) == seq) {
                return true;
            }
            int done = at + length - (HEADER + 4);
            return length >= HEADER + 4 && chunk.get(JAVA_INT_UNALIGNED, done) == HEADER + 4
                    && chunk.get(JAVA_SHORT_UNALIGNED, done + 4) == NLMSG_DONE && chunk.get(JAVA_INT_UNALIGNED, done + 8) == seq;
        }

        /**
         * The kernel fills every batch of a dump to about 32 KiB (the message that does not fit opens the next
         * one), except the last ones. A batch smaller than this is walked message by message as well, so that a
         * dump whose end {@link #endsDump} did not recognise (a kernel that adds extended-ack attributes to
         * NLMSG_DONE, say) still ends instead of leaving the reader waiting for a batch that never comes.
         */
        private static final int FULL_BATCH = 30 * 1024;

        /** True when a message of the batch at {@code at} ends dump {@code seq} (DONE or ERROR), or is malformed. */
        private static boolean walkEnds(MemorySegment chunk, int at, int length, int seq) {
            int offset = 0;
            while (offset + HEADER <= length) {
                int len = chunk.get(JAVA_INT_UNALIGNED, at + offset);
                if (len < HEADER || offset + len > length) {
                    return true;
                }
                short type = chunk.get(JAVA_SHORT_UNALIGNED, at + offset + 4);
                if (chunk.get(JAVA_INT_UNALIGNED, at + offset + 8) == seq && (type == NLMSG_DONE || type == NLMSG_ERROR)) {
                    return true;
                }
                offset += align(len);
            }
            return false;
        }

        private boolean put(Object item) {
            try {
                while (!cancelled) {
                    if (batches.offer(item, 20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }

        /** Hands every reply message to {@code handler}, in the kernel's order, as {@link #dump} does. */
        public void drain(MessageHandler handler) throws ErrnoException {
            drain(handler, null);
        }

        /**
         * As {@link #drain(MessageHandler)}, calling {@code idle} whenever no batch is waiting, for as long as it
         * returns true (it did some work, and may have more), before it waits for the next batch: work that the
         * caller would otherwise do after the dump is done while the kernel makes the next batch.
         */
        public void drain(MessageHandler handler, java.util.function.BooleanSupplier idle) throws ErrnoException {
            while (true) {
                Object item;
                try {
                    item = batches.poll();
                    while (item == null && idle != null && idle.getAsBoolean()) {
                        item = batches.poll();
                    }
                    if (item == null) {
                        item = batches.take();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading " + operation, e);
                }
                // an instanceof chain rather than a pattern switch: the switch's bootstrap generates a class at
                // run time (~2 ms in a cold JVM), which no AOT cache keeps
                if (item instanceof Pooled pooled) {
                    boolean over = deliver(pooled.bytes(), pooled.length(), seq, false, operation, handler);
                    if (pooled.bytes().length != RECEIVE_BUFFER) {
                        returned.offer(pooled.bytes()); // back to this dump's reader
                    } else if (SPARE_COUNT.incrementAndGet() <= SPARES) {
                        SPARE.offer(pooled.bytes());
                    } else {
                        SPARE_COUNT.decrementAndGet();
                    }
                    if (over) {
                        return;
                    }
                } else if (item instanceof ErrnoException e) {
                    throw new ErrnoException(e.operation(), e.errno());
                } else if (item instanceof RuntimeException e) {
                    throw e;
                } else if (item instanceof Error e) {
                    throw e;
                } else {
                    return; // END: the socket had nothing more
                }
            }
        }

        /** Stops the reader (when the caller gives up early) and waits for it to close its socket. */
        @Override
        public void close() {
            cancelled = true;
            batches.clear();
            try {
                // the reader stops at the batch that ends the dump; the bound only guards against a kernel
                // that ended one differently, which would leave the (daemon) reader waiting in recv
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts a dump of {@code type} with {@code request} (the payload after the header) on a new socket of
     * {@code protocol}, read by its own thread; see {@link Dump}. Failures (opening the socket, the kernel's
     * NLMSG_ERROR) are thrown by {@link Dump#drain}.
     */
    public static Dump startDump(int protocol, String protocolName, int type, byte[] request, String operation) {
        return new Dump(protocol, protocolName, type, request, operation, Dump.AHEAD);
    }

    /**
     * As {@link #startDump(int, String, int, byte[], String)} with the reader at most about {@code aheadBytes} ahead
     * of the decoder (at least one batch): a decoder slower than the kernel keeps the queue full, and a long-running
     * one (a watch, an exporter) would otherwise see megabytes of batches outlive its young collections.
     */
    public static Dump startDump(int protocol, String protocolName, int type, byte[] request, String operation,
                                 int aheadBytes) {
        return new Dump(protocol, protocolName, type, request, operation, aheadBytes);
    }

    /** Sends one request message; returns its sequence number. */
    private int send(int type, short flags, byte[] request, String operation) throws ErrnoException {
        int seq = ++sequence;
        try (Arena local = Arena.ofConfined()) {
            int length = HEADER + request.length;
            MemorySegment message = local.allocate(length, 4);
            message.set(JAVA_INT_UNALIGNED, 0, length);
            message.set(JAVA_SHORT_UNALIGNED, 4, (short) type);
            message.set(JAVA_SHORT_UNALIGNED, 6, flags);
            message.set(JAVA_INT_UNALIGNED, 8, seq);
            message.set(JAVA_INT_UNALIGNED, 12, 0);
            MemorySegment.copy(MemorySegment.ofArray(request), 0, message, HEADER, request.length);
            // struct sockaddr_nl: family u16, pad u16, pid u32 (0 = the kernel), groups u32
            MemorySegment kernel = local.allocate(12, 4);
            kernel.set(JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_NETLINK);
            long sent;
            try {
                sent = sendtoCall(errno, fd, message, length, kernel, 12);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (sent < 0) {
                throw new ErrnoException("sendto(" + protocolName + ", " + operation + ")", Libc.errnoOf(errno));
            }
        }
        return seq;
    }

    /** Receives one batch into {@link #heap}; returns its length (0: the socket has nothing more). */
    private int receive(String operation) throws ErrnoException {
        if (buffer == null) {
            buffer = arena.allocate(RECEIVE_BUFFER, 8);
            heap = new byte[RECEIVE_BUFFER];
            heapView = MemorySegment.ofArray(heap);
        }
        int total = receiveInto(buffer, 0, operation);
        MemorySegment.copy(buffer, 0, heapView, 0, total);
        return total;
    }

    /**
     * Receives one batch into {@code target} at {@code at} (room for {@link #RECEIVE_BUFFER} bytes needed); returns
     * its length (0: the socket has nothing more).
     */
    private int receiveInto(MemorySegment target, int at, String operation) throws ErrnoException {
        MemorySegment slice = target.asSlice(at, RECEIVE_BUFFER);
        while (true) {
            long received;
            try {
                received = recvCall(errno, fd, slice);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (received >= 0) {
                return (int) received;
            }
            int e = Libc.errnoOf(errno);
            if (e != 4) { // EINTR: again
                throw new ErrnoException("recv(" + protocolName + ", " + operation + ")", e);
            }
        }
    }

    /** NLMSG_ALIGN and RTA_ALIGN: 4 bytes. */
    public static int align(int length) {
        return (length + 3) & ~3;
    }

    /**
     * Walks the attributes (struct rtattr: u16 length, u16 type, data) of a {@code length}-byte message at
     * {@code at}: the offset of the attribute after the one at {@code offset}, or -1 when no whole attribute
     * stands at {@code offset}. Its type is the u16 at {@code at + offset + 2}, its data follows at + 4.
     */
    public static int nextAttribute(byte[] m, int at, int offset, int length) {
        if (offset + 4 > length) {
            return -1;
        }
        int len = NativeBytes.u16(m, at + offset);
        if (len < 4 || offset + len > length) {
            return -1;
        }
        return offset + align(len);
    }

    @Override
    public void close() {
        try {
            int ignored = closeCall(errno, fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
    }
}
