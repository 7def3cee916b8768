package io.netdiag.capture;

import io.netdiag.explain.NetdiagException;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The capture engine: lists devices, reads files and captures live through pcap4j on the system's libpcap.
 * Packets arrive through pcap4j's raw listener (one JNA callback per packet, no pcap4j decoding) and are
 * either written to a pcap file or decoded by {@link Dissector} and handed to the caller's sink.
 */
public final class PacketCapture {
    private PacketCapture() {
    }

    /** The devices libpcap can open, numbered as {@code tcpdump -D} numbers them. */
    public static List<CaptureInterface> interfaces() {
        PcapAccess.ensureLoaded();
        List<PcapNetworkInterface> devices;
        try {
            devices = Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "cannot list interfaces: " + e.getMessage());
        }
        List<CaptureInterface> list = new ArrayList<>();
        int index = 1;
        for (PcapNetworkInterface d : devices) {
            List<String> flags = new ArrayList<>();
            if (d.isUp()) {
                flags.add("Up");
            }
            if (d.isRunning()) {
                flags.add("Running");
            }
            if (d.isLoopBack()) {
                flags.add("Loopback");
            }
            if (ConnectionStatus.wireless(d.getName())) {
                flags.add("Wireless");
            }
            String status = ConnectionStatus.of(d.getName(), d.isLoopBack(), d.isUp());
            if (status != null) {
                flags.add(status);
            }
            List<String> addresses = new ArrayList<>();
            for (PcapAddress a : d.getAddresses()) {
                if (a.getAddress() != null) {
                    String text = a.getAddress().getHostAddress();
                    int scope = text.indexOf('%');
                    addresses.add(scope < 0 ? text : text.substring(0, scope));
                }
            }
            list.add(new CaptureInterface(index++, d.getName(), d.getDescription(), List.copyOf(flags), List.copyOf(addresses)));
        }
        return list;
    }

    /** Reads a pcap or pcapng file, hands each matching packet's summary to the sink, returns the count. */
    public static CaptureStatistics read(CaptureRequest request, Consumer<PacketSummary> sink) {
        try (FileCapture file = openFile(request)) {
            return file.run(sink);
        }
    }

    /**
     * Opens a pcap or pcapng file, a FIFO, or standard input ({@code -}) once, reads its header (for pcapng up
     * to the first interface) and compiles the filter; {@link FileCapture#run} then reads the packets.
     * Failures to open are one line in the system's words, as tcpdump prints them.
     */
    public static FileCapture openFile(CaptureRequest request) {
        Path file = request.readFile();
        CaptureFileReader reader;
        try {
            reader = CaptureFileReader.open(file);
        } catch (NoSuchFileException e) {
            throw NetdiagException.badInput("cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED, "cannot read " + file + ": Permission denied",
                    "ls -l " + file + " shows who may read it; read it as that user, or make a readable copy", null);
        } catch (CaptureFileReader.FormatException e) {
            throw NetdiagException.badInput("cannot read " + file + ": " + e.getMessage() + " (not a pcap or pcapng file?)");
        } catch (IOException e) {
            throw NetdiagException.badInput("cannot read " + file + ": " + ioMessage(e));
        }
        try {
            BpfFilter filter = request.filter() == null || request.filter().isBlank() ? null
                    : BpfFilter.compile(request.filter(), reader.fileLinkType(), reader.snaplen());
            return new FileCapture(request, reader, filter);
        } catch (RuntimeException e) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // failing anyway
            }
            throw e;
        }
    }

    /** An I/O failure's reason without Java's decoration ("Is a directory", not the exception's class). */
    static String ioMessage(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            message = f.getReason();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** A capture file opened for reading: its clock's digits, its link type, and the packets. */
    public static final class FileCapture implements AutoCloseable {
        private final CaptureRequest request;
        private final CaptureFileReader reader;
        private final BpfFilter filter;

        FileCapture(CaptureRequest request, CaptureFileReader reader, BpfFilter filter) {
            this.request = request;
            this.reader = reader;
            this.filter = filter;
        }

        /** Digits after the decimal point tshark prints for this file's clock. */
        public int timeDigits() {
            return reader.timeDigits();
        }

        /** tcpdump's words for the file's link type: {@code EN10MB (Ethernet)}. */
        public String linkType() {
            return LinkNames.describe(BpfFilter.dlt(reader.fileLinkType()));
        }

        /**
         * Reads every packet (up to the count), decodes those the filter passes and hands their summaries to
         * the sink. A file that ends inside a record or is damaged further on ends the run with a warning
         * after the packets before it, as tcpdump and tshark do.
         */
        public CaptureStatistics run(Consumer<PacketSummary> sink) {
            // Two stages, as two cores allow: this thread hands the summaries to the sink (formatting and writing)
            // while a decoder thread reads, filters and dissects the next ones. Per-connection state lives in the
            // decoder thread alone and the sink sees the packets in order; batches keep the hand-over cheap.
            BlockingQueue<PacketSummary[]> queue = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT);
            Decoding decoding = new Decoding(queue);
            Thread decoder = Thread.ofPlatform().name("netdiag-decode").daemon(true).unstarted(decoding);
            decoder.start();
            long count = 0;
            try {
                while (true) {
                    PacketSummary[] batch = queue.take();
                    if (batch == END) {
                        break;
                    }
                    for (PacketSummary p : batch) {
                        if (p == null) {
                            break;
                        }
                        sink.accept(p);
                        count++;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                // the sink failed or the reader of our output went away: stop decoding, and let the thread go
                decoding.stopped = true;
                queue.clear();
                try {
                    decoder.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (decoding.failure != null) {
                throw decoding.failure;
            }
            return new CaptureStatistics(count, null, null, null, linkType(), decoding.warning);
        }

        private static final int BATCH = 256;
        /**
         * Few enough that the summaries in flight (~2,000, under 1 MB) fit in a survivor space of the launcher's
         * young generation: with 32 they overflowed it at every collection and were promoted, and the old
         * generation grew with the length of the file (1M HTTP packets 97 MB peak RSS, 3M 115 MB; now 88 and 89).
         */
        private static final int BATCHES_IN_FLIGHT = 8;
        private static final PacketSummary[] END = new PacketSummary[0];

        /** The decoder thread's work: read, filter and dissect into batches until the end, the count or a stop. */
        private final class Decoding implements Runnable {
            private final BlockingQueue<PacketSummary[]> queue;
            volatile boolean stopped;
            volatile String warning;
            volatile RuntimeException failure;

            Decoding(BlockingQueue<PacketSummary[]> queue) {
                this.queue = queue;
            }

            @Override
            public void run() {
                long limit = request.count() > 0 ? request.count() : Long.MAX_VALUE;
                Dissector dissector = new Dissector(LinkType.of(reader.fileLinkType()), request.dataSources());
                int currentLink = reader.fileLinkType();
                LinkType link = dissector.link();
                long count = 0;
                PacketSummary[] batch = new PacketSummary[BATCH];
                int filled = 0;
                boolean keepBytes = request.dataSources();
                byte[] scratch = new byte[65536];
                try {
                    while (count < limit && !stopped && reader.next()) {
                        int caplen = reader.capturedLength();
                        int len = reader.originalLength();
                        if (reader.linkType() != currentLink) {
                            currentLink = reader.linkType();
                            link = LinkType.of(currentLink);
                        }
                        if (filter != null && !filter.matches(currentLink, reader.buffer().address() + reader.dataOffset(), caplen, len)) {
                            continue;
                        }
                        count++;
                        if (keepBytes) {
                            Frame frame = new Frame(count, reader.epochNanos(), caplen, len, reader.copyData());
                            batch[filled++] = dissector.dissect(frame, link);
                        } else {
                            // decoded from one buffer filled again for each packet: only -x needs each packet's bytes
                            if (scratch.length < caplen) {
                                scratch = new byte[caplen];
                            }
                            reader.copyData(scratch);
                            batch[filled++] = dissector.dissectInPlace(new Frame(count, reader.epochNanos(), caplen, len, scratch), link);
                        }
                        if (filled == BATCH) {
                            hand(batch);
                            batch = new PacketSummary[BATCH];
                            filled = 0;
                        }
                    }
                } catch (IOException e) {
                    warning = request.readFile() + ": " + ioMessage(e);
                } catch (RuntimeException e) {
                    failure = e;
                } finally {
                    if (filled > 0) {
                        hand(batch);
                    }
                    hand(END);
                }
            }

            private void hand(PacketSummary[] batch) {
                try {
                    while (!stopped && !queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                        // the sink is busy; wait unless it has stopped taking
                    }
                } catch (InterruptedException e) {
                    stopped = true;
                }
            }
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost
            } finally {
                if (filter != null) {
                    filter.close();
                }
            }
        }
    }

    /** Opens a live capture; {@link LiveCapture#run} captures until the count, the duration or a stop. */
    public static LiveCapture open(CaptureRequest request) {
        PcapAccess.ensureLoaded();
        String device = resolveDevice(request.device());
        PcapHandle handle;
        try {
            PcapHandle.Builder builder = new PcapHandle.Builder(device)
                    .snaplen(request.snaplen())
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS)
                    .timeoutMillis(100)
                    .timestampPrecision(PcapHandle.TimestampPrecision.NANO)
                    .immediateMode(request.immediate());
            if (request.bufferBytes() > 0) {
                builder.bufferSize(request.bufferBytes());
            } else {
                // libpcap's default ring is 2 MB; a JNA callback per packet needs more slack than tcpdump's C
                // loop to ride out bursts (4 MB: ~25,000 small packets), and immediate mode uses one
                // snaplen-sized slot per packet. The ring is mapped into the process: it counts in its RSS.
                builder.bufferSize(request.immediate() ? 32 << 20 : 4 << 20);
            }
            handle = builder.build();
        } catch (PcapNativeException e) {
            throw PcapAccess.openFailure(device, e);
        }
        try {
            applyFilter(handle, request.filter());
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        return new LiveCapture(request, device, handle);
    }

    /** tcpdump's choice when no -i is given: the first device that is up and not a loopback. */
    static String resolveDevice(String requested) {
        List<CaptureInterface> all = interfaces();
        if (requested == null) {
            for (CaptureInterface i : all) {
                if (i.flags().contains("Up") && !i.flags().contains("Loopback") && !i.name().equals("any")) {
                    return i.name();
                }
            }
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "no suitable interface to capture on", "netdiag capture -D", null);
        }
        if (requested.isBlank()) {
            throw NetdiagException.badInput("-i needs an interface name or number, not ''");
        }
        if (requested.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // any number of digits: one too long for an int is just another number with no interface
            java.math.BigInteger index = new java.math.BigInteger(requested);
            if (index.signum() < 1 || index.compareTo(java.math.BigInteger.valueOf(all.size())) > 0) {
                throw NetdiagException.badInput("no interface number " + requested + " (netdiag capture -D lists " + all.size() + ")");
            }
            return all.get(index.intValue() - 1).name();
        }
        return requested;
    }

    static void applyFilter(PcapHandle handle, String filter) {
        if (filter == null || filter.isBlank()) {
            return;
        }
        try {
            handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException e) {
            throw NetdiagException.badInput("bad filter expression '" + filter + "': "
                    + PcapAccess.firstLine(String.valueOf(e.getMessage())));
        } catch (NotOpenException e) {
            throw new IllegalStateException(e);
        }
    }

    static long epochNanos(PcapHandle handle) {
        java.sql.Timestamp ts = handle.getTimestamp();
        return Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
    }

    /** The raw listener: numbers frames, then writes them or decodes and hands on the summary. */
    static final class Receiver implements RawPacketListener {
        private final PcapHandle handle;
        private final Dissector dissector;
        private final Consumer<PacketSummary> sink;
        private final PcapFileWriter writer;
        volatile long count;
        private volatile Throwable failure;

        Receiver(PcapHandle handle, Dissector dissector, Consumer<PacketSummary> sink, PcapFileWriter writer) {
            this.handle = handle;
            this.dissector = dissector;
            this.sink = sink;
            this.writer = writer;
        }

        @Override
        public void gotPacket(byte[] data) {
            if (failure != null) {
                return;
            }
            try {
                long nanos = epochNanos(handle);
                Integer original = handle.getOriginalLength();
                int length = original == null ? data.length : original;
                long number = count + 1;
                if (writer != null) {
                    if (!writer.write(nanos, data, length)) {
                        // -G with -W: the last file is complete, end the capture as tcpdump does
                        handle.breakLoop();
                        return;
                    }
                } else {
                    sink.accept(dissector.dissect(new Frame(number, nanos, data.length, length, data)));
                }
                count = number;
            } catch (Throwable e) {
                // pcap4j would only log what a listener throws: keep it and stop the loop
                failure = e;
                try {
                    handle.breakLoop();
                } catch (NotOpenException ignored) {
                    // closing anyway
                }
            }
        }

        /** What stopped the writing, as the line that says so, or null (the reader of a pipe leaving is no failure). */
        String writeFailure() {
            return switch (failure) {
                case PcapFileWriter.OutputGoneException gone -> null;
                case java.nio.file.FileSystemException refused -> "cannot write " + refused.getMessage();
                case IOException io -> "cannot write packets: " + io.getMessage();
                case null, default -> null;
            };
        }

        void rethrow() {
            if (failure instanceof IOException io) {
                throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "cannot write packets: " + io.getMessage());
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        }
    }

    /** A running or ready live capture, stopped by count, duration or {@link #stop()} (Ctrl-C). */
    public static final class LiveCapture {
        private final CaptureRequest request;
        private final String device;
        private final PcapHandle handle;
        private final int dlt;
        private volatile boolean stopping;
        private volatile Thread loopThread;
        private PcapFileWriter writer;

        LiveCapture(CaptureRequest request, String device, PcapHandle handle) {
            this.request = request;
            this.device = device;
            this.handle = handle;
            this.dlt = handle.getDlt().value();
        }

        public String device() {
            return device;
        }

        /** tcpdump's banner words: {@code EN10MB (Ethernet)}. */
        public String linkType() {
            return LinkNames.describe(dlt);
        }

        public int snaplen() {
            return request.snaplen();
        }

        /**
         * Captures until done, then stops in the order that loses nothing: the loop ends, its thread is
         * joined, the statistics are read, the file is flushed and closed, and only then the handle closes.
         */
        public CaptureStatistics run(Consumer<PacketSummary> sink) {
            if (request.writeFile() != null && writer == null) {
                openOutput();
            }
            Receiver receiver = new Receiver(handle, new Dissector(LinkType.of(dlt), request.dataSources()), sink, writer);
            String[] loopError = new String[1];
            int limit = request.count() > 0 ? (int) Math.min(request.count(), Integer.MAX_VALUE) : -1;
            Thread thread = Thread.ofPlatform().name("netdiag-capture").daemon(true).unstarted(() -> {
                try {
                    handle.loop(limit, receiver);
                } catch (InterruptedException e) {
                    // breakLoop ends pcap_loop this way by design
                } catch (PcapNativeException | NotOpenException e) {
                    loopError[0] = String.valueOf(e.getMessage()).replaceFirst("^Error occurred: ", "");
                }
            });
            loopThread = thread;
            thread.start();
            try {
                long deadline = request.durationSeconds() > 0 ? System.nanoTime() + request.durationSeconds() * 1_000_000_000L : 0;
                while (thread.isAlive() && !stopping) {
                    long waitMillis = 200;
                    if (deadline != 0) {
                        long left = (deadline - System.nanoTime()) / 1_000_000L;
                        if (left <= 0) {
                            break;
                        }
                        waitMillis = Math.min(waitMillis, left);
                    }
                    thread.join(Math.max(1, waitMillis));
                }
                breakLoop();
                thread.join();
            } catch (InterruptedException e) {
                breakLoop();
                Thread.currentThread().interrupt();
                try {
                    thread.join(2000);
                } catch (InterruptedException ignored) {
                    // give up waiting
                }
            }
            Long received = null;
            Long dropped = null;
            Long ifDropped = null;
            try {
                PcapStat stat = handle.getStats();
                received = stat.getNumPacketsReceived();
                dropped = stat.getNumPacketsDropped();
                ifDropped = stat.getNumPacketsDroppedByIf();
            } catch (PcapNativeException | NotOpenException e) {
                // statistics are best effort; the packets matter more
            }
            // tcpdump: "pcap_loop: The interface disappeared", then the statistics, exit 1
            String warning = loopError[0] == null ? null : "capture on " + device + " ended: " + loopError[0];
            long captured = receiver.count;
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException e) {
                    receiver.failure = receiver.failure == null ? e : receiver.failure;
                }
                String failed = receiver.writeFailure();
                warning = failed != null ? failed : warning;
                // what the files hold: a full disk cuts the last file back to its last whole record
                captured = writer.packets();
                receiver.failure = receiver.failure instanceof IOException ? null : receiver.failure;
            }
            handle.close();
            receiver.rethrow();
            return new CaptureStatistics(captured, received, dropped, ifDropped, linkType(), warning);
        }

        /**
         * Opens the -w output before the capture starts, as tcpdump does before it prints "listening on": a path
         * that cannot be written is refused (exit 2) with nothing captured, and a FIFO waits here for its reader
         * until {@link #stop()}. Closes the handle when it fails.
         */
        public void openOutput() {
            try {
                writer = new PcapFileWriter(request.writeFile(), request.snaplen(), dlt, request.fileSizeMb() * 1_000_000L,
                        request.fileCount(), request.rotateSeconds(), () -> stopping);
            } catch (PcapFileWriter.InterruptedOpenException e) {
                handle.close();
                throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "cannot write " + e.getMessage());
            } catch (IOException e) {
                handle.close();
                throw NetdiagException.badInput("cannot write " + (e instanceof java.nio.file.FileSystemException ? e.getMessage()
                        : request.writeFile() + ": " + e.getMessage()));
            }
        }

        /** Asks the capture to end (safe from a signal handler's thread); {@link #run} then finishes up. */
        public void stop() {
            stopping = true;
            breakLoop();
        }

        private void breakLoop() {
            try {
                if (handle.isOpen()) {
                    handle.breakLoop();
                }
            } catch (NotOpenException ignored) {
                // already closed
            }
        }
    }
}
