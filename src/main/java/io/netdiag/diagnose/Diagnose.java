package io.netdiag.diagnose;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.Explanation;
import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;
import io.netdiag.os.RouteQuery;
import io.netdiag.ping.Ping;
import io.netdiag.ping.PingEvent;
import io.netdiag.ping.PingRequest;
import io.netdiag.ping.PingSummary;
import io.netdiag.sockets.KernelCounters;
import io.netdiag.sockets.Netid;
import io.netdiag.sockets.Owner;
import io.netdiag.sockets.OwnerMap;
import io.netdiag.sockets.QueueDiagnosis;
import io.netdiag.sockets.SocketEntry;
import io.netdiag.sockets.SocketInventory;
import io.netdiag.sockets.SocketQuery;
import io.netdiag.sockets.SocketState;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code netdiag diagnose HOST:PORT}: "why can't my program connect?" Runs the checks a senior engineer would, in
 * order (the target, name resolution, the route, reachability, where the path stops, this host's listeners,
 * queues and firewall, what happens after connecting), stops where the answer is already certain, and gives one
 * {@link Verdict} through the classifier. Composes the ping, sockets, trace and capture engines through their
 * Java APIs.
 *
 * <pre>{@code
 * Diagnosis d = Diagnose.run(new DiagnoseRequest(Target.parse("example.com:443", 0, false), 0, 10_000, false, false, false),
 *         StepListener.NONE);
 * d.verdict().cause();   // "ok", "refused", "filtered", ...
 * }</pre>
 */
public final class Diagnose {
    /**
     * A TCP handshake above this is slow: a round trip across a continent takes about 150 ms, while a lost SYN
     * costs the client Linux's initial retransmission time-out, one second.
     */
    static final long SLOW_HANDSHAKE_MICROS = 800_000;
    private static final int ECONNREFUSED = 111;
    private static final int ETIMEDOUT = 110;
    private static final int ENETUNREACH = 101;
    private static final int EHOSTUNREACH = 113;
    private static final int ECONNRESET = 104;
    /** Linux gives up on a neighbour after mcast_solicit (3) solicitations a second apart: about 3 s. */
    private static final long NEIGHBOUR_TIMEOUT_MICROS = 2_500_000;

    private final DiagnoseRequest request;
    private final StepListener listener;
    private final Path etc;
    private final Target target;
    private final List<Step> steps = new ArrayList<>();
    private final long deadline;
    private boolean missingPrivilege;
    /** Whether the raw ICMP watch ran beside the probes (CAP_NET_RAW). */
    private boolean watched;
    private List<InetAddress> addresses = List.of();

    private Diagnose(DiagnoseRequest request, StepListener listener, Path etc) {
        this.request = request;
        this.listener = listener;
        this.etc = etc;
        this.target = request.target();
        // every step is bounded by the timeout; the run as a whole by about three of them
        this.deadline = System.nanoTime() + 29L * request.timeoutMillis() / 10 * 1_000_000L;
    }

    public static Diagnosis run(DiagnoseRequest request, StepListener listener) {
        Platform.requireLinux("diagnose");
        return new Diagnose(request, listener, Path.of("/etc")).diagnose();
    }

    /** The time a step may still take: the timeout, or what is left of the run's budget when that is less. */
    private int budget() {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        return (int) Math.max(200, Math.min(request.timeoutMillis(), left));
    }

    private Diagnosis finish(Verdict verdict) {
        List<String> texts = new ArrayList<>();
        for (InetAddress a : addresses) {
            texts.add(AddressText.of(a));
        }
        return new Diagnosis(target, texts, steps, verdict, missingPrivilege);
    }

    private long started;

    private void begin(String name, String doing) {
        listener.started(name, doing);
        started = System.nanoTime();
    }

    private void end(String name, String status, String detail) {
        Step step = new Step(name, status, (System.nanoTime() - started) / 1_000_000, detail);
        steps.add(step);
        listener.finished(step);
    }

