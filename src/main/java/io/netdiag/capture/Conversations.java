package io.netdiag.capture;

import io.netdiag.explain.Category;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-conversation accounting over the packet summaries, and findings in plain words from the TCP analysis
 * flags and ICMP errors: what tcpdump and tshark leave to the reader.
 */
public final class Conversations {
    /** A plain-words finding, its classifier category, and the command that looks further. */
    public record Finding(String text, String category, String next) {
    }

    /** One conversation; A is the side that sent the first packet seen. */
    public record Conversation(String protocol, String endpointA, String endpointB, long packetsAToB, long bytesAToB,
                               long packetsBToA, long bytesBToA, double startSeconds, double durationSeconds,
                               List<Finding> findings) {
    }

    private static final class State {
        final String protocol;
        final String a;
        final String b;
        long packetsAB;
        long bytesAB;
        long packetsBA;
        long bytesBA;
        long first;
        long last;
        long dataSegments;
        long retransmissions;
        long dupAcks;
        long lost;
        final Map<String, long[]> zeroWindow = new LinkedHashMap<>(); // side -> {count, start, total, open}
        final List<String> resets = new ArrayList<>();
        boolean dataSeen;
        final List<Finding> icmpFindings = new ArrayList<>();

        State(String protocol, String a, String b, long first) {
            this.protocol = protocol;
            this.a = a;
            this.b = b;
            this.first = first;
            this.last = first;
        }
    }

    private final Map<String, State> states = new LinkedHashMap<>();

    public void add(PacketSummary p) {
        if ("icmp".equals(p.transport()) || "icmpv6".equals(p.transport())) {
            icmpError(p);
            return;
        }
        if (!"tcp".equals(p.transport()) && !"udp".equals(p.transport()) || p.sourcePort() < 0) {
            return;
        }
        String src = endpoint(p.sourceAddress(), p.sourcePort());
        String dst = endpoint(p.destinationAddress(), p.destinationPort());
        String key = key(p.transport(), src, dst) + (p.tcp() != null ? "#" + p.tcp().stream() : "");
        State s = states.computeIfAbsent(key, k -> new State(p.transport().toUpperCase(Locale.ROOT), src, dst, p.relativeNanos()));
        s.last = p.relativeNanos();
        if (src.equals(s.a)) {
            s.packetsAB++;
            s.bytesAB += p.length();
        } else {
            s.packetsBA++;
            s.bytesBA += p.length();
        }
        PacketSummary.Tcp tcp = p.tcp();
        if (tcp == null) {
            return;
        }
        if (tcp.payloadLength() > 0) {
            s.dataSegments++;
            s.dataSeen = true;
        }
        // a sender pushing at a full or zero window retransmits without any loss: not evidence of a bad path
        long[] peerWindow = s.zeroWindow.get(dst);
        boolean windowBound = p.analysis().contains(TcpFlag.WINDOW_FULL.text()) || peerWindow != null && peerWindow[3] == 1;
        for (String flag : p.analysis()) {
            if (flag.contains("Retransmission") && !windowBound) {
                s.retransmissions++;
            } else if (flag.startsWith("TCP Dup ACK")) {
                s.dupAcks++;
            } else if (flag.equals(TcpFlag.LOST_PACKET.text())) {
                s.lost++;
            }
        }
        long[] zw = s.zeroWindow.computeIfAbsent(src, k -> new long[4]);
        if (tcp.window() == 0 && !tcp.syn() && !tcp.rst() && !tcp.fin()) {
            if (p.analysis().contains(TcpFlag.ZERO_WINDOW.text())) {
                zw[0]++;
            }
            if (zw[3] == 0) {
                zw[1] = p.relativeNanos();
                zw[3] = 1;
            }
        } else if (zw[3] == 1) {
            zw[2] += p.relativeNanos() - zw[1];
            zw[3] = 0;
        }
        if (tcp.rst() && s.dataSeen && !s.resets.contains(p.sourceAddress())) {
            s.resets.add(p.sourceAddress());
        }
    }

