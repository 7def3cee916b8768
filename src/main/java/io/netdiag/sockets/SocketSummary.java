package io.netdiag.sockets;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --summary}: how many sockets of each kind in each state, and the kernel counters that explain
 * queue trouble (with their change since the previous sample in watch mode).
 *
 * @param source   where the sockets were read
 * @param total    all sockets counted
 * @param kinds    one row per socket kind
 * @param counters the explained kernel counters, with deltas (0 on the first sample)
 * @param tables   the kernel's own socket table counts (/proc/net/sockstat and sockstat6), as ss -s reads them:
 *                 one line per protocol, such as TCP with inuse, orphan, tw, alloc and mem (pages)
 * @param tcpEstablished the kernel's count of established TCP connections (Tcp CurrEstab in /proc/net/snmp, all
 *                 namespaces' view of this one), which ss -s prints as "estab"; -1 when unknown
 */
public record SocketSummary(String source, long total, List<KindCount> kinds, List<CounterSample> counters,
                            List<TableLine> tables, long tcpEstablished) {

    /** A count from {@link #tables()} ({@code table("TCP", "inuse")}), 0 when absent, as ss reads a missing one. */
    public long table(String protocol, String name) {
        for (TableLine line : tables) {
            if (line.protocol().equals(protocol)) {
                return line.values().getOrDefault(name, 0L);
            }
        }
        return 0;
    }

    /** One /proc/net/sockstat line: {@code TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 41}. */
    public record TableLine(String protocol, Map<String, Long> values) {
    }

    /** Counts for one kind of socket; {@code states} maps ss state names (ESTAB, LISTEN...) to counts. */
    public record KindCount(String netid, long total, long ipv4, long ipv6, Map<String, Long> states) {
    }

    /** A counter's value and change since the previous sample. */
    public record CounterSample(String group, String name, long value, long delta, String meaning) {
    }

    /** Counts sockets as they stream by. */
    public static final class Counter {
        private final Map<Netid, long[]> families = new EnumMap<>(Netid.class);
        private final Map<Netid, Map<String, Long>> states = new EnumMap<>(Netid.class);
        private long total;

        public void add(SocketEntry e) {
            total++;
            long[] f = families.computeIfAbsent(e.netid(), k -> new long[3]);
            f[0]++;
            if (e.family() == SocketEntry.Family.INET) {
                f[1]++;
            } else if (e.family() == SocketEntry.Family.INET6) {
                f[2]++;
            }
            states.computeIfAbsent(e.netid(), k -> new java.util.TreeMap<>()).merge(e.state().ssName(), 1L, Long::sum);
        }

        public SocketSummary finish(String source, KernelCounters now, KernelCounters before) {
            List<KindCount> kinds = new ArrayList<>();
            for (Netid id : Netid.values()) {
                long[] f = families.get(id);
                if (f != null) {
                    // sorted by state name, so that JSON objects come out the same on every run
                    kinds.add(new KindCount(id.ssName(), f[0], f[1], f[2],
                            java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(states.get(id)))));
                }
            }
            List<CounterSample> counters = new ArrayList<>();
            for (KernelCounters.Counter c : now.explained()) {
                long previous = before == null ? -1 : before.get(c.group(), c.name());
                counters.add(new CounterSample(c.group(), c.name(), c.value(), previous < 0 ? 0 : c.value() - previous, c.meaning()));
            }
            return new SocketSummary(source, total, kinds, counters, now.tables(), now.get("Tcp", "CurrEstab"));
        }
    }
}