    private Diagnosis diagnose() {
        begin("target", "reading the target");
        end("target", Step.OK, target.protocol() + " port " + target.port() + " on " + target.host()
                + (target.written().equals(target.hostPort()) ? "" : " (from " + target.written() + ")"));

        // 2. name resolution
        begin("resolve", "resolving " + target.host());
        NameResolution.Result names = NameResolution.resolve(target.host(), request.family(), target.udp(), budget(), etc);
        addresses = names.addresses();
        Verdict dns = resolution(names);
        if (dns != null) {
            return finish(dns);
        }
        boolean slowDns = names.millis() > NameResolution.SLOW_MILLIS;

        // 3. the route
        begin("route", "asking the kernel for the route");
        Map<InetAddress, RouteQuery.Route> routes = new LinkedHashMap<>();
        Map<InetAddress, Integer> noRoute = new LinkedHashMap<>();
        List<String> routeTexts = new ArrayList<>();
        for (InetAddress a : addresses) {
            try {
                RouteQuery.Route r = RouteQuery.get(a);
                routes.put(a, r);
                routeTexts.add(routeText(a, r));
            } catch (ErrnoException e) {
                noRoute.put(a, e.errno());
                routeTexts.add(AddressText.of(a) + ": no route (" + Libc.strerror(e.errno()) + ")");
            }
        }
        boolean local = routes.values().stream().anyMatch(RouteQuery.Route::local);
        if (routes.isEmpty()) {
            end("route", Step.FAIL, String.join("; ", routeTexts));
            InetAddress first = addresses.getFirst();
            int errno = noRoute.get(first);
            String why = switch (errno) {
                case EHOSTUNREACH -> "an unreachable route covers it";
                case 13 -> "a prohibit route covers it";
                case 22 -> "a blackhole route covers it";
                default -> "the routing table has no entry that covers it";
            };
            return finish(verdict("no-route", errno(errno), "this host has no route to " + describe(first)
                            + " (" + Libc.strerror(errno) + "): " + why + ", so no packet leaves",
                    List.of("ip route get " + AddressText.of(first), "ip route show table all")));
        }
        end("route", noRoute.isEmpty() ? Step.OK : Step.WARN, String.join("; ", routeTexts));

        // 4. reachability
        long overflowsBefore = counter("ListenOverflows");
        begin("reach", "connecting to " + target.protocol() + " port " + target.port());
        List<Attempt> attempts = reach(new ArrayList<>(routes.keySet()));
        end("reach", attempts.stream().anyMatch(a -> a.errno() == 0)
                ? (attempts.stream().allMatch(a -> a.errno() == 0) ? Step.OK : Step.WARN) : Step.FAIL, attemptsText(attempts));
        Attempt first = attempts.getFirst();
        Attempt working = attempts.stream().filter(Attempt::open).findFirst().orElse(null);

        // 5. where it stops
        boolean routerError = attempts.stream().anyMatch(a -> a.icmp() != null && !a.icmp().from().equals(a.address()));
        Hops hops = null;
        if (working == null && !local && (attempts.stream().anyMatch(Attempt::timedOut) || routerError)) {
            begin("trace", "looking for the hop where it stops");
            hops = PathTrace.trace(attempts.stream().filter(a -> a.timedOut() || a.icmp() != null).findFirst()
                    .orElse(first).address(), target.port(), target.udp(), budget());
            missingPrivilege |= hops.missingPrivilege();
            end("trace", hops.status(), hops.detail());
        }

        // 6. this host's side
        LocalSide side = null;
        if (local || request.server()) {
            begin("local", "reading this host's listeners and queues for port " + target.port());
            side = localSide(overflowsBefore);
            end("local", side.status(), side.detail());
        }
        begin("firewall", "reading this host's firewall rules for port " + target.port());
        FirewallRules.Report rules = FirewallRules.matching(target.port(), target.udp(), budget());
        missingPrivilege |= rules.refused();
        end("firewall", firewallStatus(rules, local), firewallText(rules));

        // 7. after connecting
        AfterConnect.Result after = null;
        if (working != null && !target.udp()) {
            begin("after", "connecting again and waiting for the first bytes" + (request.tls() ? " and a TLS answer" : ""));
            after = AfterConnect.check(working.address(), target.port(), Math.min(budget(), 2000), request.tls(), target.host());
            end("after", after.status(), after.detail());
        }

        // 8. a capture of one more attempt
        if (request.capture()) {
            begin("capture", "capturing one more attempt");
            RouteQuery.Route r = routes.get((working != null ? working : first).address());
            InetAddress again = (working != null ? working : first).address();
            int wait = Math.min(budget(), 3000);
            AttemptCapture.Result c = AttemptCapture.run(again, target.port(), target.udp(),
                    r == null ? null : r.device(), budget(), () -> probe(again, wait));
            missingPrivilege |= c.refused();
            end("capture", c.status(), c.detail());
        }

        return finish(decide(attempts, first, working, hops, side, rules, after, slowDns, names));
    }

    // --- the verdict ---

