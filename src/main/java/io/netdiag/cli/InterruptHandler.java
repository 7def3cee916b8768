package io.netdiag.cli;

import java.util.function.Consumer;

/**
 * Turns the two ways a user stops a long-running command into a stop request for the duration of that
 * command, so that it can finish its report (ping prints its statistics, capture closes its file) and exit
 * with its own code, as iputils and tcpdump do: Ctrl-C (SIGINT) and the reader of standard output going
 * away ({@code netdiag ... | head}). The previous handler comes back on close.
 *
 * <p>{@link #prepareProcess} makes both work in every command, present and future, without the command
 * doing anything: SIGINT is restored when a script's {@code &} started netdiag with it ignored, and a
 * vanished reader ends the process quietly (exit 0) unless a command installed its own handler.
 */
final class InterruptHandler implements AutoCloseable {
    /** What asked the command to stop. */
    enum Cause {
        /** Ctrl-C, or {@code kill -INT}. */
        INTERRUPT,
        /** Nobody reads standard output any more. */
        OUTPUT_CLOSED
    }

    /** Exit status of a process that SIGINT ended, as the JVM's own handler and the shell report it. */
    private static final int INTERRUPTED = 128 + 2;

    private static volatile Consumer<Cause> current;
    private static volatile boolean outputClosed;

    private final sun.misc.Signal signal;
    private final sun.misc.SignalHandler previous;
    private final Consumer<Cause> previousAction;

    private InterruptHandler(sun.misc.Signal signal, sun.misc.SignalHandler previous, Consumer<Cause> previousAction) {
        this.signal = signal;
        this.previous = previous;
        this.previousAction = previousAction;
    }

    /** A handler that stops the command whatever the cause (its output then goes nowhere, harmlessly). */
    static InterruptHandler install(Runnable onInterrupt) {
        return install(cause -> onInterrupt.run());
    }

    /** A handler told the cause, for a command whose product need not go to standard output (capture -w). */
    static InterruptHandler install(Consumer<Cause> onStop) {
        Consumer<Cause> before = current;
        current = onStop;
        if (outputClosed) {
            onStop.accept(Cause.OUTPUT_CLOSED);
        }
        return handle("INT", () -> onStop.accept(Cause.INTERRUPT), before);
    }

    /** The same for another signal by name (TERM: a service manager's stop); standard output plays no part. */
    static InterruptHandler install(String name, Runnable onSignal) {
        return handle(name, onSignal, current);
    }

    private static InterruptHandler handle(String name, Runnable onSignal, Consumer<Cause> before) {
        try {
            sun.misc.Signal signal = new sun.misc.Signal(name);
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> onSignal.run());
            return new InterruptHandler(signal, previous, before);
        } catch (IllegalArgumentException e) {
            // the JVM was started with -Xrs or the signal is in use: Ctrl-C then ends the process as usual
            return new InterruptHandler(null, null, before);
        }
    }

    /** Whether the reader of standard output has gone away (the command should end without more output). */
    static boolean outputClosed() {
        return outputClosed;
    }

    /**
     * Called once by the process's entry point, before the command runs. A non-interactive shell starts a
     * background job ({@code netdiag capture ... &}) with SIGINT ignored, and HotSpot then installs no handler:
     * {@code kill -INT}, the usual way scripts stop tcpdump, would do nothing. Here SIGINT goes back to its
     * default first and gets the handler the JVM would have installed (shutdown hooks, exit 130), so that a
     * background run stops exactly as a foreground Ctrl-C does. nohup's SIGHUP is left ignored.
     */
    static void prepareProcess() {
        if (io.netdiag.os.SignalDisposition.ignored(io.netdiag.os.SignalDisposition.SIGINT)) {
            try {
                io.netdiag.os.SignalDisposition.restoreDefault(io.netdiag.os.SignalDisposition.SIGINT);
                sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> System.exit(INTERRUPTED));
            } catch (RuntimeException e) {
                // -Xrs or no signal(2): SIGINT stays as it was
            }
        }
        io.netdiag.os.OutputReader.whenGone(200, InterruptHandler::readerGone);
    }

    /** Standard output's reader left: the command's handler decides; without one the process ends quietly. */
    private static void readerGone() {
        outputClosed = true;
        Consumer<Cause> action = current;
        if (action != null) {
            action.accept(Cause.OUTPUT_CLOSED);
        } else {
            io.netdiag.os.ProcessExit.exit(ExitCodes.OK);
        }
    }

    @Override
    public void close() {
        current = previousAction;
        if (signal != null) {
            sun.misc.Signal.handle(signal, previous);
        }
    }
}
