package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import io.netdiag.exporter.Exporter;
import io.netdiag.exporter.ExporterConfig;
import io.netdiag.output.Json;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code netdiag exporter}: serves netdiag's probes, socket queues and stuck-queue diagnosis to Prometheus. */
final class ExporterCommand extends BaseCommand {
    String listen = Exporter.DEFAULT_LISTEN;
    String config;
    int maxSockets = 500;
    java.time.Duration sampleInterval = java.time.Duration.ofSeconds(5);

    @Override
    Declare declare() {
        return Declare.command(this, "exporter")
                .header("Serve probes, socket queues and stuck-queue findings to Prometheus.")
                .description(
                        "An HTTP server for Prometheus on 127.0.0.1:9917 unless --listen says otherwise. /metrics serves the "
                                + "scheduled probes of the config file, every TCP listener's accept queue and backlog, the "
                                + "queues of TCP and UDP sockets whose queue is not empty, and the queues that the sockets "
                                + "diagnosis (sampled in the background) flags as not draining, each with the pid and comm of "
                                + "the process holding the socket. The format is the Prometheus text format 0.0.4, or "
                                + "OpenMetrics 1.0.0 when the Accept header asks for application/openmetrics-text, as the "
                                + "Prometheus client libraries negotiate it; gzip when accepted.",
                        "",
                        "/probe?module=tcp|udp|icmp|trace&target=HOST[:PORT] runs one probe or trace on demand, "
                                + "blackbox_exporter style, and answers with its metrics; a target outside the config's allow "
                                + "list gets 403, so the exporter never probes for whoever can reach it. /-/healthy answers 200.",
                        "",
                        "The config file, the metrics, the JSON start line, the example alert rules and the systemd unit "
                                + "are described below (CONFIGURATION, METRICS, JSON, FILES). The exporter runs until SIGINT "
                                + "or SIGTERM.")
                .exitCodes(" 0:stopped by SIGINT or SIGTERM", " 2:bad option or config file, or the address cannot be bound",
                        " 3:not Linux", " 4:internal error")
                .declaredOrder()
                .option("-l, --listen", "ADDRESS:PORT", String.class, v -> listen = v,
                        "Where to serve (default 127.0.0.1:9917; [::1]:PORT for IPv6, :PORT for every address, port 0 "
                                + "for any free port).")
                .option("-c, --config", "FILE", String.class, v -> config = v,
                        "YAML file with scheduled probes and the /probe allow list (without it: no probes, /probe allows "
                                + "nothing).")
                .option("--max-sockets", "N", Accept.whole(1, 1_000_000), v -> maxSockets = v,
                        "The most series of each socket metric (default 500); the largest queues are kept.")
                .option("--sample-interval", "DURATION", Accept.duration(java.time.Duration.ofMillis(100),
                                java.time.Duration.ofHours(1)), v -> sampleInterval = v,
                        "Time between the background samples of the stuck-queue diagnosis (default 5s); a queue is "
                                + "flagged after two intervals without draining.");
    }

    @Override
    int execute() throws InterruptedException {
        long sampleMillis = sampleInterval.toMillis();
        InetSocketAddress address = listenAddress(listen);
        ExporterConfig cfg = config == null ? ExporterConfig.empty() : ExporterConfig.read(Path.of(config));
        CountDownLatch stop = new CountDownLatch(1);
        try (InterruptHandler ignored = InterruptHandler.install(stop::countDown);
             InterruptHandler ignoredToo = InterruptHandler.install("TERM", stop::countDown);
             Exporter exporter = Exporter.start(new Exporter.Settings(address, cfg, maxSockets, sampleMillis,
                     VersionProvider.version()))) {
            Exporter.Started s = exporter.started();
            if (json()) {
                out().println(Json.compact(s));
            } else {
                out().println("netdiag exporter: serving " + s.metrics() + " (" + s.probes() + " scheduled probe"
                        + (s.probes() == 1 ? "" : "s") + "; /probe allows " + (s.allow().isEmpty() ? "nothing"
                        : String.join(", ", s.allow())) + ")");
            }
            out().flush();
            stop.await();
        }
        return ExitCodes.OK;
    }

    /** ADDRESS:PORT, [IPV6]:PORT or :PORT (every address), as node_exporter's --web.listen-address. */
    static InetSocketAddress listenAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw NetdiagException.badInput("--listen needs ADDRESS:PORT, not '" + text + "'");
        }
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw NetdiagException.badInput("--listen: '" + text + "': the port must be 0-65535");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw NetdiagException.badInput("--listen: write an IPv6 address in brackets: [" + host + "]:" + port);
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw NetdiagException.badInput("--listen: " + host + ": Name or service not known");
        }
    }
}
