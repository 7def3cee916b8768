package io.netdiag.explain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A regex compiled on first use. A cold JVM runs Pattern.compile interpreted (a few hundred microseconds for the
 * larger ones), and most inputs are answered before a given pattern is needed: {@code explain EAGAIN} needs none.
 */
final class LazyPattern {
    private final String regex;
    private final int flags;
    private volatile Pattern pattern;

    LazyPattern(String regex) {
        this(regex, 0);
    }

    LazyPattern(String regex, int flags) {
        this.regex = regex;
        this.flags = flags;
    }

    Matcher matcher(CharSequence input) {
        Pattern p = pattern;
        if (p == null) {
            p = Pattern.compile(regex, flags);
            pattern = p;
        }
        return p.matcher(input);
    }
}
