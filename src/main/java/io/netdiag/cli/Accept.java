package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import io.netdiag.fill.Quantities;
import picocli.CommandLine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What an option's value may be: how its text becomes a value, and the range allowed. Declared with the
 * option ({@link Declare#option(String, String, Accept, java.util.function.Consumer, String)}), it is the
 * option's picocli type converter, so a value out of range is refused while the command line is parsed,
 * before any command runs: one line naming the option and the accepted range, exit 2 ({@link Failures}).
 * The range is also appended to the option's help and man page text.
 */
final class Accept<T> implements CommandLine.ITypeConverter<T> {
    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    /** How long any duration may be: 2^31-1 milliseconds (24.8 days), iputils' limit for -i and -W. */
    static final Duration LONGEST = Duration.ofMillis(Integer.MAX_VALUE);
    /** The same limit in seconds, for options that take a plain number of seconds. */
    static final double MOST_SECONDS = Integer.MAX_VALUE / 1000.0;

    private final Class<T> type;
    private final String range;
    private final Function<String, T> parse;

    private Accept(Class<T> type, String range, Function<String, T> parse) {
        this.type = type;
        this.range = range;
        this.parse = parse;
    }

    /** A whole number from {@code min} to {@code max}. */
    static Accept<Long> whole(long min, long max) {
        String range = min + " <= value <= " + max;
        return new Accept<>(Long.class, range, text -> wholeNumber(text, min, max, range).longValue());
    }

    /** A whole number from {@code min} to {@code max}, as an int. */
    static Accept<Integer> whole(int min, int max) {
        String range = min + " <= value <= " + max;
        return new Accept<>(Integer.class, range, text -> wholeNumber(text, min, max, range).intValue());
    }

    /** A TCP or UDP port: 1 to 65535 ({@code zero} allows 0 as well). */
    static Accept<Integer> port(boolean zero) {
        return whole(zero ? 0 : 1, 65535);
    }

    /** A plain number of seconds ({@code 0.2}, {@code 5}) from {@code min} to {@code max}; never NaN or infinite. */
    static Accept<Double> seconds(double min, double max) {
        String range = plain(min) + " <= value <= " + plain(max) + " seconds";
        return new Accept<>(Double.class, range, text -> decimal(text, min, max, range, "not a number of seconds"));
    }

    /** A byte count as {@link Quantities#bytes} reads it ({@code 65536}, {@code 64k}, {@code 1m}). */
    static Accept<Long> bytes(long min, long max) {
        String range = min + " <= value <= " + max + " bytes (as 65536, 64k, 1m)";
        return new Accept<>(Long.class, range, text -> {
            long value;
            try {
                value = Quantities.bytes(text);
            } catch (NetdiagException e) {
                throw refused(text, e.getMessage().startsWith("not") ? "not a byte count" : "out of range", range);
            }
            if (value < min || value > max) {
                throw refused(text, "out of range", range);
            }
            return value;
        });
    }

    /** A duration as {@link Quantities#duration} reads it ({@code 5s}, {@code 500ms}, {@code 1.5}), from {@code min} to {@code max}. */
    static Accept<Duration> duration(Duration min, Duration max) {
        String range = Quantities.text(min) + " <= value <= " + Quantities.text(max) + " (as 500ms, 5s, 1.5)";
        return new Accept<>(Duration.class, range, text -> {
            Duration value;
            try {
                value = Quantities.duration(text);
            } catch (NetdiagException e) {
                throw refused(text, e.getMessage().startsWith("not") ? "not a duration" : "out of range", range);
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw refused(text, "out of range", range);
            }
            return value;
        });
    }

    /** Text that must not be empty, such as a name; {@code what} says what it is ("an interface name or number"). */
    static Accept<String> word(String what) {
        String range = "expected " + what;
        return new Accept<>(String.class, range, text -> {
            if (text.isBlank()) {
                throw refused(text, "empty", range);
            }
            return text;
        });
    }

    /** {@code prefix} and then a value {@code inner} accepts, such as tshark's {@code -a duration:SECONDS}. */
    static <T> Accept<T> prefixed(String prefix, Accept<T> inner) {
        String range = "expected " + prefix + "N with " + inner.range.replace("value", "N");
        return new Accept<>(inner.type, range, text -> {
            if (!text.startsWith(prefix)) {
                throw refused(text, "not " + prefix + "N", range);
            }
            try {
                return inner.convert(text.substring(prefix.length()));
            } catch (Refused e) {
                throw refused(text, e.getMessage().contains("': not ") ? "not " + prefix + "N" : "out of range", range);
            }
        });
    }

    /** A path to bind a UNIX socket at: at most 107 bytes (sun_path holds 108 with the terminating NUL). */
    static Accept<String> unixPath() {
        String range = "at most 107 bytes";
        return new Accept<>(String.class, range, text -> {
            if (text.getBytes(StandardCharsets.UTF_8).length > 107) {
                throw refused(text, "too long", range);
            }
            return text;
        });
    }

    /**
     * The converter for an option declared with a plain numeric type: that type's whole range with netdiag's
     * wording (and NaN and infinities refused), or null for a type that is not numeric.
     */
    static Accept<?> forType(Class<?> type) {
        if (type == long.class || type == Long.class) {
            return whole(Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (type == int.class || type == Integer.class) {
            return whole(Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (type == double.class || type == Double.class) {
            String range = "expected a finite number";
            return new Accept<>(Double.class, range, text -> decimal(text, -Double.MAX_VALUE, Double.MAX_VALUE, range,
                    "not a number"));
        }
        return null;
    }

    Class<T> type() {
        return type;
    }

    /** What is accepted, in iputils' words: "1 <= value <= 65535". */
    String range() {
        return range;
    }

    @Override
    public T convert(String text) {
        return parse.apply(text);
    }

    private static BigInteger wholeNumber(String text, long min, long max, String range) {
        if (!WHOLE.matcher(text).matches()) {
            throw refused(text, "not a whole number", range);
        }
        BigInteger value = new BigInteger(text);
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw refused(text, "out of range", range);
        }
        return value;
    }

    private static double decimal(String text, double min, double max, String range, String notOne) {
        if (!DECIMAL.matcher(text).matches()) {
            throw refused(text, notOne, range);
        }
        // strictly between the bounds as a double means strictly between them as written (rounding to the nearest
        // double keeps order), and spares BigDecimal's initialisation (see plain); on a bound or beyond, exactly
        double nearest = Double.parseDouble(text);
        if (nearest > min && nearest < max) {
            return nearest;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException e) { // an exponent beyond an int
            throw refused(text, "out of range", range);
        }
        if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw refused(text, "out of range", range);
        }
        return value.doubleValue();
    }

    /**
     * A bound as plain decimal text ({@code 0}, {@code 0.1}, {@code 2147483.647}). Without BigDecimal where a double's
     * own text will do: JDK 25 initialises BigDecimal by squaring large powers of ten (45-85 ms here), which every
     * sockets and ping start paid for the help text of a seconds option that the command line may not even have.
     */
    static String plain(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String text = Double.toString(d);
        return text.indexOf('E') < 0 ? text : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static Refused refused(String text, String problem, String range) {
        return new Refused("invalid argument: " + shown(text) + ": " + problem + ": " + range);
    }

    /** The value as the error line quotes it: a long value cut, so the line stays readable (Failures escapes control characters). */
    static String shown(String text) {
        int limit = 40;
        return "'" + (text.length() <= limit ? text : text.substring(0, limit) + "...(" + text.length() + " characters)") + "'";
    }

    /** A value refused by an option's {@link Accept}: the message is the whole error line after the option's name. */
    static final class Refused extends CommandLine.TypeConversionException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
