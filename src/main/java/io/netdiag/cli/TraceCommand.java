package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import io.netdiag.output.TraceLiveView;
import io.netdiag.output.TraceRenderer;
import io.netdiag.trace.TraceListener;
import io.netdiag.trace.TraceRequest;
import io.netdiag.trace.TraceResult;
import io.netdiag.trace.Tracer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code netdiag trace}: mtr's measurements, traceroute's probe kinds, and a verdict that names the hop. */
final class TraceCommand extends BaseCommand {
    List<String> host;
    Integer count;
    Double interval;
    int maxTtl = TraceRequest.DEFAULT_MAX_TTL;
    int firstTtl = 1;
    Double timeout;
    boolean numeric;
    boolean ipv4;
    boolean ipv6;
    int size;
    boolean mtu;
    String source;
    int flows = 1;
    Integer udp;
    Integer tcp;
    boolean report;
    boolean requireOpen;
    boolean noCompare;

    @Override
    Declare declare() {
        return Declare.command(this, "trace")
                .header("Trace the path to a host hop by hop, and say where packets stop, are rejected or are lost.")
                .description(
                        "Probes HOST with increasing TTL (IPv6 hop limit): ICMP echo by default, UDP to a port (--udp) or TCP SYN "
                                + "to a port (--tcp). Every hop of a round is probed at once; rounds repeat every -i seconds. "
                                + "Prints mtr's report (loss, sent, last/avg/best/worst/stdev RTT per hop) and then a verdict: "
                                + "reached, port closed, blocked (probes stop while ICMP goes further), rejected (who sent the ICMP "
                                + "error), forwarding loss (loss from one hop to the end), unreachable or no route. A hop whose loss "
                                + "later hops do not show is marked rate-limited (its ICMP replies are limited), not lossy; a hop "
                                + "that never answers while later ones do is noted as silent.",
                        "",
                        "On a terminal without -c, -r or --json the table is redrawn live after every round until q or Ctrl-C, "
                                + "then the report is printed.",
                        "",
                        "Exit status: 0 when the destination answered (an answering closed port counts, unless --require-open), "
                                + "1 when it did not (blocked, rejected, unreachable, no route), 2 on bad input, 3 when the sockets "
                                + "needed may not be opened (--tcp needs root or CAP_NET_RAW; ICMP needs "
                                + "net.ipv4.ping_group_range or CAP_NET_RAW).")
                .declaredOrder()
                .positionals("HOST", "1", v -> host = v, "Host name or address to trace.")
                .option("-c, --report-cycles", "COUNT", Accept.whole(1, Integer.MAX_VALUE), v -> count = v,
                        "Rounds of probes, then print the report (default 10 off a terminal).")
                .option("-i, --interval", "SECONDS", Accept.seconds(0.01, 3600), v -> interval = v,
                        "Seconds between rounds (default 1; below 1 only for root, down to 0.01).")
                .option("-m, --max-ttl", "MAX_TTL", Accept.whole(1, 255), v -> maxTtl = v, "Largest TTL / hop limit probed (default 30).")
                .option("-f, --first-ttl", "FIRST_TTL", Accept.whole(1, 255), v -> firstTtl = v, "First TTL probed (default 1).")
                .option("-W, --timeout", "SECONDS", Accept.seconds(0.001, 3600), v -> timeout = v,
                        "Seconds a probe may take before it counts as lost (default 2).")
                .flag("-n, --no-dns", v -> numeric = v, "Numeric: no reverse DNS lookups.")
                .flag("-4", v -> ipv4 = v, "IPv4 only.")
                .flag("-6", v -> ipv6 = v, "IPv6 only.")
                .option("-s, --psize", "SIZE", Accept.whole(0, 65000), v -> size = v,
                        "IP packet size of a probe in bytes, headers included (default 64; TCP: the bare SYN).")
                .flag("--mtu", v -> mtu = v,
                        "Probe with DF set from the outgoing interface's MTU down, and show each hop's path MTU and where it "
                                + "drops (as traceroute --mtu prints F=1400).")
                .option("-I, --interface", "DEVICE|ADDRESS", String.class, v -> source = v,
                        "Send from this interface or local address.")
                .option("--flows", "N", Accept.whole(1, 256), v -> flows = v,
                        "Cycle N flows over the rounds (source port, or ICMP identifier) to see ECMP paths; default 1 keeps "
                                + "every probe on one flow (Paris traceroute).")
                .option("--udp", "PORT", Accept.port(false), v -> udp = v, "UDP probes to PORT (raw socket as root; without privilege a UDP socket per probe and its error queue).")
                .option("--tcp", "PORT", Accept.port(false), v -> tcp = v,
                        "TCP SYN probes to PORT (raw socket: root or CAP_NET_RAW); SYN-ACK means open, RST closed.")
                .flag("-r, --report", v -> report = v, "Report mode even on a terminal (no live view).")
                .flag("--require-open", v -> requireOpen = v,
                        "Exit 1 when the destination answers that the port is closed (RST, port unreachable).")
                .flag("--no-compare", v -> noCompare = v,
                        "When the probes stop early, do not probe the path by ICMP (UDP for ICMP traces) to tell blocked from "
                                + "unreachable.");
    }

