package io.netdiag.capture;

import io.netdiag.explain.NetdiagException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The capture engine: lists devices, reads files and captures live on the system's libpcap, called through the
 * FFM API. Packets are either written to a pcap file or decoded by {@link Dissector} and handed to the caller's
 * sink.
 */
public final class PacketCapture {
    private PacketCapture() {
    }

    /** The devices libpcap can open, numbered and flagged as {@code tcpdump -D} shows them. */
    public static List<CaptureInterface> interfaces() {
        PcapAccess.ensureLoaded();
        List<LiveHandle.Device> devices;
        try {
            devices = LiveHandle.devices();
        } catch (LiveHandle.OpenException e) {
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE, "cannot list interfaces: " + e.getMessage());
        }
        List<CaptureInterface> list = new ArrayList<>();
        int index = 1;
        for (LiveHandle.Device d : devices) {
            list.add(new CaptureInterface(index++, d.name(), d.description(), flags(d.flags()), d.addresses()));
        }
        return list;
    }

    /** tcpdump -D's words for libpcap's device flags, in its order. */
    static List<String> flags(int flags) {
        List<String> words = new ArrayList<>();
        if ((flags & Libpcap.PCAP_IF_UP) != 0) {
            words.add("Up");
        }
        if ((flags & Libpcap.PCAP_IF_RUNNING) != 0) {
            words.add("Running");
        }
        if ((flags & Libpcap.PCAP_IF_LOOPBACK) != 0) {
            words.add("Loopback");
        }
        boolean wireless = (flags & Libpcap.PCAP_IF_WIRELESS) != 0;
        if (wireless) {
            words.add("Wireless");
        }
        String status = switch (flags & Libpcap.PCAP_IF_CONNECTION_STATUS) {
            case Libpcap.PCAP_IF_CONNECTION_STATUS_UNKNOWN -> wireless ? "Association status unknown" : "Connection status unknown";
            case Libpcap.PCAP_IF_CONNECTION_STATUS_CONNECTED -> wireless ? "Associated" : "Connected";
            case Libpcap.PCAP_IF_CONNECTION_STATUS_DISCONNECTED -> wireless ? "Not associated" : "Disconnected";
            default -> null; // not applicable
        };
        if (status != null) {
            words.add(status);
        }
        return List.copyOf(words);
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
            SummaryBatches batches = new SummaryBatches(BATCHES_IN_FLIGHT);
            Decoding decoding = new Decoding(batches);
            Thread decoder = Thread.ofPlatform().name("netdiag-decode").daemon(true).unstarted(decoding);
            decoder.start();
            long count;
            try {
                count = batches.deliver(sink, () -> { });
            } finally {
                // the end, or the sink failed or the reader of our output went away (deliver stopped the decoder):
                // let the thread go
                try {
                    decoder.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new CaptureStatistics(count, null, null, null, linkType(), decoding.warning);
        }

        /**
         * Few enough that the summaries in flight (~2,000, under 1 MB) fit in a survivor space of the launcher's
         * young generation: with 32 they overflowed it at every collection and were promoted, and the old
         * generation grew with the length of the file (1M HTTP packets 97 MB peak RSS, 3M 115 MB; now 88 and 89).
         */
        private static final int BATCHES_IN_FLIGHT = 8;

        /** The decoder thread's work: read, filter and dissect into batches until the end, the count or a stop. */
        private final class Decoding implements Runnable {
            private final SummaryBatches batches;
            volatile String warning;

            Decoding(SummaryBatches batches) {
                this.batches = batches;
            }

            @Override
            public void run() {
                long limit = request.count() > 0 ? request.count() : Long.MAX_VALUE;
                Dissector dissector = new Dissector(LinkType.of(reader.fileLinkType()), request.dataSources());
                int currentLink = reader.fileLinkType();
                LinkType link = dissector.link();
                long count = 0;
                boolean keepBytes = request.dataSources();
                byte[] scratch = new byte[65536];
                try {
                    while (count < limit && !batches.stopped() && reader.next()) {
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
                            batches.add(dissector.dissect(frame, link));
                        } else {
                            // decoded from one buffer filled again for each packet: only -x needs each packet's bytes
                            if (scratch.length < caplen) {
                                scratch = new byte[caplen];
                            }
                            reader.copyData(scratch);
                            batches.add(dissector.dissectInPlace(new Frame(count, reader.epochNanos(), caplen, len, scratch), link));
                        }
                    }
                } catch (IOException e) {
                    warning = request.readFile() + ": " + ioMessage(e);
                } catch (RuntimeException e) {
                    batches.fail(e);
                } finally {
                    batches.finish();
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
        int ring = request.bufferBytes() > 0 ? request.bufferBytes()
                : request.immediate() ? LiveCapture.IMMEDIATE_RING : LiveCapture.DEFAULT_RING;
        LiveHandle handle;
        try {
            handle = LiveHandle.open(device, request.snaplen(), ring, request.immediate());
        } catch (LiveHandle.OpenException e) {
            throw PcapAccess.openFailure(device, e);
        }
        try {
            if (request.filter() != null && !request.filter().isBlank()) {
                handle.filter(device, request.filter());
            }
        } catch (IllegalArgumentException e) {
            handle.close();
            throw NetdiagException.badInput("bad filter expression '" + request.filter() + "': " + PcapAccess.firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        return new LiveCapture(request, device, handle);
    }

    /** The libpcap netdiag loads: its version line ({@code libpcap version 1.10.3 (with TPACKET_V3)}). */
    public static String libraryVersion() {
        return PcapAccess.ensureLoaded();
    }

    /**
     * Opens {@code device} for capture and closes it again (netdiag doctor): returns its link type's name
     * ({@code EN10MB}), or fails with libpcap's words (no permission, no such device).
     */
    public static String probe(String device) {
        PcapAccess.ensureLoaded();
        try (LiveHandle handle = LiveHandle.open(device, 256, 0, false)) {
            return Libpcap.linkTypeName(handle.dlt());
        } catch (LiveHandle.OpenException e) {
            throw new NetdiagException(NetdiagException.Kind.NEGATIVE, e.getMessage());
        }
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
}
