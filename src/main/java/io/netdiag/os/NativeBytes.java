package io.netdiag.os;

import java.nio.ByteOrder;

/**
 * Reads C struct fields from a byte array in the machine's byte order (netlink messages are host order,
 * except the fields the kernel marks __be16/__be32). Plain shifts on purpose: unlike VarHandle or
 * MemorySegment reads they are fast in the interpreter too, which is where a short-lived CLI spends its time.
 */
public final class NativeBytes {
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private NativeBytes() {
    }

    public static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    public static int u16(byte[] b, int at) {
        return LITTLE ? (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 : (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    public static int s32(byte[] b, int at) {
        return LITTLE
                ? (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | b[at + 3] << 24
                : b[at] << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    public static long u32(byte[] b, int at) {
        return s32(b, at) & 0xffffffffL;
    }

    public static long s64(byte[] b, int at) {
        long lo = u32(b, at);
        long hi = u32(b, at + 4);
        return LITTLE ? lo | hi << 32 : lo << 32 | hi;
    }

    /** Writes a 32-bit field in the machine's byte order (the writing side of {@link #s32}). */
    public static void putS32(byte[] b, int at, int value) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (LITTLE ? value >>> (8 * i) : value >>> (24 - 8 * i));
        }
    }

    /** A network-order (big-endian) 16-bit field such as a port. */
    public static int be16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }
}
