package io.netdiag.diagnose;

/**
 * One check of a diagnosis and what it found.
 *
 * @param name   target, resolve, route, reach, trace, local, after, capture
 * @param status ok, warn (works but worth a look), fail (this is where it breaks), skip (not run, and why)
 * @param millis how long the check took
 * @param detail what it found, in one or a few plain sentences
 */
public record Step(String name, String status, long millis, String detail) {
    public static final String OK = "ok";
    public static final String WARN = "warn";
    public static final String FAIL = "fail";
    public static final String SKIP = "skip";
}
