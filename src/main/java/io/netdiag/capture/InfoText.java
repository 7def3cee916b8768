package io.netdiag.capture;

/**
 * An Info column being written: characters in an array of our own, numbers written digit by digit. The
 * TCP line holds an arrow, which keeps a StringBuilder in UTF-16, and there every Latin-1 piece appended
 * is widened and every number formatted through the JDK's generic paths; one of these per decoder, cleared
 * for each packet, makes the line with a single String at the end.
 */
final class InfoText {
    private char[] chars = new char[256];
    private int length;

    void clear() {
        length = 0;
    }

    int length() {
        return length;
    }

    private char[] room(int more) {
        if (length + more > chars.length) {
            chars = java.util.Arrays.copyOf(chars, Math.max(chars.length * 2, length + more));
        }
        return chars;
    }

    InfoText append(String s) {
        int n = s.length();
        s.getChars(0, n, room(n), length);
        length += n;
        return this;
    }

    /** A constant piece of text, kept as chars so that it is copied rather than widened each time. */
    InfoText append(char[] text) {
        int n = text.length;
        System.arraycopy(text, 0, room(n), length, n);
        length += n;
        return this;
    }

    InfoText append(InfoText other) {
        int n = other.length;
        System.arraycopy(other.chars, 0, room(n), length, n);
        length += n;
        return this;
    }

    InfoText append(char ch) {
        room(1)[length++] = ch;
        return this;
    }

    /** {@code value} in decimal, as {@link StringBuilder#append(long)} writes it. */
    InfoText append(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                return append(Long.toString(value));
            }
            append('-');
            value = -value;
        }
        if (value > 0xffffffffL) {
            return append(Long.toString(value));
        }
        int digits = 1;
        for (long v = value; v >= 10; v = tenth(v)) {
            digits++;
        }
        char[] c = room(digits);
        for (int i = length + digits - 1; i >= length; i--) {
            long q = tenth(value);
            c[i] = (char) ('0' + (value - q * 10));
            value = q;
        }
        length += digits;
        return this;
    }

    /**
     * {@code v / 10} for {@code 0 <= v < 2^32} by a multiplication: C1, which runs capture -r, divides by a
     * constant with the divide instruction (tens of cycles per digit), where C2 would multiply.
     */
    static long tenth(long v) {
        return (v * 0xCCCCCCCDL) >>> 35;
    }

    /** Characters {@code [from, to)} as a String. */
    String substring(int from, int to) {
        return new String(chars, from, to - from);
    }

    String substring(int from) {
        return substring(from, length);
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }
}
