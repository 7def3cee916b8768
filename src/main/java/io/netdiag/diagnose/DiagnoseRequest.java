package io.netdiag.diagnose;

/**
 * What {@code netdiag diagnose} was asked.
 *
 * @param target        the parsed target
 * @param family        0 any, 4 or 6: as a client restricted to one family would resolve
 * @param timeoutMillis the most any one step may take (the whole run takes at most three times this)
 * @param server        inspect this host's listeners, queues and firewall even when the target is not local
 * @param tls           after connecting, send a TLS ClientHello and report the answer
 * @param capture       capture the attempt on the route's interface (needs capture rights)
 */
public record DiagnoseRequest(Target target, int family, int timeoutMillis, boolean server, boolean tls, boolean capture) {
    public static final int DEFAULT_TIMEOUT_MILLIS = 10_000;
}
