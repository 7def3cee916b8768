package io.netdiag.sockets;

import io.netdiag.os.ProcFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's protocol counters that explain queue trouble, from /proc/net/netstat and /proc/net/snmp
 * (header/value line pairs such as {@code TcpExt: SyncookiesSent ... ListenOverflows ...}). Counters are
 * per network namespace and count since boot.
 */
public final class KernelCounters {
    /** One counter with what it means for a socket program. */
    public record Counter(String group, String name, long value, String meaning) {
    }

    /** The counters shown by {@code --summary}, in order, with a one-line meaning each. */
    static final List<String[]> EXPLAINED = List.of(
            new String[] {"TcpExt", "ListenOverflows", "connections dropped because a listener's accept queue was full (the application is not calling accept() fast enough)"},
            new String[] {"TcpExt", "ListenDrops", "SYNs or handshakes dropped at a listener for any reason (includes ListenOverflows)"},
            new String[] {"TcpExt", "TCPBacklogDrop", "segments dropped because the socket backlog was full while the application held the socket lock"},
            new String[] {"TcpExt", "TCPRcvQDrop", "segments dropped because the receive queue exceeded the receive buffer (the application is not reading)"},
            new String[] {"TcpExt", "TCPZeroWindowDrop", "segments dropped because this host advertised a zero window (its receiver is not reading)"},
            new String[] {"TcpExt", "TCPTimeouts", "retransmission timeouts: a sent segment went unacknowledged for a whole RTO"},
            new String[] {"TcpExt", "TCPAbortOnTimeout", "connections aborted after too many retransmission timeouts"},
            new String[] {"TcpExt", "TCPAbortOnMemory", "connections aborted because TCP ran out of socket memory"},
            new String[] {"TcpExt", "PruneCalled", "receive queues pruned for lack of memory (the application is reading too slowly)"},
            new String[] {"TcpExt", "TCPFromZeroWindowAdv", "times this host reopened a window it had closed to zero"},
            new String[] {"TcpExt", "TCPToZeroWindowAdv", "times this host closed its receive window to zero"},
            new String[] {"Tcp", "RetransSegs", "TCP segments retransmitted"},
            new String[] {"Tcp", "AttemptFails", "connection attempts that failed (refused, reset or timed out during the handshake)"},
            new String[] {"Tcp", "EstabResets", "established connections reset"},
            new String[] {"Tcp", "OutRsts", "resets sent (connections refused or aborted by this host)"},
            new String[] {"Tcp", "InErrs", "TCP segments received with errors (bad checksum, malformed)"},
            new String[] {"Udp", "RcvbufErrors", "UDP datagrams dropped because the receive buffer was full (the application is not reading)"},
            new String[] {"Udp", "SndbufErrors", "UDP datagrams not sent because the send buffer was full"},
            new String[] {"Udp", "InErrors", "UDP datagrams received and dropped (includes RcvbufErrors and checksum errors)"},
            new String[] {"Udp", "NoPorts", "UDP datagrams to a port nobody listens on (answered with ICMP port unreachable)"});

    private final Map<String, Long> values;
    private final List<SocketSummary.TableLine> tables;

    private KernelCounters(Map<String, Long> values, List<SocketSummary.TableLine> tables) {
        this.values = values;
        this.tables = tables;
    }

    public static KernelCounters read() {
        io.netdiag.os.Platform.requireLinux("kernel socket counters");
        return read(Path.of("/proc/net"));
    }

    static KernelCounters read(Path dir) {
        Map<String, Long> values = new HashMap<>();
        for (String file : List.of("netstat", "snmp")) {
            try {
                parse(ProcFiles.read(dir.resolve(file)), values);
            } catch (IOException e) {
                // a container without these files: the counters are just absent
            }
        }
        List<SocketSummary.TableLine> tables = new ArrayList<>();
        for (String file : List.of("sockstat", "sockstat6")) {
            try {
                tables.addAll(parseSockstat(ProcFiles.read(dir.resolve(file))));
            } catch (IOException e) {
                // no IPv6, or no /proc/net: nothing to show
            }
        }
        return new KernelCounters(values, tables);
    }

    /** {@code PROTO: name value name value ...} lines; ss -s prints these. */
    static List<SocketSummary.TableLine> parseSockstat(String text) {
        List<SocketSummary.TableLine> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            Map<String, Long> pairs = new java.util.LinkedHashMap<>();
            for (int i = 0; i + 1 < f.length; i += 2) {
                try {
                    pairs.put(f[i], Long.parseLong(f[i + 1]));
                } catch (NumberFormatException e) {
                    // skip
                }
            }
            out.add(new SocketSummary.TableLine(line.substring(0, colon).trim(), pairs));
        }
        return out;
    }

    /** The kernel's socket table lines, IPv4 then IPv6. */
    public List<SocketSummary.TableLine> tables() {
        return tables;
    }

    static void parse(String text, Map<String, Long> into) {
        String[] lines = text.split("\n");
        for (int i = 0; i + 1 < lines.length; i += 2) {
            String[] names = lines[i].trim().split("\\s+");
            String[] numbers = lines[i + 1].trim().split("\\s+");
            if (names.length != numbers.length || !names[0].equals(numbers[0]) || !names[0].endsWith(":")) {
                continue;
            }
            String group = names[0].substring(0, names[0].length() - 1);
            for (int k = 1; k < names.length; k++) {
                try {
                    into.put(group + "." + names[k], Long.parseLong(numbers[k]));
                } catch (NumberFormatException e) {
                    // skip odd values
                }
            }
        }
    }

    /** A counter's value, or -1 when this kernel does not have it. */
    public long get(String group, String name) {
        return values.getOrDefault(group + "." + name, -1L);
    }

    /** The explained counters this kernel has, in display order. */
    public List<Counter> explained() {
        List<Counter> out = new ArrayList<>();
        for (String[] c : EXPLAINED) {
            long v = get(c[0], c[1]);
            if (v >= 0) {
                out.add(new Counter(c[0], c[1], v, c[2]));
            }
        }
        return out;
    }
}
