package io.netdiag.explain;

/**
 * String concatenation without an invokedynamic call site. javac compiles {@code a + b} to a
 * StringConcatFactory call site, and each site the AOT cache did not see in training is linked on its first
 * run by spinning a hidden class (~0.5-3 ms each in a cold JVM). The notes and texts of a lookup come from
 * many such sites, one per reading of a number, so they are joined here instead. Output is the same: each
 * part is appended as {@link String#valueOf(Object)}, as {@code +} does.
 */
final class Concat {
    private Concat() {
    }

    static String of(Object... parts) {
        StringBuilder b = new StringBuilder();
        for (Object part : parts) {
            b.append(part);
        }
        return b.toString();
    }
}