    private void icmpError(PacketSummary p) {
        PacketSummary.Icmp icmp = p.icmp();
        if (icmp == null || icmp.quotedDestination() == null) {
            return;
        }
        boolean v4 = "icmp".equals(p.transport());
        boolean portUnreachable = v4 ? icmp.type() == 3 && icmp.code() == 3 : icmp.type() == 1 && icmp.code() == 4;
        boolean unreachable = v4 ? icmp.type() == 3 : icmp.type() == 1;
        if (!unreachable || icmp.quotedDestinationPort() < 0) {
            return;
        }
        String src = endpoint(icmp.quotedSource(), icmp.quotedSourcePort());
        String dst = endpoint(icmp.quotedDestination(), icmp.quotedDestinationPort());
        String proto = icmp.quotedProtocol() == null ? "udp" : icmp.quotedProtocol();
        String key = states.keySet().stream().filter(k -> k.startsWith(key(proto, src, dst))).reduce((x, y) -> y)
                .orElse(key(proto, src, dst));
        State s = states.computeIfAbsent(key, k -> new State(proto.toUpperCase(Locale.ROOT), src, dst, p.relativeNanos()));
        String what = proto.toUpperCase(Locale.ROOT) + " " + icmp.quotedDestinationPort();
        Finding f = portUnreachable
                ? new Finding("ICMP port unreachable for " + what + " from " + p.sourceAddress() + ": nothing listens there",
                        Category.REFUSED.id(), "netdiag sockets (on " + icmp.quotedDestination() + ")")
                : new Finding("ICMP destination unreachable for " + what + " from " + p.sourceAddress()
                        + ": the path or a filter refuses it", Category.UNREACHABLE.id(), "netdiag ping " + icmp.quotedDestination());
        if (s.icmpFindings.stream().noneMatch(x -> x.text().equals(f.text()))) {
            s.icmpFindings.add(f);
        }
    }

    /** The conversations in order of their first packet, with findings. */
    public List<Conversation> report() {
        List<Conversation> list = new ArrayList<>();
        for (State s : states.values()) {
            List<Finding> findings = new ArrayList<>();
            for (Map.Entry<String, long[]> e : s.zeroWindow.entrySet()) {
                long[] zw = e.getValue();
                long total = zw[2] + (zw[3] == 1 ? s.last - zw[1] : 0);
                if (zw[0] > 0) {
                    findings.add(new Finding(String.format(Locale.ROOT,
                            "receiver %s advertised a zero window %d time%s for %.1f s: the application there stopped reading",
                            e.getKey(), zw[0], zw[0] == 1 ? "" : "s", total / 1e9), Category.WOULD_BLOCK.id(),
                            "netdiag sockets (look at Recv-Q on " + e.getKey() + ")"));
                }
            }
            if (s.retransmissions > 0 && s.dataSegments > 0) {
                double rate = 100.0 * s.retransmissions / s.dataSegments;
                String counted = String.format(Locale.ROOT, "retransmissions %.1f%% of segments (%d of %d)%s", rate,
                        s.retransmissions, s.dataSegments, s.dupAcks > 0 ? ", " + s.dupAcks + " duplicate ACKs" : "");
                // Loopback has no wire to lose packets on: a local firewall rule or the receiving socket
                // itself (receive queue full: TCPRcvQDrop, pruning) dropped them.
                findings.add(loopback(host(s.a)) && loopback(host(s.b))
                        ? new Finding(counted + ": on loopback nothing is lost in transit, so a local firewall rule or a"
                                + " full receive queue dropped segments", Category.TIMEOUT.id(),
                                "netdiag sockets -s (TcpExt TCPRcvQDrop, PruneCalled) and nft list ruleset")
                        : new Finding(counted + ": loss on the path", Category.TIMEOUT.id(), "netdiag ping " + host(s.b)));
            }
            for (String who : s.resets) {
                findings.add(new Finding("reset by " + who + " after data: the peer closed with unread data or crashed",
                        Category.PEER_GONE.id(), "netdiag explain ECONNRESET"));
            }
            findings.addAll(s.icmpFindings);
            list.add(new Conversation(s.protocol, s.a, s.b, s.packetsAB, s.bytesAB, s.packetsBA, s.bytesBA, s.first / 1e9,
                    (s.last - s.first) / 1e9, List.copyOf(findings)));
        }
        return list;
    }

    private static String key(String proto, String a, String b) {
        return proto + " " + (a.compareTo(b) <= 0 ? a + " " + b : b + " " + a);
    }

    static String endpoint(String address, int port) {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }

    private static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.startsWith("127.") || h.equals("::1");
    }

    private static String host(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        String h = endpoint.substring(0, colon);
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }
}
