package io.netdiag.cli;

import io.netdiag.diagnose.Diagnose;
import io.netdiag.diagnose.DiagnoseRequest;
import io.netdiag.diagnose.Diagnosis;
import io.netdiag.diagnose.Target;
import io.netdiag.explain.NetdiagException;
import io.netdiag.output.DiagnoseRenderer;

/** {@code netdiag diagnose HOST:PORT}: why a program cannot connect, in one command and one verdict. */
final class DiagnoseCommand extends BaseCommand {
    String target;

    int port;

    boolean udp;

    boolean ipv4;

    boolean ipv6;

    Double timeout;

    boolean server;

    boolean tls;

    boolean capture;

    @Override
    Declare declare() {
        return Declare.command(this, "diagnose")
                .header("Find out why a program cannot connect to HOST:PORT: one command, one verdict.")
                .description(
                        "Runs the checks a senior engineer would, in order, and stops where the answer is certain: the "
                                + "target; name resolution as the application sees it (getaddrinfo's order, /etc/hosts or "
                                + "DNS per nsswitch.conf, each resolver of resolv.conf asked directly: NXDOMAIN, SERVFAIL or "
                                + "silence); the route (netlink RTM_GETROUTE: interface, source, gateway, this host itself); "
                                + "reachability (ICMP echo and a TCP connect or UDP probe per address: refused, silent, "
                                + "ICMP error and who sent it); where the path stops (trace); this host's listeners, accept "
                                + "queues, ListenOverflows, SYN-RECV and CLOSE-WAIT piles when the target is local or with "
                                + "--server; firewall rules matching the port (nft -j list ruleset, iptables-save); and what "
                                + "happens after connecting (reset, close, a banner, TLS with --tls).",
                        "",
                        "The verdict has a stable cause id: ok, slow, dns-nxdomain, dns-failure, no-route, "
                                + "host-unreachable, refused, listening-elsewhere, wrong-family, filtered, firewall-reject, "
                                + "accept-queue-full, reset-after-connect, closed-after-connect, undetermined; the "
                                + "classifier's category of the error the client gets; one sentence naming the host, hop, "
                                + "process or rule to blame; and the commands to run next.",
                        "",
                        "Causes: ok (works; with its timings); slow (works, but name resolution took over a second or "
                                + "the handshake over 800 ms); dns-nxdomain (the name does not exist, or has no address of the family "
                                + "asked); dns-failure (the resolvers time out, answer SERVFAIL or REFUSED); no-route (no "
                                + "route on this host, or a router answers network unreachable); host-unreachable (no ARP "
                                + "or neighbour answer on the target's link, named with the host or router that asked); "
                                + "refused (a RST from the host: nothing listens); listening-elsewhere (a listener on this "
                                + "host holds the port on another address or family, such as 127.0.0.1 only); "
                                + "wrong-family (the first address a client tries fails, a later one works: the "
                                + "'localhost is ::1' trap); filtered (SYNs dropped silently: says whether the host "
                                + "answers ping and the last hop that answers); firewall-reject (ICMP administratively "
                                + "prohibited or port unreachable, naming the router or host that sent it, or a REJECT "
                                + "rule on this host); accept-queue-full (the listener's accept queue is at its backlog "
                                + "and SYNs are dropped); reset-after-connect and closed-after-connect (the server accepts, "
                                + "then resets or closes at once); undetermined (none of the above could be shown).",
                        "",
                        "Text output: a table of the steps (step, result: ok, warn, fail or skip; time; what it found), "
                                + "then 'verdict: CAUSE [CATEGORY]', 'why: ...' and 'try: ...' lines. On a terminal each "
                                + "step shows while it runs.",
                        "",
                        "JSON output (--json before the subcommand): one document {\"target\": {\"text\", \"host\", "
                                + "\"port\", \"protocol\"}, \"addresses\": [address, ...] in the order a client tries them, "
                                + "\"steps\": [{\"name\", \"status\", \"millis\", \"detail\"}, ...], \"verdict\": {\"cause\", "
                                + "\"category\" (null when it works), \"text\", \"next\": [command, ...]}}. Step names: "
                                + "target, resolve, route, reach, trace, local, firewall, after, capture.",
                        "",
                        "Every step waits at most --timeout; the whole diagnosis takes at most about three times that.")
                .declaredOrder()
                .positional("0", "TARGET", String.class, v -> target = v, p -> p.arity("1"),
                        "HOST:PORT, [IPv6]:PORT, or a URL (https://host/path is port 443); a bare host or IPv6 "
                                + "address with --port.")
                .option("-p, --port", "PORT", Accept.port(false), v -> port = v, "The port, when TARGET has none.")
                .flag("-u, --udp", v -> udp = v, "A UDP service: probe with a datagram instead of a TCP connect.")
                .flag("-4", v -> ipv4 = v, "Resolve and connect over IPv4 only.")
                .flag("-6", v -> ipv6 = v, "Resolve and connect over IPv6 only.")
                .option("-t, --timeout", "SECONDS", Accept.seconds(0.1, 600), v -> timeout = v,
                        "The most one step may wait (default 10); the whole run takes at most about three times that.")
                .flag("--server", v -> server = v,
                        "Also inspect this host's listeners, accept queues and counters for the port, as when run on the "
                                + "server (automatic when the target is this host).")
                .flag("--tls", v -> tls = v, "After connecting, send a TLS ClientHello and report the answer.")
                .flag("--capture", v -> capture = v,
                        "Capture one more attempt on the route's interface and show its packets (needs capture rights).")
                .exitCodes(" 0:it works (verdict ok or slow)", " 1:a cause was found (the verdict says which)",
                        " 2:bad input", " 3:a step needed a privilege it lacked, and no cause was found without it",
                        " 4:internal error");
    }

    @Override
    int execute() {
        if (ipv4 && ipv6) {
            throw NetdiagException.badInput("only one of -4 and -6 may be given");
        }
        Target parsed = Target.parse(target, port, udp);
        DiagnoseRequest request = new DiagnoseRequest(parsed, ipv4 ? 4 : ipv6 ? 6 : 0,
                timeout == null ? DiagnoseRequest.DEFAULT_TIMEOUT_MILLIS : (int) Math.round(timeout * 1000), server, tls,
                capture);
        DiagnoseRenderer renderer = new DiagnoseRenderer(out(), !json() && Terminals.outputIsTerminal());
        Diagnosis diagnosis = Diagnose.run(request, renderer);
        if (json()) {
            renderer.json(diagnosis);
        } else {
            renderer.text(diagnosis);
        }
        return diagnosis.exitCode();
    }
}
