package io.netdiag.os;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The signal dispositions a process inherits. A job that a non-interactive shell starts with {@code &} has
 * SIGINT (and SIGQUIT) set to ignored, and HotSpot installs no handler for a signal that is ignored at start,
 * so {@code kill -INT}, the usual way scripts stop tcpdump, would do nothing; tcpdump and iputils ping install
 * their handlers regardless. Only SIGINT is ever restored here: {@code nohup}'s ignored SIGHUP stays ignored.
 */
public final class SignalDisposition {
    /** SIGINT's number on every platform netdiag knows. */
    public static final int SIGINT = 2;

    private SignalDisposition() {
    }

    // linked on first use: most runs never need it, and a downcall handle costs milliseconds on a cold JVM
    private static final class Signal {
        static final MethodHandle H = Libc.linkPlain("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    }

    /** Whether {@code signal} was ignored when this process started (the SigIgn mask of /proc/self/status). */
    public static boolean ignored(int signal) {
        if (Platform.current() != Platform.LINUX) {
            return false; // no /proc; see native-notes/signals.md for what macOS would call
        }
        try {
            return ignored(ProcFiles.read(Path.of("/proc/self/status")), signal);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Reads the {@code SigIgn:} mask (hex, bit N-1 for signal N) of a /proc/PID/status text. */
    static boolean ignored(String status, int signal) {
        int at = status.indexOf("\nSigIgn:");
        if (at < 0) {
            return false;
        }
        int start = at + "\nSigIgn:".length();
        int end = status.indexOf('\n', start);
        String hex = status.substring(start, end < 0 ? status.length() : end).strip();
        if (hex.isEmpty()) {
            return false;
        }
        // the mask has 16 hex digits for 64 signals: the low word is enough for SIGINT and its neighbours
        long low = Long.parseUnsignedLong(hex.substring(Math.max(0, hex.length() - 16)), 16);
        return signal >= 1 && signal <= 64 && (low >>> (signal - 1) & 1) != 0;
    }

    /** Sets {@code signal} back to SIG_DFL with signal(2), so that the JVM will install a handler for it. */
    public static void restoreDefault(int signal) {
        try {
            MemorySegment previous = (MemorySegment) Signal.H.invokeExact(signal, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("signal(" + signal + ", SIG_DFL) failed", t);
        }
    }
}
