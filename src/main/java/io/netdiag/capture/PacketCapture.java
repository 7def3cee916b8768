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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        Path file = request.readFile();
        if (!Files.exists(file)) {
            throw NetdiagException.badInput("cannot read " + file + ": no such file");
        }
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw NetdiagException.badInput("cannot read " + file + ": not a readable file");
        }
        PcapAccess.ensureLoaded();
        PcapHandle handle;
        try {
            handle = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            throw NetdiagException.badInput("cannot read " + file + ": " + PcapAccess.firstLine(String.valueOf(e.getMessage()))
                    + " (not a pcap or pcapng file?)");
        }
        try (handle) {
            applyFilter(handle, request.filter());
            int dlt = handle.getDlt().value();
            Receiver receiver = new Receiver(handle, new Dissector(LinkType.of(dlt), request.dataSources()), sink, null);
            String warning = null;
            try {
                handle.loop(request.count() > 0 ? (int) Math.min(request.count(), Integer.MAX_VALUE) : -1, receiver);
            } catch (PcapNativeException e) {
                warning = file + ": " + PcapAccess.firstLine(String.valueOf(e.getMessage()))
                        + " (the file ends in the middle of a packet?)";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (NotOpenException e) {
                throw new IllegalStateException(e);
            }
            receiver.rethrow();
            return new CaptureStatistics(receiver.count, null, null, null, LinkNames.describe(dlt), warning);
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
                // loop to ride out bursts, and immediate mode uses one snaplen-sized slot per packet
                builder.bufferSize(request.immediate() ? 32 << 20 : 16 << 20);
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
        if (requested.chars().allMatch(Character::isDigit) && !requested.isEmpty()) {
            int index = Integer.parseInt(requested);
            if (index < 1 || index > all.size()) {
                throw NetdiagException.badInput("no interface number " + index + " (netdiag capture -D lists " + all.size() + ")");
            }
            return all.get(index - 1).name();
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