    @Override
    int execute() {
        TraceRequest request = request();
        boolean live = count == null && !report && !json() && Terminals.interactive();
        if (!live && request.rounds() == 0) {
            request = request.withRounds(TraceRequest.DEFAULT_ROUNDS, request.intervalMillis());
        }
        String hostName = hostName();
        TraceRenderer renderer = new TraceRenderer(out(), json(), hostName);
        AtomicBoolean stop = new AtomicBoolean();
        TraceResult result;
        if (live) {
            io.netdiag.os.ProcessExit.hooksRegistered(); // JLine restores the terminal from a shutdown hook
            try (org.jline.terminal.Terminal terminal = org.jline.terminal.TerminalBuilder.builder().system(true).build()) {
                try (TraceLiveView view = new TraceLiveView(terminal, stop, "netdiag trace " + request.target(), hostName)) {
                    result = Tracer.run(request, view, stop::get);
                }
            } catch (IOException e) {
                throw new NetdiagException(NetdiagException.Kind.INTERNAL, "cannot open the terminal", e);
            }
        } else {
            TraceListener listener = json() ? renderer : TraceListener.NONE;
            try (InterruptHandler ignored = InterruptHandler.install(() -> stop.set(true))) {
                result = Tracer.run(request, listener, stop::get);
            }
        }
        renderer.result(result);
        return result.exitCode(requireOpen);
    }

    private TraceRequest request() {
        if (ipv4 && ipv6) {
            throw NetdiagException.badInput("only one of -4 and -6 may be given");
        }
        if (udp != null && tcp != null) {
            throw NetdiagException.badInput("choose one of --tcp and --udp");
        }
        if (requireOpen && udp == null && tcp == null) {
            throw NetdiagException.badInput("--require-open needs --tcp or --udp");
        }
        TraceRequest r = TraceRequest.to(host.getFirst())
                .withFamily(ipv4 ? 4 : ipv6 ? 6 : 0)
                .withRounds(count == null ? 0 : count,
                        interval == null ? TraceRequest.DEFAULT_INTERVAL_MILLIS : (int) Math.round(interval * 1000))
                .withTtls(firstTtl, maxTtl)
                .withTimeout(timeout == null ? TraceRequest.DEFAULT_TIMEOUT_MILLIS : (int) Math.round(timeout * 1000))
                .withNumeric(numeric)
                .withPacketSize(size, mtu)
                .withSource(source)
                .withFlows(flows)
                .withCompare(!noCompare);
        if (tcp != null) {
            r = r.tcp(tcp);
        } else if (udp != null) {
            r = r.udp(udp);
        }
        return r;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return "localhost";
        }
    }
}
