package io.netdiag.explain;

import java.util.List;

/**
 * One distinct error found in a log or stack trace.
 *
 * @param explanation what it means
 * @param lines       the 1-based line numbers where it occurs
 * @param text        the text of its first occurrence, trimmed
 */
public record Finding(Explanation explanation, List<Integer> lines, String text) {
    public Finding {
        lines = List.copyOf(lines);
    }
}
