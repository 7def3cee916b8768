package io.netdiag.doctor;

/**
 * One thing the machine allows or not.
 *
 * @param name   what was checked
 * @param status ok, degraded (a fallback works) or missing
 * @param detail what was found
 * @param fix    the command or step that fixes it, or null when nothing needs fixing
 */
public record Check(String name, Status status, String detail, String fix) {
    /** Whether the item is usable. */
    public enum Status { OK, DEGRADED, MISSING }
}
