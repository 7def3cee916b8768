package io.netdiag.sockets;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** {@code -r}: host names by reverse lookup and service names from /etc/services, each looked up once. */
public final class NameResolver {
    private final Map<String, String> hosts = new HashMap<>();
    private final Map<String, String> services = new HashMap<>();

    public NameResolver() {
        try (var lines = Files.lines(Path.of("/etc/services"))) {
            lines.map(l -> l.replaceAll("#.*", "").trim().split("\\s+")).filter(f -> f.length >= 2 && f[1].contains("/"))
                    .forEach(f -> services.putIfAbsent(f[1], f[0]));
        } catch (IOException | RuntimeException e) {
            // numeric ports then
        }
    }

    String host(String address) {
        return hosts.computeIfAbsent(address, a -> {
            try {
                return InetAddress.ofLiteral(a).getHostName();
            } catch (RuntimeException e) {
                return a;
            }
        });
    }

    String service(Netid netid, int port) {
        String proto = netid == Netid.UDP ? "udp" : "tcp";
        return services.getOrDefault(port + "/" + proto, Integer.toString(port));
    }
}
