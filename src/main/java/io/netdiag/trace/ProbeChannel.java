package io.netdiag.trace;

import io.netdiag.os.ErrnoException;

import java.net.InetAddress;

/**
 * Sends TTL-limited probes of one kind and reads what comes back, naming each answer by the probe's id
 * as found in the reply or in the header an ICMP error quotes. One thread uses it.
 */
interface ProbeChannel extends AutoCloseable {
    /** raw, or datagram (unprivileged ICMP sockets or UDP sockets with the error queue). */
    String kind();

    /** The address probes leave from (for checksums and -I), or null when the kernel picks it. */
    InetAddress source();

    /**
     * Sends probe {@code id} (1..65535) with the TTL / hop limit and IP packet size given, on flow
     * {@code flow}; returns the wall-clock send time in epoch nanoseconds.
     */
    long send(int id, int ttl, int flow, int size) throws ErrnoException;

    /** Waits up to {@code millis} for something to read. */
    void await(int millis) throws ErrnoException;

    /** Reads everything that is waiting and hands each answer that names one of our probes to {@code sink}. */
    void drain(Sink sink) throws ErrnoException;

    /** Switches DF on (path-MTU probing, --mtu). */
    void dontFragment() throws ErrnoException;

    @Override
    void close();

    /** Receives matched answers. */
    interface Sink {
        /**
         * @param id               the probe's id
         * @param from             who answered
         * @param answer           what the answer means
         * @param type             ICMP type, or -1 when the answer was not ICMP (TCP SYN-ACK/RST, UDP data)
         * @param code             ICMP code, or -1
         * @param info             the MTU of a "too big" error, else 0
         * @param kernelEpochNanos the kernel's receive time, or -1 when unknown
         */
        void answer(int id, InetAddress from, Answer answer, int type, int code, long info, long kernelEpochNanos);
    }
}
