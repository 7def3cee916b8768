package io.netdiag.capture;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads classic pcap and pcapng as a stream: the file, FIFO or standard input is opened once and read
 * front to back through one buffer outside the Java heap, so that a packet can be filtered by libpcap
 * where it lies. Each {@link #next()} moves to the next packet record; its time, lengths, link type and
 * place in {@link #buffer()} are then in the accessors.
 *
 * <p>Times as tshark keeps them: the seconds field unsigned, the fraction a signed 32-bit count of the
 * file's units (libpcap reads it so too), added up rather than refused when it is not below one second:
 * a record with {@code ts_usec} of 1,500,000 is 1.5 s after its seconds, where pcap4j threw.
 */
final class CaptureFileReader implements AutoCloseable {
    /** libpcap's and wiretap's largest packet in a classic pcap file (MAXIMUM_SNAPLEN). */
    static final int MAX_PCAP_RECORD = 262144;
    /** libpcap's largest pcapng block (MAX_BLOCKSIZE). */
    static final int MAX_PCAPNG_BLOCK = 16 * 1024 * 1024;

    private static final int PCAP_MICRO = 0xa1b2c3d4;
    private static final int PCAP_NANO = 0xa1b23c4d;
    private static final int PCAP_PATCHED = 0xa1b2cd34;
    private static final int PCAPNG_SECTION = 0x0A0D0D0A;
    private static final int PCAPNG_BYTE_ORDER = 0x1A2B3C4D;
    private static final int BLOCK_INTERFACE = 1;
    private static final int BLOCK_PACKET_OBSOLETE = 2;
    private static final int BLOCK_SIMPLE = 3;
    private static final int BLOCK_ENHANCED = 6;
    private static final int OPTION_TSRESOL = 9;
    private static final int OPTION_TSOFFSET = 14;

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** A file that is not a capture, or a capture broken before its first packet: nothing to show. */
    static final class FormatException extends IOException {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    private final ReadableByteChannel in;
    private final Arena arena = Arena.ofShared();
    private MemorySegment buffer;
    private ByteBuffer view;
    private long pos;
    private long limit;
    private boolean eof;

    private final boolean pcapng;
    private ValueLayout.OfInt intLayout;
    private ValueLayout.OfShort shortLayout;
    private int recordHeader;
    private long fractionNanos;
    private int fileLinkType;
    private int snaplen;
    private int timeDigits = TimestampResolution.MICROSECONDS;

    // pcapng interfaces of the current section
    private int interfaces;
    private int[] ifLinkType = new int[4];
    private int[] ifSnaplen = new int[4];
    private long[] ifUnitsPerSecond = new long[4];
    private long[] ifOffsetSeconds = new long[4];
    private boolean firstInterfaceSeen;

    // the current packet
    private long epochNanos;
    private int capturedLength;
    private int originalLength;
    private long dataOffset;
    private int linkType;

    private CaptureFileReader(ReadableByteChannel in) throws IOException {
        this.in = in;
        this.buffer = arena.allocate(1 << 20, 16);
        this.view = buffer.asByteBuffer();
        boolean ok = false;
        try {
            int got = fill(4);
            if (got < 4) {
                throw new FormatException("truncated dump file; tried to read 4 file header bytes, only got " + got);
            }
            int magic = buffer.get(INT_BE, 0);
            if (magic == PCAPNG_SECTION) {
                pcapng = true;
                readSectionStart();
            } else {
                pcapng = false;
                readPcapHeader(magic);
            }
            ok = true;
        } finally {
            if (!ok) {
                arena.close();
            }
        }
    }

    /**
     * Opens {@code path} once ({@code -} is standard input); a FIFO blocks here until a writer comes, as
     * with tcpdump. Failures to open are the system's ({@link java.nio.file.AccessDeniedException} and so on).
     */
    static CaptureFileReader open(Path path) throws IOException {
        ReadableByteChannel channel = path.toString().equals("-")
                ? new FileInputStream(FileDescriptor.in).getChannel()
                : FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new CaptureFileReader(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    static CaptureFileReader of(ReadableByteChannel channel) throws IOException {
        return new CaptureFileReader(channel);
    }

    /** The link type of the file header, or of the first pcapng interface (LINKTYPE_ value). */
    int fileLinkType() {
        return fileLinkType;
    }

    int snaplen() {
        return snaplen;
    }

    /** Digits tshark prints after the decimal point for this file's clock (6 or 9 for pcap, if_tsresol for pcapng). */
    int timeDigits() {
        return timeDigits;
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

    /** The link type of the current packet (pcapng interfaces may differ). */
    int linkType() {
        return linkType;
    }

    /** The buffer holding the current packet at {@link #dataOffset()}; valid until the next call of next(). */
    MemorySegment buffer() {
        return buffer;
    }

    long dataOffset() {
        return dataOffset;
    }

    /** The current packet's bytes, copied to the start of {@code into} (at least {@link #capturedLength()} long). */
    void copyData(byte[] into) {
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, dataOffset, into, 0, capturedLength);
    }

    /** The current packet's bytes, copied into an array of their own. */
    byte[] copyData() {
        byte[] data = new byte[capturedLength];
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, dataOffset, data, 0, capturedLength);
        return data;
    }

    /**
     * Moves to the next packet; false at the clean end of the input. A record cut short or a damaged block
     * is an {@link IOException} whose message says so in libpcap's words.
     */
    boolean next() throws IOException {
        return pcapng ? nextBlock() : nextRecord();
    }

    private void readPcapHeader(int magic) throws IOException {
        int little = Integer.reverseBytes(magic);
        ByteOrder order;
        int kind;
        if (magic == PCAP_MICRO || magic == PCAP_NANO || magic == PCAP_PATCHED) {
            order = ByteOrder.BIG_ENDIAN;
            kind = magic;
        } else if (little == PCAP_MICRO || little == PCAP_NANO || little == PCAP_PATCHED) {
            order = ByteOrder.LITTLE_ENDIAN;
            kind = little;
        } else {
            throw new FormatException("unknown file format");
        }
        order(order);
        int got = fill(24);
        if (got < 24) {
            throw new FormatException("truncated dump file; tried to read 24 file header bytes, only got " + got);
        }
        int major = Short.toUnsignedInt(buffer.get(shortLayout, 4));
        if (major != 2) {
            throw new FormatException("unsupported pcap file version " + major + "." + Short.toUnsignedInt(buffer.get(shortLayout, 6)));
        }
        snaplen = buffer.get(intLayout, 16);
        // the upper bits of the link-type word carry FCS information (LT_LINKTYPE)
        fileLinkType = buffer.get(intLayout, 20) & 0x03FFFFFF;
        linkType = fileLinkType;
        recordHeader = kind == PCAP_PATCHED ? 24 : 16;
        fractionNanos = kind == PCAP_NANO ? 1 : 1000;
        timeDigits = kind == PCAP_NANO ? 9 : TimestampResolution.MICROSECONDS;
        pos = 24;
    }

    private void order(ByteOrder order) {
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        intLayout = little ? INT_LE : INT_BE;
        shortLayout = little ? SHORT_LE : SHORT_BE;
    }

    private boolean nextRecord() throws IOException {
        long available = fill(recordHeader);
        if (available == 0) {
            return false;
        }
        if (available < recordHeader) {
            throw new EOFException("truncated dump file; tried to read " + recordHeader + " header bytes, only got " + available);
        }
        long seconds = Integer.toUnsignedLong(buffer.get(intLayout, pos));
        int fraction = buffer.get(intLayout, pos + 4);
        int caplen = buffer.get(intLayout, pos + 8);
        int len = buffer.get(intLayout, pos + 12);
        if (caplen < 0 || caplen > MAX_PCAP_RECORD) {
            throw new IOException("invalid packet capture length " + Integer.toUnsignedString(caplen)
                    + ", bigger than maximum of " + MAX_PCAP_RECORD);
        }
        long need = recordHeader + (long) caplen;
        available = fill(need);
        if (available < need) {
            throw new EOFException("truncated dump file; tried to read " + caplen + " captured bytes, only got "
                    + (available - recordHeader));
        }
        epochNanos = seconds * 1_000_000_000L + fraction * fractionNanos;
        capturedLength = caplen;
        originalLength = len;
        dataOffset = pos + recordHeader;
        pos += need;
        return true;
    }

    /** The section header block at {@code pos}: byte order, version, and no interfaces yet. */
    private void readSectionStart() throws IOException {
        int got = fill(12);
        if (got < 12) {
            throw new FormatException("truncated dump file; tried to read 12 section header bytes, only got " + got);
        }
        int byteOrder = buffer.get(INT_LE, pos + 8);
        if (byteOrder == PCAPNG_BYTE_ORDER) {
            order(ByteOrder.LITTLE_ENDIAN);
        } else if (Integer.reverseBytes(byteOrder) == PCAPNG_BYTE_ORDER) {
            order(ByteOrder.BIG_ENDIAN);
        } else {
            throw new FormatException("pcapng section header has an unknown byte-order magic 0x" + Integer.toHexString(byteOrder));
        }
        int length = blockLength();
        if (fill(length) < length) {
            throw new EOFException("truncated dump file; the section header block is cut short");
        }
        if (length < 28) {
            throw new FormatException("pcapng section header block is too short (" + length + " bytes)");
        }
        int major = Short.toUnsignedInt(buffer.get(shortLayout, pos + 12));
        if (major != 1) {
            throw new FormatException("unsupported pcapng file version " + major);
        }
        interfaces = 0;
        pos += length;
        if (!firstInterfaceSeen) {
            // the first interface decides the time digits and the banner's link type: read up to it
            readUntilFirstInterface();
        }
    }

    private void readUntilFirstInterface() throws IOException {
        while (!firstInterfaceSeen) {
            if (fill(8) < 8) {
                return;
            }
            int type = buffer.get(intLayout, pos);
            if (type == BLOCK_ENHANCED || type == BLOCK_SIMPLE || type == BLOCK_PACKET_OBSOLETE || type == PCAPNG_SECTION) {
                return; // next() reports the packet with no interface
            }
            int length = blockLength();
            if (fill(length) < length) {
                return; // next() reports the cut block
            }
            if (type == BLOCK_INTERFACE) {
                readInterface(pos, length);
            }
            pos += length;
        }
    }

    /** The current block's total length, checked as libpcap checks it. */
    private int blockLength() throws IOException {
        int length = buffer.get(intLayout, pos + 4);
        if (length < 12 || (length & 3) != 0 || length > MAX_PCAPNG_BLOCK) {
            throw new IOException("block in pcapng dump file has an invalid length " + Integer.toUnsignedString(length));
        }
        return length;
    }

    private void readInterface(long start, int length) throws IOException {
        if (length < 20) {
            throw new IOException("interface description block in pcapng dump file is too short (" + length + " bytes)");
        }
        int type = Short.toUnsignedInt(buffer.get(shortLayout, start + 8));
        int snap = buffer.get(intLayout, start + 12);
        long unitsPerSecond = 1_000_000L;
        int digits = TimestampResolution.MICROSECONDS;
        long offsetSeconds = 0;
        long option = start + 16;
        long end = start + length - 4;
        while (option + 4 <= end) {
            int code = Short.toUnsignedInt(buffer.get(shortLayout, option));
            int optionLength = Short.toUnsignedInt(buffer.get(shortLayout, option + 2));
            if (code == 0 || option + 4 + optionLength > end) {
                break;
            }
            if (code == OPTION_TSRESOL && optionLength >= 1) {
                int resolution = Byte.toUnsignedInt(buffer.get(ValueLayout.JAVA_BYTE, option + 4));
                int exponent = resolution & 0x7f;
                if ((resolution & 0x80) == 0) {
                    if (exponent > 18) {
                        throw new IOException("pcapng interface has an unsupported time resolution 10^-" + exponent);
                    }
                    unitsPerSecond = 1;
                    for (int i = 0; i < exponent; i++) {
                        unitsPerSecond *= 10;
                    }
                } else {
                    if (exponent > 62) {
                        throw new IOException("pcapng interface has an unsupported time resolution 2^-" + exponent);
                    }
                    unitsPerSecond = 1L << exponent;
                }
                digits = TimestampResolution.digitsOf(resolution);
            } else if (code == OPTION_TSOFFSET && optionLength == 8) {
                offsetSeconds = buffer.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(
                        intLayout == INT_LE ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN), option + 4);
            }
            option += 4 + ((optionLength + 3) & ~3);
        }
        if (interfaces == ifLinkType.length) {
            int grown = interfaces * 2;
            ifLinkType = java.util.Arrays.copyOf(ifLinkType, grown);
            ifSnaplen = java.util.Arrays.copyOf(ifSnaplen, grown);
            ifUnitsPerSecond = java.util.Arrays.copyOf(ifUnitsPerSecond, grown);
            ifOffsetSeconds = java.util.Arrays.copyOf(ifOffsetSeconds, grown);
        }
        ifLinkType[interfaces] = type;
        ifSnaplen[interfaces] = snap;
        ifUnitsPerSecond[interfaces] = unitsPerSecond;
        ifOffsetSeconds[interfaces] = offsetSeconds;
        interfaces++;
        if (!firstInterfaceSeen) {
            firstInterfaceSeen = true;
            fileLinkType = type;
            linkType = type;
            snaplen = snap;
            timeDigits = digits;
        }
    }

    private boolean nextBlock() throws IOException {
        while (true) {
            long available = fill(8);
            if (available == 0) {
                return false;
            }
            if (available < 8) {
                throw new EOFException("truncated dump file; tried to read 8 block header bytes, only got " + available);
            }
            int type = buffer.get(intLayout, pos);
            if (type == PCAPNG_SECTION) {
                readSectionStart();
                continue;
            }
            int length = blockLength();
            available = fill(length);
            if (available < length) {
                throw new EOFException("truncated dump file; tried to read a block of " + length + " bytes, only got " + available);
            }
            long start = pos;
            pos += length;
            switch (type) {
                case BLOCK_INTERFACE -> readInterface(start, length);
                case BLOCK_ENHANCED -> {
                    if (length < 32) {
                        throw new IOException("enhanced packet block in pcapng dump file is too short (" + length + " bytes)");
                    }
                    int id = buffer.get(intLayout, start + 8);
                    long high = Integer.toUnsignedLong(buffer.get(intLayout, start + 12));
                    long low = Integer.toUnsignedLong(buffer.get(intLayout, start + 16));
                    int caplen = buffer.get(intLayout, start + 20);
                    int len = buffer.get(intLayout, start + 24);
                    packet(id, (high << 32) | low, caplen, len, start + 28, length - 32);
                    return true;
                }
                case BLOCK_PACKET_OBSOLETE -> {
                    if (length < 32) {
                        throw new IOException("packet block in pcapng dump file is too short (" + length + " bytes)");
                    }
                    int id = Short.toUnsignedInt(buffer.get(shortLayout, start + 8));
                    long high = Integer.toUnsignedLong(buffer.get(intLayout, start + 12));
                    long low = Integer.toUnsignedLong(buffer.get(intLayout, start + 16));
                    int caplen = buffer.get(intLayout, start + 20);
                    int len = buffer.get(intLayout, start + 24);
                    packet(id, (high << 32) | low, caplen, len, start + 28, length - 32);
                    return true;
                }
                case BLOCK_SIMPLE -> {
                    if (length < 16) {
                        throw new IOException("simple packet block in pcapng dump file is too short (" + length + " bytes)");
                    }
                    requireInterface(0);
                    int len = buffer.get(intLayout, start + 8);
                    int room = length - 16;
                    int caplen = Integer.compareUnsigned(len, room) > 0 ? room : len;
                    int snap = ifSnaplen[0];
                    if (snap > 0 && caplen > snap) {
                        caplen = snap;
                    }
                    // a simple packet block has no time: libpcap and tshark show 0
                    packetAt(0, 0, caplen, len, start + 12);
                    return true;
                }
                default -> {
                    // name resolution, statistics, decryption secrets, custom blocks: nothing to show
                }
            }
        }
    }

    private void requireInterface(int id) throws IOException {
        if (id < 0 || id >= interfaces) {
            throw new IOException("a packet arrived on interface " + Integer.toUnsignedString(id)
                    + ", but there's no Interface Description Block for that interface");
        }
    }

    private void packet(int id, long timestamp, int caplen, int len, long data, int room) throws IOException {
        requireInterface(id);
        if (caplen < 0 || caplen > room) {
            throw new IOException("packet block in pcapng dump file has a capture length of " + Integer.toUnsignedString(caplen)
                    + " bytes, more than the block holds");
        }
        long units = ifUnitsPerSecond[id];
        long seconds = Long.divideUnsigned(timestamp, units);
        long rest = Long.remainderUnsigned(timestamp, units);
        long nanos = units <= 1_000_000_000L
                ? rest * (1_000_000_000L / units) + (1_000_000_000L % units == 0 ? 0 : rest * (1_000_000_000L % units) / units)
                : Math.multiplyHigh(rest, 1_000_000_000L) == 0 ? rest * 1_000_000_000L / units : (long) (rest * 1e9 / units);
        packetAt(id, (seconds + ifOffsetSeconds[id]) * 1_000_000_000L + nanos, caplen, len, data);
    }

    private void packetAt(int id, long nanos, int caplen, int len, long data) {
        epochNanos = nanos;
        capturedLength = caplen;
        originalLength = len;
        dataOffset = data;
        linkType = ifLinkType[id];
    }

    /**
     * Makes at least {@code need} bytes from {@code pos} available when the input has them (growing the
     * buffer for a large block) and returns how many there are, fewer only at the end of the input.
     */
    private int fill(long need) throws IOException {
        if (limit - pos >= need) {
            return (int) Math.min(need, limit - pos);
        }
        if (need > buffer.byteSize()) {
            long size = buffer.byteSize();
            while (size < need) {
                size *= 2;
            }
            MemorySegment grown = arena.allocate(size, 16);
            MemorySegment.copy(buffer, pos, grown, 0, limit - pos);
            buffer = grown;
            view = buffer.asByteBuffer();
        } else if (pos > 0) {
            MemorySegment.copy(buffer, pos, buffer, 0, limit - pos);
        }
        limit -= pos;
        pos = 0;
        while (limit < need && !eof) {
            view.limit((int) buffer.byteSize()).position((int) limit);
            int n = in.read(view);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
        }
        return (int) Math.min(need, limit);
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            arena.close();
        }
    }
}
