package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.IcmpSocket;
import io.netdiag.output.PingRenderer;
import io.netdiag.ping.Ping;
import io.netdiag.ping.PingRequest;
import io.netdiag.ping.PingSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code netdiag ping}: iputils-compatible ICMP echo, and the reason when a probe fails. */
@Command(name = "ping", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Probe hosts and ports with ICMP, TCP or UDP, and say why a probe fails.",
        description = {
                "Sends ICMP echo requests (IPv4 or IPv6) and prints replies and statistics exactly as iputils ping "
                        + "does; ICMP errors for the probes are printed as iputils prints them and explained at the end. "
                        + "Opens an unprivileged ICMP datagram socket first and a raw socket when that is refused.",
                "",
                "Exit status: 0 when replies came, 1 when none came (or fewer than -c within -w), 2 on bad input, "
                        + "3 when neither kind of ICMP socket may be opened."})
final class PingCommand extends BaseCommand {
    @Parameters(paramLabel = "HOST", arity = "1..*", description = "Host name, address, or ADDRESS/PREFIX range to probe; "
            + "several targets are probed at once, with fping-style lines and a table.")
    List<String> targets;

    @Option(names = "-c", paramLabel = "COUNT", description = "Stop after COUNT replies (or errors).")
    long count;

    @Option(names = "-i", paramLabel = "INTERVAL", description = "Seconds between probes (default 1; below 0.002 only for root).")
    Double interval;

    @Option(names = "-w", paramLabel = "DEADLINE", description = "Stop after DEADLINE seconds whatever happened.")
    int deadline;

    @Option(names = "-W", paramLabel = "TIMEOUT", description = "Seconds to wait for a reply when none came (default 10).")
    Double linger;

    @Option(names = "-s", paramLabel = "SIZE", description = "ICMP data bytes (default 56).")
    int size = 56;

    @Option(names = "-t", paramLabel = "TTL", description = "IP time to live (IPv6 hop limit).")
    Integer ttl;

    @Option(names = "-M", paramLabel = "PMTUDISC", description = "Path-MTU discovery: do (set DF, never fragment), dont, or want.")
    String pmtu;

    @Option(names = "-q", description = "Quiet: print the header and the statistics only.")
    boolean quiet;

    @Option(names = "-D", description = "Print the wall-clock time before each line, as [seconds.microseconds].")
    boolean timestamps;

    @Option(names = "-O", description = "Report a probe still unanswered when the next one leaves.")
    boolean outstanding;

    @Option(names = "-f", description = "Flood: a dot per probe, a backspace per reply (root only).")
    boolean flood;

    @Option(names = "-n", description = "Numeric output: no reverse lookups.")
    boolean numeric;

    @Option(names = "-4", description = "IPv4 only.")
    boolean ipv4;

    @Option(names = "-6", description = "IPv6 only.")
    boolean ipv6;

    @Option(names = "--tcp", paramLabel = "PORT", description = "TCP connect probes of PORT: open (handshake time), "
            + "closed (RST), timeout (filtered or down), unreachable (ICMP error).")
    Integer tcp;

    @Option(names = "--udp", paramLabel = "PORT", description = "UDP probes of PORT: open (a reply), closed (ICMP port "
            + "unreachable), open|filtered (silence), unreachable.")
    Integer udp;

    @Option(names = "--mtu", description = "Path-MTU discovery: probes with DF set, sized by binary search, and who "
            + "reported \"fragmentation needed\".")
    boolean mtu;

    @Option(names = "--graph", description = "A live chart of RTT and loss per target, redrawn in place (until Ctrl-C "
            + "without -c); the statistics follow.")
    boolean graph;

