package io.netdiag.exporter;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the configured probes continuously, each on its own thread at its own interval (a run that takes
 * longer than the interval is followed by the next at once, never overlapped), recording into {@link ProbeMetrics}.
 */
final class ProbeScheduler implements AutoCloseable {
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;

    ProbeScheduler(List<ProbeSpec> probes, ProbeMetrics metrics) {
        int i = 0;
        for (ProbeSpec spec : probes) {
            threads.add(Thread.ofPlatform().daemon().name("netdiag-probe-" + (i++)).unstarted(() -> loop(spec, metrics)));
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    private void loop(ProbeSpec spec, ProbeMetrics metrics) {
        while (!stopped) {
            long started = System.nanoTime();
            ProbeOutcome outcome = ProbeRunner.run(spec, 1, spec.timeoutMillis(), () -> stopped);
            if (stopped) {
                return;
            }
            metrics.record(spec, outcome);
            long sleep = spec.intervalMillis() - (System.nanoTime() - started) / 1_000_000;
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        threads.forEach(Thread::interrupt);
    }
}
