package io.netdiag.fill;

import io.netdiag.explain.NetdiagException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts ({@code 65536}, {@code 64k}, {@code 4m}; binary multiples as in dd) and durations ({@code 5s}, {@code 500ms}, {@code 1.5}). */
public final class Quantities {
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*([kmg]?)(i?b?)?");
    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");
    private static final BigInteger MOST_BYTES = BigInteger.valueOf(Long.MAX_VALUE);
    /** Durations stay far enough below Long.MAX_VALUE nanoseconds that a deadline (now + duration) cannot overflow. */
    private static final BigDecimal MOST_NANOS = BigDecimal.valueOf(Long.MAX_VALUE / 4);

    private Quantities() {
    }

    /** The count; a bad-input failure for text that is not one ("not a byte count") or beyond a long ("too large"). */
    public static long bytes(String text) {
        Matcher m = BYTES.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw NetdiagException.badInput("not a byte count: '" + text + "' (examples: 65536, 64k, 4m)");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        BigInteger value = new BigInteger(m.group(1)).shiftLeft(shift);
        if (value.compareTo(MOST_BYTES) > 0) {
            throw NetdiagException.badInput("too large a byte count: '" + text + "'");
        }
        return value.longValue();
    }

    /** The duration; a bad-input failure for text that is not one ("not a duration") or too long to count in nanoseconds. */
    public static Duration duration(String text) {
        Matcher m = TIME.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw NetdiagException.badInput("not a duration: '" + text + "' (examples: 5s, 500ms, 1.5)");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        BigDecimal nanosPerUnit = BigDecimal.valueOf(switch (unit) {
            case "ms" -> 1_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 1_000_000_000L;
        });
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(nanosPerUnit);
        if (nanos.compareTo(MOST_NANOS) > 0) {
            throw NetdiagException.badInput("too long a duration: '" + text + "'");
        }
        return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    }

    /** A duration as the user would write it: {@code 2147483.647s}, {@code 1ms}, {@code 0}. */
    public static String text(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.toNanos() % 1_000_000_000L == 0) {
            return d.toSeconds() + "s";
        }
        if (d.toNanos() % 1_000_000L == 0 && d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        return new BigDecimal(BigInteger.valueOf(d.toNanos()), 9).stripTrailingZeros().toPlainString() + "s";
    }
}
