package io.netdiag.cli;

/** The exit codes every netdiag command uses; documented in netdiag(1). */
public final class ExitCodes {
    /** The command did what was asked and the answer is positive. */
    public static final int OK = 0;
    /** A negative result: no reply, unreachable, blocked, an error explained. */
    public static final int NEGATIVE = 1;
    /** Usage error or bad input. */
    public static final int USAGE = 2;
    /** Missing privilege, library or platform support. */
    public static final int UNSUPPORTED = 3;
    /** A bug in netdiag. */
    public static final int INTERNAL = 4;

    private ExitCodes() {
    }
}
