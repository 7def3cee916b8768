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
 * @param source         -I: the device or local address probes leave from, or null
 * @param pattern        -p: up to 16 bytes repeated through the data (the timestamp overwrites the first 16), or
 *                       null for iputils' 0, 1, 2, ...
 * @param preload        -l: probes sent at once before the interval paces the rest (1: none extra)
 * @param broadcast      -b: an IPv4 broadcast address may be pinged (SO_BROADCAST); replies after the first to a
 *                       probe count as duplicates
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
        boolean numeric,
        Source source,
        byte[] pattern,
        int preload,
        boolean broadcast) {

    /** iputils' MINUSERINTERVAL: the shortest interval for users other than root, in milliseconds. */
    public static final int MIN_USER_INTERVAL_MILLIS = 2;
    /** iputils' MAXWAIT: seconds to wait for a reply when none came, without -W. */
    public static final int DEFAULT_LINGER_MILLIS = 10_000;

    /** iputils' MAX_DUP_CHK: the largest -l. */
    public static final int MAX_PRELOAD = 0x10000;
    /**
     * The largest -s netdiag takes. The kernel refuses anything above 65507 data bytes (IPv4) or 65527 (IPv6) with
     * EMSGSIZE, which ping reports as iputils does; iputils takes up to 2^31-1 and allocates it, this stops at 1 MiB.
     */
    public static final int MAX_DATA_LENGTH = 1 << 20;
    /** The largest -l for users other than root, as iputils allows. */
    public static final int MAX_USER_PRELOAD = 3;

    public PingRequest {
        targets = List.copyOf(targets);
        pattern = pattern == null ? null : pattern.clone();
        if (preload < 1) {
            throw new IllegalArgumentException("preload " + preload);
        }
    }

    /** The request without -I, -p and -l. */
    public PingRequest(List<String> targets, int family, long count, int intervalMillis, int deadlineSeconds, int lingerMillis,
                       int dataLength, int ttl, int pmtuDiscovery, boolean quiet, boolean timestamps, boolean outstanding,
                       boolean flood, boolean numeric) {
        this(targets, family, count, intervalMillis, deadlineSeconds, lingerMillis, dataLength, ttl, pmtuDiscovery, quiet,
                timestamps, outstanding, flood, numeric, null, null, 1, false);
    }

    /** A copy that sends {@code count} probes. */
    public PingRequest withCount(long count) {
        return new PingRequest(targets, family, count, intervalMillis, deadlineSeconds, lingerMillis, dataLength, ttl,
                pmtuDiscovery, quiet, timestamps, outstanding, flood, numeric, source, pattern, preload, broadcast);
    }

    @Override
    public byte[] pattern() {
        return pattern == null ? null : pattern.clone();
    }

    /**
     * What -I named, parsed as iputils parses it: text with a colon is an IPv6 address (a {@code %DEVICE}
     * suffix names the device too), a dotted IPv4 address is an address, anything else a device name.
     *
     * @param written as the user wrote it
     * @param device  the device to tie probes to, or null
     * @param address the local address to bind, or null
     */
    public record Source(String written, String device, java.net.InetAddress address) {
    }
}