    @Override
    int execute() {
        PingRequest request = request();
        if (tcp != null && udp != null) {
            throw NetdiagException.badInput("choose one of --tcp and --udp");
        }
        Integer port = tcp != null ? tcp : udp;
        boolean several = Ping.several(request);
        if (mtu) {
            if (several || port != null) {
                throw NetdiagException.badInput("--mtu takes one target and ICMP");
            }
            PingRenderer renderer = new PingRenderer(out(), err(), json(), quiet, false, false);
            AtomicBoolean interrupted = new AtomicBoolean();
            io.netdiag.ping.PathMtu.Result result;
            try (InterruptHandler ignored = InterruptHandler.install(() -> interrupted.set(true))) {
                result = Ping.mtu(request, interrupted::get);
            }
            renderer.mtu(result);
            return result.exitCode();
        }
        if (graph && json()) {
            throw NetdiagException.badInput("--graph draws on a terminal; it does not combine with --json");
        }
        PingRenderer renderer = new PingRenderer(out(), err(), json(), quiet, timestamps, flood && !several)
                .port(port == null ? 0 : port).several(several);
        io.netdiag.output.PingGraph chart = graph ? new io.netdiag.output.PingGraph(out(), TerminalWidth::columns) : null;
        io.netdiag.ping.PingListener listener = chart != null ? chart : renderer;
        AtomicBoolean interrupted = new AtomicBoolean();
        if (several) {
            List<PingSummary> summaries;
            try (InterruptHandler ignored = InterruptHandler.install(() -> interrupted.set(true))) {
                summaries = Ping.many(request, port == null ? 0 : port, udp != null, listener, interrupted::get, graph);
            }
            if (chart != null) {
                chart.draw();
            }
            renderer.table(summaries);
            return summaries.stream().allMatch(s -> s.exitCode() == 0) ? 0 : 1;
        }
        PingSummary summary;
        try (InterruptHandler ignored = InterruptHandler.install(() -> interrupted.set(true))) {
            summary = port == null ? Ping.icmp(request, listener, interrupted::get)
                    : Ping.port(request, udp != null, port, listener, interrupted::get);
        }
        if (chart != null) {
            chart.draw();
        }
        renderer.summary(summary);
        return summary.exitCode();
    }

    private PingRequest request() {
        if (ipv4 && ipv6) {
            throw NetdiagException.badInput("only one -4 or -6 option may be specified");
        }
        if (count < 0 || (count == 0 && commandSpecHas("-c"))) {
            throw NetdiagException.badInput("invalid argument: '" + count + "': out of range: 1 <= value <= 9223372036854775807");
        }
        if (interval != null && (interval.isNaN() || interval < 0 || interval > Integer.MAX_VALUE / 1000.0)) {
            throw NetdiagException.badInput("bad timing interval: " + interval);
        }
        if (linger != null && (linger.isNaN() || linger < 0 || linger > Integer.MAX_VALUE / 1000.0)) {
            throw NetdiagException.badInput("bad linger time: " + linger);
        }
        if (size < 0) {
            throw NetdiagException.badInput("invalid argument: '" + size + "': out of range: 0 <= value <= 2147483647");
        }
        if (ttl != null && (ttl < 0 || ttl > 255)) {
            throw NetdiagException.badInput("invalid argument: '" + ttl + "': out of range: 0 <= value <= 255");
        }
        if (deadline < 0) {
            throw NetdiagException.badInput("invalid argument: '" + deadline + "': out of range: 0 <= value <= 2147483647");
        }
        int pmtuMode = pmtu == null ? -1 : switch (pmtu) {
            case "do" -> IcmpSocket.PMTUDISC_DO;
            case "dont" -> IcmpSocket.PMTUDISC_DONT;
            case "want" -> IcmpSocket.PMTUDISC_WANT;
            default -> throw NetdiagException.badInput("invalid -M argument: " + pmtu);
        };
        int intervalMillis = interval != null ? (int) (interval * 1000) : flood ? 0 : 1000;
        return new PingRequest(targets, ipv4 ? 4 : ipv6 ? 6 : 0, count, intervalMillis, deadline,
                linger != null ? (int) (linger * 1000) : PingRequest.DEFAULT_LINGER_MILLIS, size, ttl == null ? -1 : ttl, pmtuMode,
                quiet, timestamps, outstanding, flood, numeric || flood);
    }

    private boolean commandSpecHas(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }
}
