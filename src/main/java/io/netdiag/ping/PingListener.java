package io.netdiag.ping;

/** Receives the events of a run as they happen; the renderer implements it. Engines never print. */
@FunctionalInterface
public interface PingListener {
    void on(PingEvent event);
}