    private Verdict decide(List<Attempt> attempts, Attempt first, Attempt working, Hops hops, LocalSide side,
                           FirewallRules.Report rules, AfterConnect.Result after, boolean slowDns,
                           NameResolution.Result names) {
        String hp = target.hostPort();
        if (working != null) {
            if (working != first) {
                return verdict("wrong-family", categoryOf(first), "the first address a client tries, "
                                + AddressText.of(first.address()) + ", " + first.failure() + ", while "
                                + AddressText.of(working.address()) + " answers: clients that try only the first address "
                                + "(Node 17+, many HTTP clients) fail; " + familyHint(first, working, side),
                        List.of("connect to " + bracket(working.address()) + ":" + target.port() + " directly, or make the "
                                        + "server listen on " + AddressText.of(first.address()) + " too",
                                "netdiag sockets -tlnp  # on the server: which addresses the listener holds"));
            }
            if (after != null && after.reset() || working.errno() == ECONNRESET) {
                String when = after != null && after.reset() ? after.afterText() : " at once";
                return verdict("reset-after-connect", errno(ECONNRESET), "the server at " + bracket(working.address())
                                + ":" + target.port() + " accepts the connection, then resets it" + when
                                + ": the process accepting there crashes, rejects the client (TLS, allow list) or closes "
                                + "with unread data",
                        List.of("the server's logs at the time of the connection",
                                "netdiag capture -i any 'tcp port " + target.port() + "'  # while connecting"));
            }
            if (after != null && after.closed()) {
                return verdict("closed-after-connect", Category.PEER_GONE.id(), "the server at "
                                + bracket(working.address()) + ":" + target.port() + " accepts the connection, then closes it "
                                + "at once" + after.afterText() + ": it is up, but refuses this client or has nothing to serve",
                        List.of("the server's logs at the time of the connection"));
            }
            if (slowDns || working.micros() > SLOW_HANDSHAKE_MICROS) {
                String which = slowDns ? "name resolution took " + names.millis() + " ms (" + names.source() + ")"
                        : "the TCP handshake with " + AddressText.of(working.address()) + " took " + millis(working.micros());
                return verdict("slow", null, hp + " works, but " + which + ", far longer than it should",
                        slowDns ? List.of("netdiag diagnose " + target.written() + "  # again: is it the first query only?",
                                "cat /etc/resolv.conf  # options timeout:, and the first nameserver's health")
                                : List.of("netdiag trace --tcp " + target.port() + " " + AddressText.of(working.address()),
                                "netdiag ping " + AddressText.of(working.address())));
            }
            return verdict("ok", null, hp + " works: " + (names.source().equals("literal") ? "" : "resolved in "
                            + names.millis() + " ms (" + names.source() + "), ") + (target.udp() ? "a UDP reply" : "handshake")
                            + " in " + millis(working.micros()) + " with " + AddressText.of(working.address())
                            + (after != null && after.banner() != null ? "; it speaks first: " + after.banner() : ""),
                    List.of());
        }
        // nothing worked: the first address's failure is the one the client sees
        IcmpWatch.Error icmp = first.icmp();
        String where = bracket(first.address()) + ":" + target.port();
        if (first.errno() == ECONNRESET) {
            // the handshake completed and the RST came before the probe read its result
            return verdict("reset-after-connect", errno(ECONNRESET), "the server at " + where + " accepts the connection, "
                            + "then resets it at once: the process accepting there crashes, rejects the client (TLS, allow "
                            + "list) or closes with unread data",
                    List.of("the server's logs at the time of the connection",
                            "netdiag capture -i any 'tcp port " + target.port() + "'  # while connecting"));
        }
        FirewallRules.Rule blocking = blockingRule(rules, side != null || request.server());
        // a host answering a UDP datagram with port unreachable is how UDP says "nothing listens"; TCP stacks answer RST
        boolean udpClosed = target.udp() && icmp != null && icmp.portUnreachable() && icmp.from().equals(first.address());
        if (icmp != null && icmp.reject() && !udpClosed) {
            Explanation why = Classifier.standard().classifyIcmp(icmp.version(), icmp.type(), icmp.code()).orElse(null);
            return verdict("firewall-reject", why == null ? Category.UNREACHABLE.id() : why.category().id(),
                    (icmp.from().equals(first.address()) ? "the host " : "the router ") + AddressText.of(icmp.from())
                            + " rejects " + target.protocol() + " port " + target.port() + " to "
                            + AddressText.of(first.address()) + " with ICMP " + icmpText(icmp)
                            + (blocking != null ? "; this host's rule: " + blocking.text() : "")
                            + ": a firewall REJECT rule there answers for the port",
                    List.of("nft list ruleset  # on " + AddressText.of(icmp.from()) + ": the rule that rejects port " + target.port(),
                            "netdiag trace --tcp " + target.port() + " " + AddressText.of(first.address())));
        }
        if (first.errno() == EHOSTUNREACH && icmp == null && !watched && first.micros() < NEIGHBOUR_TIMEOUT_MICROS) {
            // without a raw ICMP socket the errno is all there is: an answer this fast is a router's or the host's
            // ICMP error (a REJECT rule, a missing route there), not a neighbour that never answered
            return verdict("undetermined", errno(EHOSTUNREACH), "the connection to " + where + " fails at once with "
                            + "EHOSTUNREACH (No route to host): a router or the host answered with an ICMP error (a firewall "
                            + "REJECT rule, or no route there); who sent it is unknown without CAP_NET_RAW",
                    List.of("sudo netdiag diagnose " + target.written(), "netdiag ping " + AddressText.of(first.address())));
        }
        if (icmp != null && icmp.hostUnreachable() || first.errno() == EHOSTUNREACH && icmp == null && !first.timedOut()) {
            String sender = icmp == null ? "this host" : icmp.from().equals(routeSource(first)) ? "this host"
                    : "the router " + AddressText.of(icmp.from());
            return verdict("host-unreachable", errno(EHOSTUNREACH), "no host answers for " + AddressText.of(first.address())
                            + " on its link: " + sender + " asked (ARP / neighbour discovery) and got no answer, so "
                            + AddressText.of(first.address()) + " is down, unplugged or not at that address",
                    List.of("ip neigh show " + AddressText.of(first.address()) + "  # FAILED or INCOMPLETE: no answer",
                            "netdiag ping " + AddressText.of(first.address())));
        }
        if (icmp != null && icmp.netUnreachable() || first.errno() == ENETUNREACH) {
            String sender = icmp == null ? "this host" : "the router " + AddressText.of(icmp.from());
            return verdict("no-route", errno(ENETUNREACH), sender + " has no route to " + AddressText.of(first.address()),
                    List.of("ip route get " + AddressText.of(first.address()),
                            "netdiag trace " + AddressText.of(first.address())));
        }
        if (first.errno() == ECONNREFUSED) {
            if (side != null && side.elsewhere(first.address()) != null) {
                SocketEntry l = side.elsewhere(first.address());
                return verdict("listening-elsewhere", errno(ECONNREFUSED), "nothing listens on " + where + ", but "
                                + side.who(l) + " listens on " + LocalSide.endpoint(l) + ": it is bound to another "
                                + "address or family, so connections to " + AddressText.of(first.address()) + " are refused",
                        List.of("connect to " + LocalSide.endpoint(l) + " instead, or make the server bind to "
                                        + (first.address() instanceof Inet6Address ? "::" : "0.0.0.0") + " (all addresses)",
                                "netdiag sockets -tlnp"));
            }
            if (blocking != null && blocking.verdict().equals("reject")) {
                return verdict("firewall-reject", errno(ECONNREFUSED), "this host's firewall rejects " + target.protocol()
                                + " port " + target.port() + ": " + blocking.tool() + " " + blocking.where() + ": " + blocking.text(),
                        List.of(blocking.tool().equals("nft") ? "nft -a list ruleset" : blocking.tool() + "-save"));
            }
            return verdict("refused", errno(ECONNREFUSED), "the host " + AddressText.of(first.address()) + " answers, but "
                            + (target.udp() ? "with ICMP port unreachable: nothing listens on UDP port "
                            : "with a RST: nothing listens on TCP port ") + target.port()
                            + (side != null && side.listeners().isEmpty() ? " (no listener on this host holds it)" : ""),
                    List.of("netdiag sockets -tlnp  # on " + AddressText.of(first.address()) + ": is the server running, on which port?",
                            "the server's logs: did it fail to start or bind?"));
        }
        if (first.timedOut()) {
            if (side != null && side.fullQueue() != null) {
                QueueDiagnosis.Finding f = side.fullQueue();
                return verdict("accept-queue-full", errno(ETIMEDOUT), side.who(f) + " listens on " + where
                                + " but its accept queue is full (" + f.recvQ().getLast() + " waiting, backlog "
                                + f.sendQ().getLast() + "): the kernel drops new SYNs"
                                + (side.overflows() > 0 ? " (ListenOverflows +" + side.overflows() + ")" : "")
                                + " because the process does not call accept() fast enough",
                        List.of("netdiag sockets -tlnp 'sport = :" + target.port() + "'  # Recv-Q against Send-Q (backlog)",
                                "the server's accept loop: is it blocked, or the backlog too small?"));
            }
            if (blocking != null) {
                return verdict("filtered", errno(ETIMEDOUT), "this host's firewall drops " + target.protocol() + " port "
                                + target.port() + ": " + blocking.tool() + " " + blocking.where() + ": " + blocking.text(),
                        List.of(blocking.tool().equals("nft") ? "nft -a list ruleset" : blocking.tool() + "-save"));
            }
            String pingText = first.echo() == null ? "ping was not possible (no ICMP socket)"
                    : first.echo().received() > 0 ? "the host answers ping" : "the host does not answer ping either";
            String hopText = (hops == null || hops.lastAnswering() == null ? ""
                    : "; the last hop that answers the port's probes is " + hops.lastAnswering())
                    + (hops == null || hops.comparison() == null ? "" : "; " + hops.comparison());
            return verdict("filtered", errno(ETIMEDOUT), "SYNs to " + where + " get no answer at all within "
                            + request.timeoutMillis() + " ms: a firewall drops them silently (" + pingText + hopText + ")",
                    List.of("netdiag trace --tcp " + target.port() + " " + AddressText.of(first.address()),
                            "nft list ruleset  # on " + AddressText.of(first.address()) + " and the routers on the way"));
        }
        if (icmp != null) {
            Explanation why = Classifier.standard().classifyIcmp(icmp.version(), icmp.type(), icmp.code()).orElse(null);
            return verdict("firewall-reject", why == null ? Category.UNREACHABLE.id() : why.category().id(),
                    AddressText.of(icmp.from()) + " answers the connection to " + where + " with ICMP " + icmpText(icmp),
                    List.of("netdiag trace --tcp " + target.port() + " " + AddressText.of(first.address())));
        }
        Explanation why = Classifier.standard().classify(first.errno(), Platform.current());
        if (first.errno() == EHOSTUNREACH || first.errno() == 13 || first.errno() == 1) {
            // EACCES/EPERM: a local rule or a prohibit route; EHOSTUNREACH without an ICMP we could see
            return verdict(missingPrivilege ? "undetermined" : "firewall-reject", why.category().id(), "the connection to "
                            + where + " fails with " + why.title() + (icmp == null && missingPrivilege
                            ? "; who sent the error is unknown without CAP_NET_RAW" : ""),
                    List.of("sudo netdiag diagnose " + target.written()));
        }
        return verdict("undetermined", why.category().id(), "the connection to " + where + " fails with " + why.title(),
                List.of("netdiag explain " + why.symbol()));
    }

