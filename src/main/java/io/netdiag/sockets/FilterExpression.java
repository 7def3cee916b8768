package io.netdiag.sockets;

import io.netdiag.explain.NetdiagException;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses ss's filter language (ss(8), FILTER): {@code sport}/{@code dport} compared with {@code = == eq != ne
 * < lt > gt <= le >= ge} to {@code :PORT}, {@code src}/{@code dst} [{@code =}|{@code !=}] {@code ADDR[/LEN][:PORT]},
 * joined by {@code and && &}, {@code or || |}, {@code not !}, parentheses; a missing operator between two
 * conditions means {@code and}, as in ss. Examples: {@code dport = :443 and dst 10.0.0.0/8},
 * {@code ( sport = :ssh or sport = :http ) and not dst 127.0.0.1}.
 */
public final class FilterExpression {
    /** Parentheses and nots nest at most this deep: the parser and the matcher recurse once a level. */
    static final int MOST_NESTING = 100;
    /** At most this many conditions: a chain of them is matched by recursion too. */
    static final int MOST_CONDITIONS = 1000;

    private final List<String> tokens;
    private int at;
    private int depth;
    private int conditions;

    private FilterExpression(List<String> tokens) {
        this.tokens = tokens;
    }

    /** Parses the expression; bad input becomes a {@link NetdiagException} of kind BAD_INPUT naming the problem. */
    public static SocketFilter parse(String text) {
        List<String> tokens = tokenize(text);
        if (tokens.isEmpty()) {
            return SocketFilter.ALL;
        }
        FilterExpression p = new FilterExpression(tokens);
        SocketFilter f = p.or();
        if (p.at < tokens.size()) {
            throw bad("unexpected '" + tokens.get(p.at) + "' in filter '" + text.strip() + "'");
        }
        return f;
    }

