package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import io.netdiag.output.Json;
import io.netdiag.sockets.FilterExpression;
import io.netdiag.sockets.KernelCounters;
import io.netdiag.sockets.NameResolver;
import io.netdiag.sockets.Netid;
import io.netdiag.sockets.QueueDiagnosis;
import io.netdiag.sockets.SocketEntry;
import io.netdiag.sockets.SocketFilter;
import io.netdiag.sockets.SocketInventory;
import io.netdiag.sockets.SocketQuery;
import io.netdiag.sockets.SocketRows;
import io.netdiag.sockets.SocketState;
import io.netdiag.sockets.SocketSummary;
import io.netdiag.sockets.SocketsJson;
import io.netdiag.sockets.Source;
import io.netdiag.sockets.SummaryText;
import io.netdiag.sockets.DiagnosisText;
import io.netdiag.sockets.WatchView;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code netdiag sockets}: ss-style socket listing, summary, stuck-queue diagnosis and a live view. */
final class SocketsCommand extends BaseCommand {
    boolean tcp;
    boolean udp;
    boolean unix;
    boolean raw;
    boolean packet;
    boolean ipv4;
    boolean ipv6;
    boolean listening;
    boolean all;
    boolean numeric;
    boolean resolve;
    boolean processes;
    boolean extended;

    boolean timers;
    boolean info;
    boolean memory;
    boolean summary;
    List<String> states = new ArrayList<>();
    Integer port;
    boolean noHeader;
    String source;
    boolean diagnose;
    int samples;
    double interval;
    Double watch;
    Integer count;
    List<String> filter = new ArrayList<>();

    @Override
    Declare declare() {
        return Declare.command(this, "sockets")
                .header("List sockets with their queues and owners, and find the stuck ones.")
                .description(
                        "Lists TCP, UDP, raw, UNIX, netlink and packet sockets with state, Recv-Q, Send-Q, local and peer address and "
                                + "(with -p) the owning process, the way ss(8) prints them, read through netlink sock_diag as "
                                + "ss reads them (with a /proc/net fallback when netlink is refused).",
                        "",
                        "Without -a or -l only connected sockets are shown, as with ss. --diagnose samples the queues "
                                + "more than once and says which socket is stuck and who is not reading; --watch refreshes "
                                + "in place and highlights what changed.")
                .declaredOrder()
                .exitCodes(" 0:listed (or, with --diagnose, nothing stuck)", " 1:--diagnose found a stuck queue",
                        " 2:bad option, state or filter expression", " 3:netlink refused with --source netlink, or /proc unreadable")
                .flag("-t, --tcp", v -> tcp = v, "TCP sockets.")
                .flag("-u, --udp", v -> udp = v, "UDP sockets.")
                .flag("-x, --unix", v -> unix = v, "UNIX domain sockets (stream, datagram, seqpacket).")
                .flag("-w, --raw", v -> raw = v, "Raw sockets.")
                .flag("-0, --packet", v -> packet = v, "Packet sockets (AF_PACKET, as tcpdump and DHCP clients open).")
                .flag("-4, --ipv4", v -> ipv4 = v, "Only IPv4 sockets.")
                .flag("-6, --ipv6", v -> ipv6 = v, "Only IPv6 sockets.")
                .flag("-l, --listening", v -> listening = v,
                        "Only listening sockets (and unconnected datagram sockets).")
                .flag("-a, --all", v -> all = v, "Sockets in every state, listening ones included.")
                .flag("-n, --numeric", v -> numeric = v, "Numeric addresses and ports (the default).")
                .flag("-r, --resolve", v -> resolve = v, "Resolve addresses to host names and ports to services.")
                .flag("-p, --processes", v -> processes = v,
                        "Show the processes holding each socket (reads /proc/PID/fd once).")
                .flag("-e, --extended", v -> extended = v, "Add uid, inode, socket cookie, cgroup, v6only and shutdown state.")
                .flag("-o, --options", v -> timers = v,
                        "Add TCP timers as ss -o shows them: timer:(on|keepalive|timewait|persist,TIME,RETRANSMITS).")
                .flag("-i, --info", v -> info = v,
                        "Add TCP sockets' tcp_info (rtt, cwnd, retransmits, windows...) on a second line, as ss -i (with "
                                + "-o or -e the options negotiated too; rates unscaled unless -r, as ss -n).")
                .flag("-m, --memory", v -> memory = v, "Add socket memory (skmem) on a second line, as ss -m.")
                .flag("-s, --summary", v -> summary = v,
                        "Counts by kind and state, and the kernel counters that explain queue trouble.")
                .repeatable("--state", "STATE", v -> states = v,
                        "Only sockets in this state (repeatable, case-insensitive): established, syn-sent, syn-recv, "
                                + "fin-wait-1, fin-wait-2, time-wait, closed, close-wait, last-ack, listening, closing, or a group: "
                                + "all, connected, synchronized, bucket, big.")
                .option("--port", "N", Accept.port(true), v -> port = v, "Only sockets whose local or peer port is N.")
                .flag("-H, --no-header", v -> noHeader = v, "Do not print the header line.")
                .option("--source", "SOURCE", String.class, v -> source = v, o -> o.defaultValue("auto"),
                        "Where to read sockets: auto (netlink, /proc where refused), netlink, proc. Default: ${DEFAULT-VALUE}.")
                .flag("--diagnose", v -> diagnose = v,
                        "Sample the queues and report stuck ones: who is not reading, full accept queues.")
                .option("--samples", "N", Accept.whole(2, 100_000), v -> samples = v, o -> o.defaultValue("3"),
                        "Samples for --diagnose (at least 2, to tell a stuck queue from a busy one). Default: ${DEFAULT-VALUE}.")
                .option("--interval", "SECONDS", Accept.seconds(0, Accept.MOST_SECONDS), v -> interval = v, o -> o.defaultValue("1"),
                        "Time between --diagnose samples. Default: ${DEFAULT-VALUE}.")
                .option("--watch", "SECONDS", Accept.seconds(0.1, Accept.MOST_SECONDS), v -> watch = v,
                        o -> o.arity("0..1").fallbackValue("2"),
                        "Refresh every SECONDS (default 2) until interrupted: in place on a terminal, highlighting new, "
                                + "closed and changed rows; repeated listings otherwise.")
                .option("--count", "N", Accept.whole(1, Integer.MAX_VALUE), v -> count = v, "With --watch: stop after N refreshes.")
                .positionals("FILTER", "0..*", v -> filter = v,
                        "An ss filter: [state STATE]... [exclude STATE]... then an expression such as "
                                + "'dport = :443 and dst 10.0.0.0/8' (sport, dport, src, dst; and, or, not; parentheses).");
    }