    private Verdict resolution(NameResolution.Result names) {
        String detail;
        if (names.ok()) {
            detail = NameResolution.list(names.addresses()) + " from " + names.source()
                    + (names.source().equals("literal") ? "" : " in " + names.millis() + " ms") + resolverText(names);
            end("resolve", names.millis() > NameResolution.SLOW_MILLIS ? Step.WARN : Step.OK, detail);
            return null;
        }
        boolean timedOut = names.eaiCode() == NameResolution.Result.TIMED_OUT;
        detail = (timedOut ? "getaddrinfo did not return within " + names.millis() + " ms"
                : "getaddrinfo failed: " + names.eaiMessage()) + resolverText(names);
        end("resolve", Step.FAIL, detail);
        boolean nx = names.resolvers().stream().anyMatch(a -> a.answer().rcode() == 3);
        boolean noData = names.resolvers().stream().anyMatch(a -> a.answer().rcode() == 0);
        String symbol = timedOut ? "EAI_AGAIN" : switch (names.eaiCode()) {
            case -2 -> "EAI_NONAME";
            case -3 -> "EAI_AGAIN";
            case -4 -> "EAI_FAIL";
            case -5 -> "EAI_NODATA";
            case -9 -> "EAI_ADDRFAMILY";
            default -> "EAI_FAIL";
        };
        Explanation why = Classifier.standard().lookup(symbol, Platform.LINUX).matches().getFirst().explanation();
        boolean permanent = !timedOut && (names.eaiCode() == -2 || names.eaiCode() == -5 || names.eaiCode() == -9);
        if (permanent) {
            String said = nx ? "the resolver " + who(names, 3) + " answers NXDOMAIN: the name " + names.queried() + " does not exist"
                    : noData ? "the resolver " + who(names, 0) + " knows " + names.queried() + " but has no "
                    + (request.family() == 6 ? "AAAA" : request.family() == 4 ? "A" : "address") + " record for it"
                    : names.resolvers().isEmpty() ? "it is not in /etc/hosts and nsswitch.conf asks no DNS for it"
                    : "getaddrinfo says " + names.eaiMessage();
            return verdict("dns-nxdomain", why.category().id(), target.host() + " does not resolve: " + said,
                    List.of("check the spelling of " + target.host(), "dig " + target.host(),
                            "grep -i " + target.host() + " /etc/hosts"));
        }
        String said = names.resolvers().isEmpty() ? "" : ": " + resolverVerdict(names);
        return verdict("dns-failure", why.category().id(), "the resolver could not resolve " + target.host()
                        + (timedOut ? " in time" : "") + said,
                List.of("dig " + target.host() + " @" + (names.resolvers().isEmpty() ? "RESOLVER"
                                : AddressText.of(names.resolvers().getFirst().server())),
                        "cat /etc/resolv.conf  # are these resolvers reachable and healthy?"));
    }

