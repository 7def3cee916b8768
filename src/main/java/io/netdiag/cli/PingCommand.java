package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.IcmpSocket;
import io.netdiag.output.PingRenderer;
import io.netdiag.ping.EchoCodec;
import io.netdiag.ping.Ping;
import io.netdiag.ping.ProbeSource;
import io.netdiag.ping.PingRequest;
import io.netdiag.ping.PingSummary;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code netdiag ping}: iputils-compatible ICMP echo, and the reason when a probe fails. */
final class PingCommand extends BaseCommand {
    List<String> targets;

    long count;

    Double interval;

    int deadline;

    Double linger;

    int size = 56;

    Integer ttl;

    String pmtu;

    boolean quiet;

    boolean timestamps;

    boolean outstanding;

    boolean flood;

    boolean numeric;

    boolean ipv4;

    boolean ipv6;

    Integer tcp;

    Integer udp;

    boolean mtu;

    boolean graph;

    String source;

    String pattern;

    Integer preload;
    boolean broadcast;

    @Override
    Declare declare() {
        return Declare.command(this, "ping")
                .header("Probe hosts and ports with ICMP, TCP or UDP, and say why a probe fails.")
                .description(
                        "Sends ICMP echo requests (IPv4 or IPv6) and prints replies and statistics exactly as iputils ping "
                                + "does; ICMP errors for the probes are printed as iputils prints them and explained at the end. "
                                + "Opens an unprivileged ICMP datagram socket first and a raw socket when that is refused.",
                        "",
                        "Exit status: 0 when replies came, 1 when none came (or fewer than -c within -w), 2 on bad input, "
                                + "3 when neither kind of ICMP socket may be opened.")
                .declaredOrder()
                .positionals("HOST", "1..*", v -> targets = v,
                        "Host name, address, or ADDRESS/PREFIX range to probe; "
                                + "several targets are probed at once, with fping-style lines and a table.")
                .option("-c", "COUNT", Accept.whole(1L, Long.MAX_VALUE), v -> count = v, "Stop after COUNT replies (or errors).")
                .option("-i", "INTERVAL", Accept.seconds(0, Accept.MOST_SECONDS), v -> interval = v,
                        "Seconds between probes (default 1; below 0.002 only for root).")
                .option("-w", "DEADLINE", Accept.whole(0, Integer.MAX_VALUE), v -> deadline = v,
                        "Stop after DEADLINE seconds whatever happened.")
                .option("-W", "TIMEOUT", Accept.seconds(0, Accept.MOST_SECONDS), v -> linger = v,
                        "Seconds to wait for a reply when none came (default 10).")
                .option("-s", "SIZE", Accept.whole(0, PingRequest.MAX_DATA_LENGTH), v -> size = v,
                        "ICMP data bytes (default 56). Above 65507 (IPv4) or 65527 (IPv6) the kernel refuses the send, "
                                + "which is reported as iputils reports it.")
                .option("-t", "TTL", Accept.whole(0, 255), v -> ttl = v,
                        "IP time to live (IPv6 hop limit). IPv4 refuses 0, as with iputils: exit 2.")
                .option("-M", "PMTUDISC", String.class, v -> pmtu = v,
                        "Path-MTU discovery: do (set DF, never fragment), dont, or want.")
                .option("-I", "INTERFACE|ADDRESS", String.class, v -> source = v,
                        "Send from this interface (SO_BINDTODEVICE; the source is the one the kernel picks through it) "
                                + "or from this local address (bound); also for --tcp and --udp.")
                .option("-p", "PATTERN", String.class, v -> pattern = v,
                        "Fill the probe data with up to 16 hex bytes, repeated (after the timestamp); replies are checked "
                                + "against it.")
                .option("-l", "PRELOAD", Accept.whole(1, PingRequest.MAX_PRELOAD), v -> preload = v,
                        "Send PRELOAD probes at once, then one per interval (above 3 only for root).")
                .flag("-b", v -> broadcast = v,
                        "Allow pinging an IPv4 broadcast address (\"WARNING: pinging broadcast address\"); every host that "
                                + "answers prints a line, and the answers after the first to each probe count as duplicates, "
                                + "unmarked as in iputils. Without it such an address exits 2, as with iputils.")
                .flag("-q", v -> quiet = v, "Quiet: print the header and the statistics only.")
                .flag("-D", v -> timestamps = v,
                        "Print the wall-clock time before each line, as [seconds.microseconds].")
                .flag("-O", v -> outstanding = v, "Report a probe still unanswered when the next one leaves.")
                .flag("-f", v -> flood = v, "Flood: a dot per probe, a backspace per reply (root only).")
                .flag("-n", v -> numeric = v, "Numeric output: no reverse lookups.")
                .flag("-4", v -> ipv4 = v, "IPv4 only.")
                .flag("-6", v -> ipv6 = v, "IPv6 only.")
                .option("--tcp", "PORT", Accept.port(false), v -> tcp = v,
                        "TCP connect probes of PORT: open (handshake time), "
                                + "closed (RST), timeout (filtered or down), unreachable (ICMP error).")
                .option("--udp", "PORT", Accept.port(false), v -> udp = v,
                        "UDP probes of PORT: open (a reply), closed (ICMP port "
                                + "unreachable), open|filtered (silence), unreachable.")
                .flag("--mtu", v -> mtu = v,
                        "Path-MTU discovery: probes with DF set, sized by binary search, and who "
                                + "reported \"fragmentation needed\".")
                .flag("--graph", v -> graph = v,
                        "A live chart of RTT and loss per target, redrawn in place (until Ctrl-C "
                                + "without -c); the statistics follow.");
    }

    @Override
    int execute() {
        PingRequest request = request();
        if (tcp != null && udp != null) {
            throw NetdiagException.badInput("choose one of --tcp and --udp");
        }
        Integer port = tcp != null ? tcp : udp;
        boolean several = Ping.several(request);
        if (several && (pattern != null || preload != null)) {
            throw NetdiagException.badInput("-p and -l take one target");
        }
        if (broadcast && (several || port != null || mtu)) {
            throw NetdiagException.badInput("-b pings one IPv4 broadcast address with ICMP echo; it does not combine with "
                    + "several targets, --tcp, --udp or --mtu");
        }
        if (port != null && (pattern != null || preload != null)) {
            throw NetdiagException.badInput("-p and -l shape ICMP echo probes; they do not combine with --tcp or --udp");
        }
        if (mtu) {
            if (several || port != null || source != null || pattern != null || preload != null) {
                throw NetdiagException.badInput("--mtu takes one target and ICMP, without -I, -p or -l");
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
        int pmtuMode = pmtu == null ? -1 : switch (pmtu) {
            case "do" -> IcmpSocket.PMTUDISC_DO;
            case "dont" -> IcmpSocket.PMTUDISC_DONT;
            case "want" -> IcmpSocket.PMTUDISC_WANT;
            default -> throw NetdiagException.badInput("invalid -M argument: " + pmtu);
        };
        int intervalMillis = interval != null ? (int) (interval * 1000) : flood ? 0 : 1000;
        return new PingRequest(targets, ipv4 ? 4 : ipv6 ? 6 : 0, count, intervalMillis, deadline,
                linger != null ? (int) (linger * 1000) : PingRequest.DEFAULT_LINGER_MILLIS, size, ttl == null ? -1 : ttl, pmtuMode,
                quiet, timestamps, outstanding, flood, numeric || flood,
                source == null ? null : ProbeSource.parse(source), pattern == null ? null : EchoCodec.pattern(pattern),
                preload == null ? 1 : preload, broadcast);
    }
}
