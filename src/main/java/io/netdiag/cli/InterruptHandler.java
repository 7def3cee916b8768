package io.netdiag.cli;

/**
 * Turns Ctrl-C (SIGINT) into a stop request for the duration of a command, so that the command can
 * finish its report (ping prints its statistics) and exit with its own code, as iputils does.
 * The previous handler comes back on close.
 */
final class InterruptHandler implements AutoCloseable {
    private final sun.misc.Signal signal;
    private final sun.misc.SignalHandler previous;

    private InterruptHandler(sun.misc.Signal signal, sun.misc.SignalHandler previous) {
        this.signal = signal;
        this.previous = previous;
    }

    static InterruptHandler install(Runnable onInterrupt) {
        return install("INT", onInterrupt);
    }

    /** The same for another signal by name (TERM: a service manager's stop). */
    static InterruptHandler install(String name, Runnable onInterrupt) {
        try {
            sun.misc.Signal signal = new sun.misc.Signal(name);
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> onInterrupt.run());
            return new InterruptHandler(signal, previous);
        } catch (IllegalArgumentException e) {
            // the JVM was started with -Xrs or the signal is in use: Ctrl-C then ends the process as usual
            return new InterruptHandler(null, null);
        }
    }

    @Override
    public void close() {
        if (signal != null) {
            sun.misc.Signal.handle(signal, previous);
        }
    }
}