    static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')') {
                out.add(String.valueOf(c));
                i++;
            } else if ("=!<>&|".indexOf(c) >= 0) {
                int j = i;
                while (j < text.length() && "=!<>&|".indexOf(text.charAt(j)) >= 0) {
                    j++;
                }
                String op = text.substring(i, j);
                // "!" directly before a word or paren is "not"; "!=" is an operator
                out.add(op);
                i = j;
            } else {
                int j = i;
                while (j < text.length() && !Character.isWhitespace(text.charAt(j)) && "()=!<>&|".indexOf(text.charAt(j)) < 0) {
                    j++;
                }
                out.add(text.substring(i, j));
                i = j;
            }
        }
        return out;
    }

    private String peek() {
        return at < tokens.size() ? tokens.get(at).toLowerCase(Locale.ROOT) : null;
    }

    private String next(String what) {
        if (at >= tokens.size()) {
            throw bad("filter ends where " + what + " was expected");
        }
        return tokens.get(at++);
    }

    private SocketFilter or() {
        SocketFilter left = and();
        while (true) {
            String t = peek();
            if ("or".equals(t) || "||".equals(t) || "|".equals(t)) {
                at++;
                left = new SocketFilter.Or(left, and());
            } else {
                return left;
            }
        }
    }

    private SocketFilter and() {
        SocketFilter left = unary();
        while (true) {
            String t = peek();
            if ("and".equals(t) || "&&".equals(t) || "&".equals(t)) {
                at++;
                left = new SocketFilter.And(left, unary());
            } else if (t != null && !t.equals(")") && !t.equals("or") && !t.equals("||") && !t.equals("|")) {
                left = new SocketFilter.And(left, unary()); // ss: juxtaposition means and
            } else {
                return left;
            }
        }
    }

    private SocketFilter unary() {
        String t = peek();
        if (t == null) {
            throw bad("filter ends where a condition was expected");
        }
        if (t.equals("not") || t.equals("!") || t.equals("(")) {
            if (++depth > MOST_NESTING) {
                throw bad("filter nested deeper than " + MOST_NESTING + " levels of parentheses and nots");
            }
            at++;
            SocketFilter inner;
            if (t.equals("(")) {
                inner = or();
                if (!")".equals(peek())) {
                    throw bad("missing ')' in filter");
                }
                at++;
            } else {
                inner = new SocketFilter.Not(unary());
            }
            depth--;
            return inner;
        }
        if (++conditions > MOST_CONDITIONS) {
            throw bad("filter has more than " + MOST_CONDITIONS + " conditions");
        }
        at++;
        return switch (t) {
            case "sport", "dport" -> portCondition(t.equals("sport") ? SocketFilter.Side.SOURCE : SocketFilter.Side.DESTINATION);
            case "src", "dst" -> addressCondition(t.equals("src") ? SocketFilter.Side.SOURCE : SocketFilter.Side.DESTINATION);
            default -> throw bad("unknown filter word '" + tokens.get(at - 1)
                    + "' (expected sport, dport, src, dst, and, or, not, parentheses)");
        };
    }

    private SocketFilter portCondition(SocketFilter.Side side) {
        SocketFilter.Op op = SocketFilter.Op.EQ;
        String t = peek();
        SocketFilter.Op explicit = t == null ? null : operator(t);
        if (explicit != null) {
            op = explicit;
            at++;
        }
        String value = next("a port such as :443");
        int port = port(value.startsWith(":") ? value.substring(1) : value);
        return new SocketFilter.PortCompare(side, op, port);
    }

    private SocketFilter addressCondition(SocketFilter.Side side) {
        boolean negate = false;
        String t = peek();
        if (t != null && operator(t) != null) {
            SocketFilter.Op op = operator(t);
            if (op == SocketFilter.Op.NE) {
                negate = true;
            } else if (op != SocketFilter.Op.EQ) {
                throw bad("addresses compare with = or != only, not '" + t + "'");
            }
            at++;
        }
        return address(side, next("an address such as 10.0.0.0/8"), negate);
    }

    private static SocketFilter.Op operator(String t) {
        return switch (t) {
            case "=", "==", "eq" -> SocketFilter.Op.EQ;
            case "!=", "ne", "neq" -> SocketFilter.Op.NE;
            case "<", "lt" -> SocketFilter.Op.LT;
            case ">", "gt" -> SocketFilter.Op.GT;
            case "<=", "le" -> SocketFilter.Op.LE;
            case ">=", "ge" -> SocketFilter.Op.GE;
            default -> null;
        };
    }

    /** ADDR[/LEN][:PORT], [V6ADDR][/LEN][:PORT], *:PORT, :PORT, or a bare IPv6 address. */
    static SocketFilter address(SocketFilter.Side side, String text, boolean negate) {
        String host;
        String portText = null;
        if (text.startsWith("/") || text.startsWith("@")) {
            return new SocketFilter.UnixPath(side, text, negate);
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw bad("missing ']' in address '" + text + "'");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (rest.startsWith("/")) {
                int colon = rest.indexOf(':');
                host += colon < 0 ? rest : rest.substring(0, colon);
                rest = colon < 0 ? "" : rest.substring(colon);
            }
            if (rest.startsWith(":")) {
                portText = rest.substring(1);
            } else if (!rest.isEmpty()) {
                throw bad("cannot read address '" + text + "'");
            }
        } else if (text.chars().filter(ch -> ch == ':').count() > 1) {
            host = text; // a bare IPv6 address or prefix
        } else {
            int colon = text.lastIndexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            portText = colon < 0 ? null : text.substring(colon + 1);
        }
        int port = portText == null || portText.equals("*") || portText.isEmpty() ? -1 : port(portText);
        if (host.isEmpty() || host.equals("*")) {
            return new SocketFilter.AddressMatch(side, null, 0, port, negate);
        }
        int slash = host.indexOf('/');
        String addr = slash < 0 ? host : host.substring(0, slash);
        byte[] bytes;
        try {
            bytes = InetAddress.ofLiteral(addr).getAddress();
        } catch (IllegalArgumentException e) {
            throw bad("'" + addr + "' is not a numeric IPv4 or IPv6 address");
        }
        int length = bytes.length * 8;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(host.substring(slash + 1));
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0 || length > bytes.length * 8) {
                throw bad("bad prefix length in '" + host + "'");
            }
        }
        return new SocketFilter.AddressMatch(side, bytes, length, port, negate);
    }

    /** A port number, or a service name from /etc/services. */
    static int port(String text) {
        try {
            int p = Integer.parseInt(text);
            if (p < 0 || p > 65535) {
                throw bad("port " + text + " is out of range 0-65535");
            }
            return p;
        } catch (NumberFormatException e) {
            int p = service(text);
            if (p < 0) {
                throw bad("'" + text + "' is neither a port number nor a service in /etc/services");
            }
            return p;
        }
    }

    private static int service(String name) {
        try (var lines = Files.lines(Path.of("/etc/services"))) {
            return lines.map(l -> l.replaceAll("#.*", "").trim().split("\\s+"))
                    .filter(f -> f.length >= 2 && (f[0].equalsIgnoreCase(name)
                            || List.of(f).subList(2, f.length).stream().anyMatch(a -> a.equalsIgnoreCase(name))))
                    .map(f -> Integer.parseInt(f[1].substring(0, f[1].indexOf('/'))))
                    .findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static NetdiagException bad(String message) {
        return NetdiagException.badInput(message);
    }
}
