package io.netdiag.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many digits tshark prints after the decimal point of a file's times: its timestamp resolution.
 * Classic pcap says it in its magic number (microseconds, or nanoseconds for {@code a1b23c4d}); pcapng
 * in the first interface's {@code if_tsresol} option (microseconds when absent). dumpcap writes
 * nanoseconds, tcpdump microseconds: {@code 0.000010245} against {@code 0.000010}.
 */
public final class TimestampResolution {
    /** Microseconds: classic pcap, pcapng without if_tsresol, live captures. */
    public static final int MICROSECONDS = 6;

    private static final int PCAPNG_SECTION = 0x0A0D0D0A;
    private static final int PCAPNG_INTERFACE = 1;
    private static final int IF_TSRESOL = 9;

    private TimestampResolution() {
    }

    /** The digits for {@code file}; {@link #MICROSECONDS} when its header cannot be read (libpcap reports that). */
    public static int digits(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(64 * 1024);
            return digits(head);
        } catch (IOException | RuntimeException e) {
            return MICROSECONDS;
        }
    }

    static int digits(byte[] head) {
        if (head.length < 4) {
            return MICROSECONDS;
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        int magic = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
        int swapped = Integer.reverseBytes(magic);
        if (magic == 0xa1b23c4d || swapped == 0xa1b23c4d) {
            return 9;
        }
        if (magic != PCAPNG_SECTION || head.length < 12) {
            return MICROSECONDS;
        }
        // the section header's byte-order magic says how every later field is written
        b.order(b.order(ByteOrder.LITTLE_ENDIAN).getInt(8) == 0x1A2B3C4D ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int offset = 0;
        while (offset + 12 <= head.length) {
            int type = b.getInt(offset);
            int length = b.getInt(offset + 4);
            if (length < 12 || offset + length > head.length) {
                return MICROSECONDS;
            }
            if (type == PCAPNG_INTERFACE) {
                return interfaceDigits(b, offset + 16, offset + length - 4);
            }
            offset += length;
        }
        return MICROSECONDS;
    }

    /** The digits for an {@code if_tsresol} value: 10^-n (top bit clear) or 2^-n seconds (top bit set). */
    static int digitsOf(int resolution) {
        int exponent = resolution & 0x7f;
        if ((resolution & 0x80) == 0) {
            return Math.min(9, exponent);
        }
        // 2^-n: Wireshark takes the decimal precision whose units per second the clock reaches
        // (2^20 = 1,048,576 ticks per second: microseconds, 6 digits)
        if (exponent >= 30) {
            return 9;
        }
        int digits = 0;
        for (long units = 1L << exponent; units >= 10; units /= 10) {
            digits++;
        }
        return digits;
    }

    /** The options of an interface description block, from after its fixed fields to its trailing length. */
    private static int interfaceDigits(ByteBuffer b, int offset, int end) {
        while (offset + 4 <= end) {
            int code = Short.toUnsignedInt(b.getShort(offset));
            int length = Short.toUnsignedInt(b.getShort(offset + 2));
            if (code == 0) {
                break;
            }
            if (code == IF_TSRESOL && length >= 1 && offset + 4 < end) {
                return digitsOf(Byte.toUnsignedInt(b.get(offset + 4)));
            }
            offset += 4 + ((length + 3) & ~3);
        }
        return MICROSECONDS;
    }
}
