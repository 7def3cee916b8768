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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code netdiag sockets}: ss-style socket listing, summary, stuck-queue diagnosis and a live view. */
@Command(name = "sockets", mixinStandardHelpOptions = true, sortOptions = false,
        header = "List sockets with their queues and owners, and find the stuck ones.",
        description = {
                "Lists TCP, UDP, raw and UNIX sockets with state, Recv-Q, Send-Q, local and peer address and "
                        + "(with -p) the owning process, the way ss(8) prints them, read through netlink sock_diag as "
                        + "ss reads them (with a /proc/net fallback when netlink is refused).",
                "",
                "Without -a or -l only connected sockets are shown, as with ss. --diagnose samples the queues "
                        + "more than once and says which socket is stuck and who is not reading; --watch refreshes "
                        + "in place and highlights what changed."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {" 0:listed (or, with --diagnose, nothing stuck)", " 1:--diagnose found a stuck queue",
                " 2:bad option, state or filter expression", " 3:netlink refused with --source netlink, or /proc unreadable"})
final class SocketsCommand extends BaseCommand {
    @Option(names = {"-t", "--tcp"}, description = "TCP sockets.")
    boolean tcp;
    @Option(names = {"-u", "--udp"}, description = "UDP sockets.")
    boolean udp;
    @Option(names = {"-x", "--unix"}, description = "UNIX domain sockets (stream, datagram, seqpacket).")
    boolean unix;
    @Option(names = {"-w", "--raw"}, description = "Raw sockets.")
    boolean raw;
    @Option(names = {"-4", "--ipv4"}, description = "Only IPv4 sockets.")
    boolean ipv4;
    @Option(names = {"-6", "--ipv6"}, description = "Only IPv6 sockets.")
    boolean ipv6;
    @Option(names = {"-l", "--listening"}, description = "Only listening sockets (and unconnected datagram sockets).")
    boolean listening;
    @Option(names = {"-a", "--all"}, description = "Sockets in every state, listening ones included.")
    boolean all;
    @Option(names = {"-n", "--numeric"}, description = "Numeric addresses and ports (the default).")
    boolean numeric;
    @Option(names = {"-r", "--resolve"}, description = "Resolve addresses to host names and ports to services.")
    boolean resolve;
    @Option(names = {"-p", "--processes"}, description = "Show the processes holding each socket (reads /proc/PID/fd once).")
    boolean processes;
    @Option(names = {"-e", "--extended"}, description = "Add uid, inode, socket cookie, v6only and shutdown state.")
    boolean extended;
    @Option(names = {"-i", "--info"}, description = "Add tcp_info (rtt, cwnd, retransmits, windows...) and socket memory.")
    boolean info;
    @Option(names = {"-m", "--memory"}, description = "Add socket memory (skmem), as ss -m.")
    boolean memory;
    @Option(names = {"-s", "--summary"}, description = "Counts by kind and state, and the kernel counters that explain queue trouble.")
    boolean summary;
    @Option(names = "--state", paramLabel = "STATE",
            description = "Only sockets in this state (repeatable, case-insensitive): established, syn-sent, syn-recv, "
                    + "fin-wait-1, fin-wait-2, time-wait, closed, close-wait, last-ack, listening, closing, or a group: "
                    + "all, connected, synchronized, bucket, big.")
    List<String> states = new ArrayList<>();
    @Option(names = "--port", paramLabel = "N", description = "Only sockets whose local or peer port is N.")
    Integer port;
    @Option(names = {"-H", "--no-header"}, description = "Do not print the header line.")
    boolean noHeader;
    @Option(names = "--source", paramLabel = "SOURCE", defaultValue = "auto",
            description = "Where to read sockets: auto (netlink, /proc where refused), netlink, proc. Default: ${DEFAULT-VALUE}.")
    String source;
    @Option(names = "--diagnose", description = "Sample the queues and report stuck ones: who is not reading, full accept queues.")
    boolean diagnose;
    @Option(names = "--samples", paramLabel = "N", defaultValue = "3", description = "Samples for --diagnose (at least 2). Default: ${DEFAULT-VALUE}.")
    int samples;
    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Time between --diagnose samples. Default: ${DEFAULT-VALUE}.")
    double interval;
    @Option(names = "--watch", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "2",
            description = "Refresh every SECONDS (default 2) until interrupted: in place on a terminal, highlighting new, "
                    + "closed and changed rows; repeated listings otherwise.")
    Double watch;
    @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N refreshes.")
    Integer count;
    @Parameters(paramLabel = "FILTER", arity = "0..*",
            description = "An ss filter: [state STATE]... [exclude STATE]... then an expression such as "
                    + "'dport = :443 and dst 10.0.0.0/8' (sport, dport, src, dst; and, or, not; parentheses).")
    List<String> filter = new ArrayList<>();

    @Override
    int execute() throws Exception {
        SocketQuery query = query();
        if (watch != null) {
            return WatchView.run(query, layout(query), summary, watch, count, json(), Terminals.interactive(), out());
        }
        if (diagnose) {
            if (samples < 2) {
                throw NetdiagException.badInput("--samples must be at least 2 to tell a stuck queue from a busy one");
            }
            QueueDiagnosis.Result result = QueueDiagnosis.run(query, samples, (long) (interval * 1000));
            out().print(json() ? Json.pretty(result) + "\n" : DiagnosisText.render(result));
            out().flush();
            return result.findings().isEmpty() ? ExitCodes.OK : ExitCodes.NEGATIVE;
        }
        if (summary) {
            SocketSummary.Counter counter = new SocketSummary.Counter();
            SocketInventory.Report report = SocketInventory.stream(query, counter::add);
            SocketSummary s = counter.finish(report.sourceName(), KernelCounters.read(), null);
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
        SocketInventory.Report report = SocketInventory.stream(query, rows::add);
        rows.print(out());
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
                resolve ? new NameResolver() : null);
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
            if (port < 0 || port > 65535) {
                throw NetdiagException.badInput("--port " + port + " is out of range 0-65535");
            }
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
