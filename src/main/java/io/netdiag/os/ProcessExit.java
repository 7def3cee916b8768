package io.netdiag.os;

/**
 * Ends the process. {@link System#exit} costs a short-lived JVM ~6 ms on this kind of machine: before it runs
 * the shutdown hooks it looks up a System.Logger for "java.lang.Runtime" (JDK 21+ logs Runtime.exit at DEBUG
 * level), which starts the logging back end and a service lookup. {@link Runtime#halt} skips that, and also
 * skips the shutdown hooks, so the entry point halts only while no code has declared, through
 * {@link #hooksRegistered}, that it registered one (capture's Ctrl-C handler, a JLine system terminal's
 * restore-on-exit). Callers flush their own output before either.
 */
public final class ProcessExit {
    private static volatile boolean hooks;
    private static volatile boolean throughJvm;

    private ProcessExit() {
    }

    /** Declares that a shutdown hook may have been registered: the process then ends through System.exit. */
    public static void hooksRegistered() {
        hooks = true;
    }

    /**
     * Declares that the process must end through the JVM's own exit: an AOT training run, whose JVM writes the cache
     * as it exits.
     */
    public static void throughJvm() {
        throughJvm = true;
    }

    /**
     * Ends the process with {@code status}: System.exit when a hook may be registered; otherwise exit_group(2) when the
     * process has linked it already ({@link Netlink#exitNow}, a sockets listing), Runtime.halt when not.
     */
    public static void exit(int status) {
        if (hooks) {
            System.exit(status);
        }
        if (!throughJvm) {
            Netlink.exitNow(status);
        }
        Runtime.getRuntime().halt(status);
    }
}
