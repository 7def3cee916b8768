package io.netdiag.explain;

/**
 * One answer to a lookup: the explanation and a note on how the input was read, such as
 * {@code errno 35 in Linux numbering} or {@code "[Errno 104] Connection reset by peer"}.
 */
public record Match(Explanation explanation, String note) {
}