    @Override
    int execute() throws Exception {
        SocketQuery query = query();
        if (watch != null) {
            return WatchView.run(query, layout(query), summary, watch, count, json(), Terminals.interactive(), out());
        }
        if (diagnose) {
            QueueDiagnosis.Result result = QueueDiagnosis.run(query, samples, (long) (interval * 1000));
            out().print(json() ? Json.pretty(result) + "\n" : DiagnosisText.render(result));
            out().flush();
            return result.findings().isEmpty() ? ExitCodes.OK : ExitCodes.NEGATIVE;
        }
        if (summary) {
            // the kernel's tables first, as ss -s reads them: before netdiag's own netlink sockets count in them
            KernelCounters kernel = KernelCounters.read();
            SocketSummary.Counter counter = new SocketSummary.Counter();
            SocketInventory.Report report = SocketInventory.stream(query, counter::add);
            SocketSummary s = counter.finish(report.sourceName(), kernel, null);
            out().print(json() ? Json.pretty(s) + "\n" : SummaryText.render(s, false));
            out().flush();
            notes(report);
            return ExitCodes.OK;
        }
        if (json()) {
            SocketsJson writer = new SocketsJson(out());
            SocketInventory.Report report = SocketInventory.stream(query, writer::add);
            writer.finish(report, processes);
            return ExitCodes.OK;
        }
        SocketRows rows = new SocketRows(layout(query));
        SocketInventory.Report report = SocketInventory.stream(query, rows);
        if (out() instanceof ProcessOutput stdout) {
            // the rows are UTF-8 bytes already: straight to the stream, no encoder per character
            stdout.flush();
            rows.print(stdout.stream());
        } else {
            rows.print(out());
        }
        notes(report);
        return ExitCodes.OK;
    }

