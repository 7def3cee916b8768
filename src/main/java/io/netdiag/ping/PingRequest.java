package io.netdiag.ping;

import java.util.List;

/**
 * What the user asked {@code netdiag ping} to do, with iputils' units: milliseconds for the interval
 * and linger time, whole seconds for the deadline.
 *
 * @param targets        host names, addresses or CIDR ranges, as written
 * @param family         0 either, 4 or 6
 * @param count          stop after this many replies (0: until interrupted)
 * @param intervalMillis gap between probes; 0 with {@code flood} sends as replies come back
 * @param deadlineSeconds stop after this many seconds whatever happened (0: none)
 * @param lingerMillis   how long to wait for a reply when none came (-W)
 * @param dataLength     ICMP data bytes (-s)
 * @param ttl            TTL or hop limit (-t), -1 for the system default
 * @param pmtuDiscovery  -M: IcmpSocket.PMTUDISC_DO/_DONT/_WANT, -1 for the default
 * @param quiet          -q: only the header and the summary
 * @param timestamps     -D: prefix lines with [epoch seconds]
 * @param outstanding    -O: report probes still unanswered when the next leaves
 * @param flood          -f: dots for probes, backspaces for replies
 * @param numeric        -n: no reverse lookups
 */
public record PingRequest(
        List<String> targets,
        int family,
        long count,
        int intervalMillis,
        int deadlineSeconds,
        int lingerMillis,
        int dataLength,
        int ttl,
        int pmtuDiscovery,
        boolean quiet,
        boolean timestamps,
        boolean outstanding,
        boolean flood,
        boolean numeric) {

    /** iputils' MINUSERINTERVAL: the shortest interval for users other than root, in milliseconds. */
    public static final int MIN_USER_INTERVAL_MILLIS = 2;
    /** iputils' MAXWAIT: seconds to wait for a reply when none came, without -W. */
    public static final int DEFAULT_LINGER_MILLIS = 10_000;

    public PingRequest {
        targets = List.copyOf(targets);
    }
}
