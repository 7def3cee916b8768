package io.netdiag.capture;

import io.netdiag.os.AddressText;

/**
 * The texts of the addresses a run has seen lately, by value: a capture holds a few hosts, each in
 * thousands of packets, so each address is formatted once rather than twice per packet. A
 * small direct-mapped table: a slot holds one address, a new one that maps to a taken slot replaces it
 * (the text is made again when the old one comes back; the text is the same either way).
 */
final class AddressCache {
    private static final int SLOTS = 1024;
    private final int[] ipv4Keys = new int[SLOTS];
    private final String[] ipv4Texts = new String[SLOTS];
    private final long[] ipv6High = new long[SLOTS];
    private final long[] ipv6Low = new long[SLOTS];
    private final String[] ipv6Texts = new String[SLOTS];
    private final long[] macKeys = new long[SLOTS];
    private final String[] macTexts = new String[SLOTS];

    /** The dotted quad of the four bytes at {@code off}. */
    String ipv4(byte[] b, int off) {
        int value = (int) WireBytes.u32(b, off);
        int slot = (value * 0x9E3779B1 >>> 22) & (SLOTS - 1);
        String text = ipv4Texts[slot];
        if (text == null || ipv4Keys[slot] != value) {
            text = AddressText.ipv4(b, off);
            ipv4Keys[slot] = value;
            ipv4Texts[slot] = text;
        }
        return text;
    }

    /** The inet_ntop text of the sixteen bytes at {@code off}. */
    String ipv6(byte[] b, int off) {
        long high = (WireBytes.u32(b, off) << 32) | WireBytes.u32(b, off + 4);
        long low = (WireBytes.u32(b, off + 8) << 32) | WireBytes.u32(b, off + 12);
        int slot = (int) (((high ^ Long.rotateLeft(low, 29)) * 0x9E3779B97F4A7C15L) >>> 54) & (SLOTS - 1);
        String text = ipv6Texts[slot];
        if (text == null || ipv6High[slot] != high || ipv6Low[slot] != low) {
            text = AddressText.ipv6(b, off);
            ipv6High[slot] = high;
            ipv6Low[slot] = low;
            ipv6Texts[slot] = text;
        }
        return text;
    }

    /** The MAC address text of the six bytes at {@code off}. */
    String mac(byte[] b, int off) {
        long value = ((long) WireBytes.u16(b, off) << 32) | WireBytes.u32(b, off + 2);
        int slot = (int) ((value * 0x9E3779B97F4A7C15L) >>> 54) & (SLOTS - 1);
        String text = macTexts[slot];
        if (text == null || macKeys[slot] != value) {
            text = MacText.of(b, off);
            macKeys[slot] = value;
            macTexts[slot] = text;
        }
        return text;
    }
}