    /** Fallbacks and hidden owners go to stderr, so that the listing itself stays what ss prints. */
    private void notes(SocketInventory.Report report) {
        if (report.sources().contains(Source.PROC)) {
            for (String note : report.notes()) {
                err().println("netdiag sockets: " + note);
            }
        }
        if (processes && !report.ownersComplete()) {
            err().println("netdiag sockets: owners of other users' sockets are hidden (their /proc/PID/fd is unreadable); "
                    + "run as root to see every process");
        }
        err().flush();
    }

    SocketRows.Layout layout(SocketQuery query) {
        boolean oneKind = query.netids().size() == 1; // ss drops Netid when one protocol is asked for
        boolean oneState = query.states().size() == 1
                || (query.states().size() == 2 && query.states().contains(SocketState.SYN_RECV)
                && query.states().contains(SocketState.NEW_SYN_RECV));
        return new SocketRows.Layout(!oneKind, !oneState, extended, info || memory, !noHeader,
                resolve ? new NameResolver() : null, timers || extended, // ss -e implies -o
                new SocketRows.Details(memory, info));
    }

    SocketQuery query() {
        Set<Netid> kinds = EnumSet.noneOf(Netid.class);
        if (tcp) {
            kinds.add(Netid.TCP);
        }
        if (udp) {
            kinds.add(Netid.UDP);
        }
        if (raw) {
            kinds.add(Netid.RAW);
        }
        if (unix) {
            kinds.addAll(EnumSet.of(Netid.UNIX_STREAM, Netid.UNIX_DGRAM, Netid.UNIX_SEQPACKET));
        }
        if (packet) {
            kinds.addAll(EnumSet.of(Netid.PACKET_RAW, Netid.PACKET_DGRAM));
        }
        Set<SocketEntry.Family> families = EnumSet.allOf(SocketEntry.Family.class);
        if (ipv4 || ipv6) {
            families = EnumSet.noneOf(SocketEntry.Family.class);
            if (ipv4) {
                families.add(SocketEntry.Family.INET);
            }
            if (ipv6) {
                families.add(SocketEntry.Family.INET6);
            }
            if (kinds.isEmpty()) {
                kinds.addAll(EnumSet.of(Netid.TCP, Netid.UDP, Netid.RAW));
            }
        }
        if (kinds.isEmpty()) {
            kinds.addAll(EnumSet.allOf(Netid.class));
        }

        // ss's positional grammar: "state X" and "exclude X" words first, then the expression
        List<String> words = new ArrayList<>(filter);
        Set<SocketState> wanted = EnumSet.noneOf(SocketState.class);
        Set<SocketState> excluded = EnumSet.noneOf(SocketState.class);
        for (String s : states) {
            wanted.addAll(parseState(s));
        }
        while (words.size() >= 2) {
            String w = words.getFirst().toLowerCase(Locale.ROOT);
            if (w.equals("state")) {
                wanted.addAll(parseState(words.get(1)));
            } else if (w.equals("exclude") || w.equals("excl")) {
                excluded.addAll(parseState(words.get(1)));
            } else {
                break;
            }
            words.subList(0, 2).clear();
        }
        Set<SocketState> chosen;
        if (!wanted.isEmpty()) {
            chosen = wanted;
        } else if (all || (diagnose || summary) && !listening) {
            chosen = SocketState.all();
        } else if (listening) {
            chosen = EnumSet.of(SocketState.LISTEN, SocketState.CLOSE);
        } else {
            chosen = SocketState.connectedByDefault();
        }
        chosen.removeAll(excluded);

        SocketFilter f = FilterExpression.parse(String.join(" ", words));
        if (port != null) {
            f = f.and(SocketFilter.anyPort(port));
        }
        Source from = switch (source.toLowerCase(Locale.ROOT)) {
            case "auto" -> Source.AUTO;
            case "netlink" -> Source.NETLINK;
            case "proc" -> Source.PROC;
            default -> throw NetdiagException.badInput("--source must be auto, netlink or proc, not '" + source + "'");
        };
        return new SocketQuery(kinds, families, chosen, f, info || memory || diagnose, processes, from);
    }

    private static Set<SocketState> parseState(String word) {
        try {
            return SocketState.parseFilter(word);
        } catch (IllegalArgumentException e) {
            throw NetdiagException.badInput(e.getMessage());
        }
    }
}
