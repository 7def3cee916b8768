package io.netdiag.diagnose;

import io.netdiag.explain.NetdiagException;

import java.util.Locale;
import java.util.Map;

/**
 * What to diagnose: a host and a port, as written ({@code HOST:PORT}, {@code [v6]:PORT}, a bare IPv6 address
 * with {@code --port}, or a URL whose scheme gives the port: {@code https://host/path} is port 443).
 *
 * @param written  the argument as the user wrote it
 * @param host     the host name or address literal, without brackets
 * @param port     1-65535
 * @param udp      a UDP service rather than TCP
 */
public record Target(String written, String host, int port, boolean udp) {
    /** Default ports of the URL schemes people paste (IANA service names). */
    private static final Map<String, Integer> SCHEMES = Map.ofEntries(
            Map.entry("http", 80), Map.entry("https", 443), Map.entry("ws", 80), Map.entry("wss", 443),
            Map.entry("ftp", 21), Map.entry("ssh", 22), Map.entry("telnet", 23), Map.entry("smtp", 25),
            Map.entry("dns", 53), Map.entry("imap", 143), Map.entry("imaps", 993), Map.entry("pop3", 110),
            Map.entry("pop3s", 995), Map.entry("ldap", 389), Map.entry("ldaps", 636), Map.entry("mysql", 3306),
            Map.entry("postgres", 5432), Map.entry("postgresql", 5432), Map.entry("redis", 6379),
            Map.entry("mongodb", 27017), Map.entry("amqp", 5672), Map.entry("mqtt", 1883), Map.entry("nats", 4222));

    /** "tcp" or "udp". */
    public String protocol() {
        return udp ? "udp" : "tcp";
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Parses the target; {@code port} (0 when not given) supplies the port when the text has none. Bad input
     * becomes an exit-2 failure that says what was expected.
     */
    public static Target parse(String text, int port, boolean udp) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw NetdiagException.badInput("empty target: expected HOST:PORT, [IPv6]:PORT or a URL");
        }
        String host;
        int found = -1;
        int scheme = s.indexOf("://");
        if (scheme > 0) {
            String name = s.substring(0, scheme).toLowerCase(Locale.ROOT);
            String rest = s.substring(scheme + 3);
            int end = firstOf(rest, "/?#");
            String authority = end < 0 ? rest : rest.substring(0, end);
            int at = authority.lastIndexOf('@');
            authority = at >= 0 ? authority.substring(at + 1) : authority;
            Integer byScheme = SCHEMES.get(name);
            String[] hp = splitHostPort(authority, text);
            host = hp[0];
            if (hp[1] != null) {
                found = portNumber(hp[1], text);
            } else if (byScheme != null) {
                found = byScheme;
            } else if (port == 0) {
                throw NetdiagException.badInput("no port in '" + text + "' and no default port for " + name
                        + "://; write HOST:PORT or add --port");
            }
        } else if (s.chars().filter(c -> c == ':').count() > 1 && !s.startsWith("[")) {
            host = s; // a bare IPv6 address: the port must come from --port
        } else {
            String[] hp = splitHostPort(s, text);
            host = hp[0];
            if (hp[1] != null) {
                found = portNumber(hp[1], text);
            }
        }
        if (found > 0 && port > 0 && found != port) {
            throw NetdiagException.badInput("'" + text + "' names port " + found + " but --port says " + port);
        }
        int chosen = found > 0 ? found : port;
        if (chosen <= 0) {
            throw NetdiagException.badInput("no port in '" + text + "': expected HOST:PORT, [IPv6]:PORT or a URL");
        }
        if (host.isEmpty()) {
            throw NetdiagException.badInput("no host in '" + text + "'");
        }
        if (!validHost(host)) {
            throw NetdiagException.badInput("not a host name or address: '" + host + "'");
        }
        return new Target(text, host, chosen, udp);
    }

    private static String[] splitHostPort(String s, String text) {
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw NetdiagException.badInput("unclosed '[' in '" + text + "'");
            }
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw NetdiagException.badInput("unexpected text after ']' in '" + text + "'");
            }
            return new String[] {s.substring(1, close), rest.length() > 1 ? rest.substring(1) : null};
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            return new String[] {s, null};
        }
        return new String[] {s.substring(0, colon), s.substring(colon + 1)};
    }

    private static int portNumber(String p, String text) {
        try {
            int n = Integer.parseInt(p);
            if (n >= 1 && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw NetdiagException.badInput("invalid port '" + p + "' in '" + text + "' (1-65535)");
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean validHost(String host) {
        if (host.indexOf(':') >= 0) {
            return host.matches("[0-9A-Fa-f:.]+(%[\\w.-]+)?");
        }
        return host.length() <= 253 && host.matches("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?");
    }
}
