package io.netdiag.diagnose;

/** Hears each step start and end, so that a terminal can show progress; engines never print. */
public interface StepListener {
    StepListener NONE = new StepListener() {
    };

    /** {@code name} starts, with a few words on what it does. */
    default void started(String name, String doing) {
    }

    default void finished(Step step) {
    }
}