    private static String who(NameResolution.Result names, int rcode) {
        return names.resolvers().stream().filter(a -> a.answer().rcode() == rcode).map(a -> AddressText.of(a.server()))
                .findFirst().orElse("?");
    }

    private static String resolverVerdict(NameResolution.Result names) {
        List<String> parts = new ArrayList<>();
        for (NameResolution.Asked a : names.resolvers()) {
            parts.add(AddressText.of(a.server()) + " " + switch (a.answer().rcode()) {
                case 2 -> "answers SERVFAIL (it failed to get an answer upstream)";
                case 5 -> "answers REFUSED (it does not serve this client)";
                case -1 -> a.answer().error() != null ? "fails: " + a.answer().error()
                        : "never answers (time-out after " + a.answer().millis() + " ms)";
                default -> "answers " + a.answer().text();
            });
        }
        return String.join("; ", parts);
    }

    private static String resolverText(NameResolution.Result names) {
        if (names.resolvers().isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (NameResolution.Asked a : names.resolvers()) {
            parts.add(AddressText.of(a.server()) + ": " + a.answer().text()
                    + (a.answer().rcode() >= 0 ? " in " + a.answer().millis() + " ms" : ""));
        }
        return "; resolvers asked for " + names.queried() + ": " + String.join(", ", parts);
    }

    // --- reachability ---

    /**
     * One connect (or UDP) probe of one address, with the ICMP echo beside it.
     *
     * @param state  open, closed, timeout, open|filtered, unreachable (the ping engine's words)
     * @param errno  0 when open
     * @param micros handshake or reply time, or time to the failure
     * @param icmp   the ICMP error about this probe, when one was seen
     * @param echo   the ICMP echo summary, or null when no ICMP socket could be opened
     */
    record Attempt(InetAddress address, String state, int errno, long micros, IcmpWatch.Error icmp, PingSummary echo) {
        /** The handshake completed: no error, or a reset that came after it (before the probe read its result). */
        boolean open() {
            return errno == 0 || errno == ECONNRESET;
        }

        boolean timedOut() {
            return errno == ETIMEDOUT;
        }

        String failure() {
            return switch (state) {
                case "closed" -> "is refused";
                case "timeout", "open|filtered" -> "gets no answer";
                default -> "is unreachable (" + Libc.strerror(errno) + ")";
            };
        }
    }

    private List<Attempt> reach(List<InetAddress> targets) {
        int wait = budget();
        List<Attempt> result = new ArrayList<>();
        try (IcmpWatch watch = IcmpWatch.start(targets, target.udp() ? 17 : 6, target.port())) {
            watched = watch.watching();
            if (!watched) {
                missingPrivilege = true;
            }
            List<CompletableFuture<PingSummary>> echoes = new ArrayList<>();
            List<CompletableFuture<PingEvent.PortProbe>> probes = new ArrayList<>();
            for (InetAddress a : targets) {
                // platform threads: the probes block in poll(2) through FFM, which would pin a virtual thread's carrier
                echoes.add(CompletableFuture.supplyAsync(() -> echo(a, Math.min(wait, 1500)), Diagnose::platform));
                probes.add(CompletableFuture.supplyAsync(() -> probe(a, wait), Diagnose::platform));
            }
            for (int i = 0; i < targets.size(); i++) {
                PingEvent.PortProbe p = probes.get(i).join();
                PingSummary echo = echoes.get(i).join();
                // an ICMP error can trail the errno by a moment: the reader thread polls in 50 ms rounds
                List<IcmpWatch.Error> seen = watch.about(targets.get(i));
                if (seen.isEmpty() && p.errno() != 0 && p.errno() != ETIMEDOUT && watch.watching()) {
                    sleep(120);
                    seen = watch.about(targets.get(i));
                }
                result.add(new Attempt(targets.get(i), p.state(), p.errno(), p.rttMicros() < 0 ? wait * 1000L : p.rttMicros(),
                        seen.isEmpty() ? null : seen.getLast(), echo));
            }
        }
        return result;
    }

    private PingEvent.PortProbe probe(InetAddress address, int waitMillis) {
        // the ping engine's TCP/UDP probe: one attempt, waiting at most waitMillis (its -W; 10000 exactly is
        // ping's own default, which it reads as "not given", hence one millisecond more)
        PingRequest one = new PingRequest(List.of(AddressText.of(address)), 0, 1, 1000, 0,
                waitMillis == PingRequest.DEFAULT_LINGER_MILLIS ? waitMillis + 1 : waitMillis, 0, -1, -1,
                true, false, false, false, true);
        PingEvent.PortProbe[] seen = new PingEvent.PortProbe[1];
        Ping.port(one, target.udp(), target.port(), event -> {
            if (event instanceof PingEvent.PortProbe p) {
                seen[0] = p;
            }
        }, () -> false);
        if (seen[0] == null) {
            throw new NetdiagException(NetdiagException.Kind.INTERNAL, "the probe of " + AddressText.of(address) + " sent nothing");
        }
        return seen[0];
    }

    private PingSummary echo(InetAddress address, int lingerMillis) {
        // three echoes 200 ms apart, waiting at most lingerMillis after the last (ping -c 3 -i 0.2 -W)
        PingRequest two = new PingRequest(List.of(AddressText.of(address)), 0, 3, 200, 0, lingerMillis, 56, -1, -1,
                true, false, false, false, true);
        try {
            return Ping.icmp(two, event -> { }, () -> false);
        } catch (NetdiagException e) {
            return null; // no ICMP socket of either kind: the TCP probe still tells most
        }
    }

    private String attemptsText(List<Attempt> attempts) {
        List<String> parts = new ArrayList<>();
        for (Attempt a : attempts) {
            StringBuilder b = new StringBuilder(AddressText.of(a.address())).append(": ");
            b.append(switch (a.state()) {
                case "open" -> (target.udp() ? "a UDP reply in " : "connected in ") + millis(a.micros());
                case "unreachable" -> a.errno() == ECONNRESET ? "connected, then reset by the peer (in " + millis(a.micros()) + ")"
                        : Libc.strerror(a.errno()) + (a.icmp() != null ? " (ICMP " + icmpText(a.icmp()) + " from "
                        + AddressText.of(a.icmp().from()) + ")" : "");
                case "closed" -> a.icmp() != null ? "refused by ICMP " + icmpText(a.icmp()) + " from "
                        + AddressText.of(a.icmp().from()) : target.udp() ? "ICMP port unreachable" : "refused (RST) in "
                        + millis(a.micros());
                case "timeout" -> "no answer in " + millis(a.micros()) + " (SYN dropped or host down)";
                case "open|filtered" -> "no UDP reply in " + millis(a.micros()) + " (open, or dropped)";
                default -> Libc.strerror(a.errno()) + (a.icmp() != null ? " (ICMP " + icmpText(a.icmp()) + " from "
                        + AddressText.of(a.icmp().from()) + ")" : "");
            });
            if (a.echo() == null) {
                b.append("; ping not possible");
            } else if (a.echo().received() > 0 && a.echo().rtt() != null) {
                b.append("; ping ").append(millis(a.echo().rtt().avgMicros()));
            } else if (a.echo().received() > 0) {
                b.append("; ping answered");
            } else {
                b.append("; no ping reply").append(a.echo().problems().isEmpty() ? ""
                        : " (" + a.echo().problems().getFirst().text()
                        + (a.echo().problems().getFirst().from() != null ? " from "
                        + AddressText.of(a.echo().problems().getFirst().from()) : "") + ")");
            }
            parts.add(b.toString());
        }
        return String.join("; ", parts);
    }

    // --- this host ---

    private LocalSide localSide(long overflowsBefore) {
        // two samples of the listeners, 200 ms apart, judged by the sockets engine: a queue above its backlog in
        // both is full and not draining; the owners come from one walk of /proc, only when a listener is there
        SocketQuery listening = SocketQuery.tcp().inStates(EnumSet.of(SocketState.LISTEN));
        KernelCounters before = KernelCounters.read();
        List<Map<String, SocketEntry>> samples = new ArrayList<>();
        if (!target.udp()) {
            samples.add(QueueDiagnosis.sample(listening));
            sleep(200);
        }
        List<SocketEntry> listeners = new ArrayList<>();
        int synRecv = 0;
        int closeWait = 0;
        for (SocketEntry e : SocketInventory.list(SocketQuery.of(target.udp() ? Netid.UDP : Netid.TCP))) {
            if (e.local().port() != target.port()) {
                continue;
            }
            if (e.listening() || target.udp() && e.state() == SocketState.CLOSE) {
                listeners.add(e);
            } else if (e.state() == SocketState.SYN_RECV || e.state() == SocketState.NEW_SYN_RECV) {
                synRecv++;
            } else if (e.state() == SocketState.CLOSE_WAIT) {
                closeWait++;
            }
        }
        QueueDiagnosis.Finding full = null;
        if (!target.udp()) {
            samples.add(QueueDiagnosis.sample(listening));
            for (QueueDiagnosis.Finding f : QueueDiagnosis.judge(samples, before, KernelCounters.read())) {
                if (f.kind().equals("accept-queue-full") && f.local().port() == target.port()) {
                    full = f;
                    break;
                }
            }
        }
        Map<Long, List<Owner>> owners = new LinkedHashMap<>();
        if (!listeners.isEmpty()) {
            OwnerMap map = OwnerMap.read();
            for (SocketEntry l : listeners) {
                owners.put(l.inode(), map.owners(l.inode()));
            }
            if (full != null) {
                owners.put(full.inode(), map.owners(full.inode()));
            }
        }
        long overflows = overflowsBefore < 0 ? 0 : Math.max(0, counter("ListenOverflows") - overflowsBefore);
        return new LocalSide(listeners, owners, synRecv, closeWait, full, overflows);
    }

    private static long counter(String name) {
        try {
            return KernelCounters.read().get("TcpExt", name);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static FirewallRules.Rule blockingRule(FirewallRules.Report rules, boolean serverSide) {
        for (FirewallRules.Rule r : rules.rules()) {
            if (r.blocks() && ("output".equals(r.hook()) || serverSide && "input".equals(r.hook()))) {
                return r;
            }
        }
        return null;
    }

    private static String firewallStatus(FirewallRules.Report rules, boolean local) {
        if (rules.rules().stream().anyMatch(FirewallRules.Rule::blocks)) {
            return Step.WARN;
        }
        return rules.refused() ? Step.SKIP : Step.OK;
    }

    private String firewallText(FirewallRules.Report rules) {
        List<String> parts = new ArrayList<>();
        for (FirewallRules.Rule r : rules.rules()) {
            parts.add(r.tool() + " " + r.where() + (r.hook() == null ? "" : " (hook " + r.hook() + ")") + ": " + r.text());
        }
        if (parts.isEmpty()) {
            parts.add(rules.refused() ? "could not read the rules (needs CAP_NET_ADMIN)"
                    : "no rule on this host matches " + target.protocol() + " port " + target.port());
        }
        for (String note : rules.notes()) {
            if (note.contains("policy drop")) {
                parts.add(note);
            }
        }
        return String.join("; ", parts);
    }

    // --- words ---

    private Verdict verdict(String cause, String category, String text, List<String> next) {
        return new Verdict(cause, category, text, next);
    }

    private static String errno(int errno) {
        return Classifier.standard().classify(errno, Platform.LINUX).category().id();
    }

    private static String categoryOf(Attempt a) {
        return errno(a.errno());
    }

    private String describe(InetAddress a) {
        return target.host().equals(AddressText.of(a)) ? AddressText.of(a) : target.host() + " (" + AddressText.of(a) + ")";
    }

    private static String bracket(InetAddress a) {
        return a instanceof Inet6Address ? "[" + AddressText.of(a) + "]" : AddressText.of(a);
    }

    private static String familyHint(Attempt first, Attempt working, LocalSide side) {
        boolean v6First = first.address() instanceof Inet6Address;
        boolean v6Works = working.address() instanceof Inet6Address;
        if (v6First != v6Works) {
            return "the server listens on IPv" + (v6Works ? "6" : "4") + " only";
        }
        return "the server does not listen on " + AddressText.of(first.address());
    }

    private static InetAddress routeSource(Attempt a) {
        try {
            return RouteQuery.get(a.address()).source();
        } catch (ErrnoException e) {
            return null;
        }
    }

    static String icmpText(IcmpWatch.Error e) {
        return Classifier.standard().classifyIcmp(e.version(), e.type(), e.code())
                .map(x -> e.type() + "/" + e.code() + " " + x.message()).orElse(e.type() + "/" + e.code());
    }

    private String routeText(InetAddress a, RouteQuery.Route r) {
        StringBuilder b = new StringBuilder(AddressText.of(a)).append(": ");
        if (r.local()) {
            b.append("this host's own address");
        } else if (r.gateway() != null) {
            b.append("via ").append(AddressText.of(r.gateway()));
        } else {
            b.append("on the link");
        }
        if (r.device() != null) {
            b.append(" dev ").append(r.device());
        }
        if (r.source() != null) {
            b.append(" src ").append(AddressText.of(r.source()));
        }
        return b.toString();
    }

    static String millis(long micros) {
        if (micros < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.2f ms", micros / 1000.0);
        }
        return (micros + 500) / 1000 + " ms";
    }

    private static void platform(Runnable task) {
        Thread.ofPlatform().daemon().name("diagnose-probe").start(task);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
