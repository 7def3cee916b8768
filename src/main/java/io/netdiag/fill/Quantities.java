package io.netdiag.fill;

import io.netdiag.explain.NetdiagException;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts ({@code 65536}, {@code 64k}, {@code 4m}; binary multiples as in dd) and durations ({@code 5s}, {@code 500ms}, {@code 1.5}). */
public final class Quantities {
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*([kmg]?)(i?b?)?");
    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");

    private Quantities() {
    }

    public static long bytes(String text) {
        Matcher m = BYTES.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw NetdiagException.badInput("not a byte count: '" + text + "' (examples: 65536, 64k, 4m)");
        }
        long value = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "k" -> value << 10;
            case "m" -> value << 20;
            case "g" -> value << 30;
            default -> value;
        };
    }

    public static Duration duration(String text) {
        Matcher m = TIME.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw NetdiagException.badInput("not a duration: '" + text + "' (examples: 5s, 500ms, 1.5)");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> value;
            case "m" -> value * 60_000;
            default -> value * 1000;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }
}
