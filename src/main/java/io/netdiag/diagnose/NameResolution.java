package io.netdiag.diagnose;

import io.netdiag.os.AddressInfo;
import io.netdiag.os.AddressText;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Step 2: the name resolved as the application resolves it (getaddrinfo, the system's order), where the
 * answer came from (/etc/hosts or DNS, per nsswitch.conf), and each resolver of resolv.conf asked directly so
 * that NXDOMAIN, SERVFAIL and silence can be told apart.
 */
final class NameResolution {
    /** getaddrinfo is slow above this: an answer from a resolver on the network takes tens of milliseconds. */
    static final long SLOW_MILLIS = 1000;

    private NameResolution() {
    }

    /**
     * What resolution found.
     *
     * @param addresses  in getaddrinfo's order
     * @param source     literal, /etc/hosts, DNS, or the nsswitch source that answered
     * @param eaiCode    0, or getaddrinfo's EAI code; {@link #TIMED_OUT} when it did not return in time
     * @param eaiMessage gai_strerror's words, or null
     * @param resolvers  each resolver's answer to the name, when DNS is consulted
     * @param millis     getaddrinfo's time (or the time waited)
     */
    record Result(List<InetAddress> addresses, String source, int eaiCode, String eaiMessage, List<Asked> resolvers,
                  String queried, long millis) {
        static final int TIMED_OUT = Integer.MIN_VALUE;

        boolean ok() {
            return eaiCode == 0 && !addresses.isEmpty();
        }
    }

    /** One resolver and its answer. */
    record Asked(InetAddress server, DnsQuery.Answer answer) {
    }

    static Result resolve(String host, int family, boolean datagram, int timeoutMillis, Path etc) {
        String bare = host.contains("%") ? host.substring(0, host.indexOf('%')) : host;
        InetAddress numeric = io.netdiag.os.AddressText.inetAton(bare);
        if (bare.indexOf(':') >= 0 || numeric != null) {
            // an address literal: getaddrinfo returns it without a lookup, IPv4 in any form inet_aton reads (010.0.0.1
            // is 8.0.0.1, which the JDK would read as 10.0.0.1)
            try {
                InetAddress literal = numeric != null ? numeric : InetAddress.getByName(host);
                boolean wrongFamily = family == 4 && !(literal instanceof java.net.Inet4Address)
                        || family == 6 && !(literal instanceof java.net.Inet6Address);
                return wrongFamily ? new Result(List.of(), "literal", -9, "Address family for hostname not supported",
                        List.of(), null, 0) : new Result(List.of(literal), "literal", 0, null, List.of(), null, 0);
            } catch (java.net.UnknownHostException e) {
                return new Result(List.of(), "literal", -2, "Name or service not known", List.of(), null, 0);
            }
        }
        ResolverConfig config = ResolverConfig.read(etc);
        List<InetAddress> fromHosts = config.sources().contains("files") ? ResolverConfig.hostsEntries(etc, host) : List.of();
        boolean hostsFirst = !fromHosts.isEmpty() && config.before("files", "dns") && config.before("files", "resolve");
        AddressInfo.prepare();
        long start = System.nanoTime();
        CompletableFuture<AddressInfo.Result> lookup = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("getaddrinfo").start(() -> {
            try {
                lookup.complete(AddressInfo.lookup(host, family, datagram));
            } catch (RuntimeException e) {
                lookup.completeExceptionally(e);
            }
        });
        // ask the resolvers at the same time: their answers explain a failure, and cost nothing when it works
        List<CompletableFuture<Asked>> asking = new ArrayList<>();
        String queried = null;
        boolean usesDns = !hostsFirst && (config.sources().contains("dns") || config.sources().contains("resolve"));
        if (usesDns) {
            queried = config.queryNames(host).getFirst();
            int type = family == 6 ? DnsQuery.AAAA : DnsQuery.A;
            for (InetAddress server : config.nameservers().subList(0, Math.min(3, config.nameservers().size()))) {
                String name = queried;
                asking.add(CompletableFuture.supplyAsync(() -> new Asked(server, DnsQuery.ask(server, name, type, timeoutMillis)),
                        r -> Thread.ofPlatform().daemon().name("dns-query").start(r)));
            }
        }
        AddressInfo.Result answer;
        try {
            answer = lookup.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = null;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        List<Asked> resolvers = new ArrayList<>();
        for (CompletableFuture<Asked> a : asking) {
            resolvers.add(a.join());
        }
        String source;
        if (hostsFirst) {
            source = "/etc/hosts";
        } else if (answer != null && answer.code() == 0 && !fromHosts.isEmpty() && fromHosts.containsAll(answer.addresses())) {
            source = "/etc/hosts";
        } else if (answer != null && answer.code() == 0 && config.sources().contains("myhostname") && usesDns
                && resolvers.stream().noneMatch(r -> r.answer().rcode() == 0 && r.answer().answers() > 0)
                && (host.equalsIgnoreCase("localhost") || host.toLowerCase(java.util.Locale.ROOT).endsWith(".localhost"))) {
            source = "myhostname";
        } else {
            source = config.sources().contains("resolve") && config.before("resolve", "dns") ? "systemd-resolved" : "DNS";
        }
        if (answer == null) {
            return new Result(List.of(), source, Result.TIMED_OUT, "no answer in " + millis + " ms", resolvers, queried, millis);
        }
        return new Result(answer.addresses(), source, answer.code(), answer.message(), resolvers, queried, millis);
    }

    /** "10.0.0.1, ::1" */
    static String list(List<InetAddress> addresses) {
        List<String> texts = new ArrayList<>();
        for (InetAddress a : addresses) {
            texts.add(AddressText.of(a));
        }
        return String.join(", ", texts);
    }
}
