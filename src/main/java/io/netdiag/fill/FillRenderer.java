package io.netdiag.fill;

import io.netdiag.output.Table;

import java.util.Locale;

/** Renders a fill as one screen of text: what was sent, where it sits (netstat rows), and why the send blocked. */
public final class FillRenderer {
    private FillRenderer() {
    }

    public static String text(FillResult r) {
        StringBuilder out = new StringBuilder();
        header(out, r);
        sending(out, r);
        buffers(out, r);
        queues(out, r);
        accounting(out, r);
        window(out, r);
        verdict(out, r);
        return out.toString();
    }

    /** The story in two lines: who is not reading, and what a program should do about it. */
    private static void verdict(StringBuilder out, FillResult r) {
        SendFailure f = r.failure();
        String text;
        if (f != null && f.errno() != 11) {
            text = "the connection ended under the client (" + f.symbol() + ") after " + n(r.totalSent())
                    + " bytes; whatever was still queued is lost. A program sees this as an error on its next send.";
        } else if (r.completed()) {
            text = "every byte arrived: the send blocked " + (r.blocks() == 1 ? "once" : n(r.blocks()) + " times")
                    + " while the server lagged behind, and went on each time the server read and opened its window.";
        } else if (r.blocks() == 0) {
            text = "the send never blocked: the server kept up, or the run ended first.";
        } else if (r.window() != null && r.window().peerWindow() > 0) {
            text = "the limit was the client's own send buffer, not the server: wait for POLLOUT (or a larger SO_SNDBUF) "
                    + "and the send goes on.";
        } else if (r.mode().equals("connect")) {
            text = "the server at " + r.server() + " is not reading (fast enough): its window is closed and "
                    + n(r.accounting().clientSendQ()) + " bytes wait in the client's Send-Q. Look at the server's "
                    + "application, not the network.";
        } else {
            long recvQ = r.accounting().serverRecvQ();
            text = "the server does not read, so its receive buffer filled (Recv-Q " + n(recvQ) + ")"
                    + (r.window() == null ? "" : " and its window closed")
                    + "; then the client's buffer filled (Send-Q " + n(r.accounting().clientSendQ()) + ") and send() "
                    + "returned EAGAIN. A non-blocking program waits for POLLOUT; the cure is a server that reads.";
        }
        out.append('\n').append(wrap("In short: " + text, 100));
    }

    private static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append("  ");
            }
            if (!line.isEmpty() && !line.toString().equals("  ")) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).append('\n').toString();
    }

    private static void header(StringBuilder out, FillResult r) {
        String what = switch (r.transport()) {
            case "unix" -> "UNIX stream";
            case "tcp6" -> "TCP/IPv6";
            default -> "TCP";
        };
        String reader = r.reader().equals("never") ? "the server never reads" : "the server reads " + readerText(r.reader());
        if (r.mode().equals("connect")) {
            out.append("netdiag fill: ").append(what).append(" client against ").append(r.server()).append('\n');
        } else {
            out.append("netdiag fill: local ").append(what).append(" pair, ").append(reader).append('\n');
        }
        out.append("  client ").append(r.client()).append(" -> server ").append(r.server()).append(", ")
                .append(r.sendMode()).append(" send() of ").append(n(r.chunk())).append("-byte chunks\n\n");
    }

    private static String readerText(String policy) {
        if (policy.startsWith("rate:")) {
            return "at " + n(Long.parseLong(policy.substring(5))) + " bytes/s";
        }
        if (policy.startsWith("after:")) {
            return "from " + ms(Double.parseDouble(policy.substring(6).replace("ms", ""))) + " on";
        }
        return policy;
    }

    private static void sending(StringBuilder out, FillResult r) {
        SendFailure f = r.failure();
        if (r.blocks() > 0) {
            out.append("Sent ").append(n(r.bytesAtBlock())).append(" bytes in ").append(n(r.sends())).append(" send() calls");
            if (r.shortSends() > 0) {
                out.append(" (").append(n(r.shortSends())).append(" short)");
            }
            out.append(", then the send blocked ").append(ms(r.hungSends() > 0 ? r.millisToHang() : r.millisToBlock()))
                    .append(" after the first send:\n");
            if (r.hungSends() > 0) {
                out.append("  ").append(n(r.hungSends())).append(r.hungSends() == 1 ? " send" : " sends")
                        .append(" hung until SO_SNDTIMEO and returned short: only part of the chunk found room\n");
            }
            out.append("  send #").append(n(r.sends() + 1));
            if (r.blockedFor() >= 0) {
                out.append(" hung ").append(ms(r.blockedFor())).append(" in the kernel, then");
            }
            out.append(" failed: ").append(f.symbol()).append(" (").append(f.message()).append(")\n");
            boolean roomAtPeer = r.window() != null && r.window().peerWindow() > 0 && r.resumedAfter() < 0;
            out.append("  ").append(roomAtPeer
                    ? "the client's send buffer was full of data in flight, but the server had room: poll() for POLLOUT "
                    + "and the next send goes through"
                    : r.reader().startsWith("rate:") && !r.sendMode().startsWith("blocking")
                    ? "the send buffer is full: the server reads, but slower than the client sends"
                    : f.meaning()).append('\n');
        } else {
            out.append("Sent ").append(n(r.totalSent())).append(" bytes in ").append(n(r.sends())).append(" send() calls")
                    .append(r.shortSends() > 0 ? " (" + n(r.shortSends()) + " short)" : "").append(" without blocking\n");
        }
        if (f != null && f.errno() != 11) {
            out.append("  the connection ended: ").append(f.operation()).append(" failed with ").append(f.symbol())
                    .append(" (").append(f.message()).append(") [").append(f.category()).append("]\n");
            out.append("  ").append(f.meaning()).append("; the figures below are as far as it got\n");
        }
        if (r.blocks() > 0 && r.resumedAfter() >= 0) {
            out.append("  the reader opened the window: the send resumed ").append(ms(r.resumedAfter()))
                    .append(" after the first block (").append(n(r.blocks())).append(r.blocks() == 1 ? " block" : " blocks")
                    .append(" in all)\n");
        }
        if (r.totalSent() != r.bytesAtBlock() && r.blocks() > 0) {
            out.append("  in all: ").append(n(r.totalSent())).append(" bytes sent, ").append(n(r.totalRead()))
                    .append(" read by the server").append(r.completed() ? " (completed)" : "").append('\n');
        } else if (r.completed()) {
            out.append("  the server read all ").append(n(r.totalRead())).append(" bytes (completed)\n");
        }
        out.append('\n');
    }

    private static void buffers(StringBuilder out, FillResult r) {
        Table t = new Table("Buffer", "requested", "at start", "at block").align(1, Table.Align.RIGHT)
                .align(2, Table.Align.RIGHT).align(3, Table.Align.RIGHT);
        for (BufferSetting b : r.buffers()) {
            t.row(b.side() + " " + b.option(), b.requested() != null ? n(b.requested()) : b.autotuned() ? "autotuned" : "default", n(b.initial()), n(b.atBlock()));
        }
        out.append(t.render());
        boolean doubled = r.buffers().stream().anyMatch(b -> b.requested() != null && b.initial() == 2L * b.requested());
        if (doubled) {
            out.append("  Linux doubles a requested size to leave room for its own bookkeeping (socket(7)).\n");
        }
        out.append('\n');
    }

    private static void queues(StringBuilder out, FillResult r) {
        String from = switch (r.queueSource()) {
            case EndpointQueues.NETLINK -> "as netdiag sockets reads them (netlink sock_diag)";
            case EndpointQueues.IOCTL -> "read with ioctl(SIOCINQ/SIOCOUTQ) and getsockopt(TCP_INFO)";
            default -> "through netlink sock_diag, and with ioctl where it could not";
        };
        if (r.settledAfter() >= 0) {
            out.append("Queues once settled, ").append(ms(r.settledAfter())).append(" after the block, ").append(from).append(":\n");
        } else {
            out.append("Queues at the end, ").append(from).append(":\n");
        }
        Table t = new Table("Proto", "Recv-Q", "Send-Q", "Local Address", "Foreign Address", "State", "")
                .align(1, Table.Align.RIGHT).align(2, Table.Align.RIGHT);
        for (EndpointQueues q : r.queues()) {
            String note = switch (q.role()) {
                case "server" -> "server: received, not read";
                case "client" -> q.proto().equals("unix") ? "client: memory charged for the data in the server's queue"
                        : "client: sent, not acknowledged";
                default -> q.role();
            };
            t.row(q.proto(), q.recvQ(), q.sendQ(), q.local(), q.peer(), q.state(), note);
        }
        out.append(t.render());
        if (r.queueNote() != null) {
            wrap("note: " + r.queueNote(), 98).lines().forEach(line -> out.append("  ").append(line).append('\n'));
        }
        out.append('\n');
    }

    private static void accounting(StringBuilder out, FillResult r) {
        FillResult.Accounting a = r.accounting();
        out.append("Where the bytes are: ").append(n(a.sent())).append(" sent = ");
        StringBuilder terms = new StringBuilder();
        if (a.read() > 0) {
            terms.append(n(a.read())).append(" read by the server + ");
        }
        if (a.serverRecvQ() >= 0) {
            terms.append(n(a.serverRecvQ())).append(" in the server's Recv-Q");
            if (!r.transport().equals("unix")) {
                terms.append(" + ").append(n(a.clientSendQ())).append(" in the client's Send-Q");
            }
        } else {
            terms.append(n(a.peerAcked())).append(" acknowledged by the server (its Recv-Q plus what it read) + ")
                    .append(n(a.clientSendQ())).append(" in the client's Send-Q");
        }
        out.append(terms);
        out.append(a.exact() ? " (exact)\n" : " (off by " + n(a.sent() - a.accounted()) + ": bytes in flight, or being read, at that instant)\n");
        if (r.transport().equals("unix")) {
            out.append("  UNIX sockets have no window: the data waits in the server's receive queue, and the client's\n")
                    .append("  Send-Q is the memory (skb truesize) charged against its SO_SNDBUF for it, the only limit.\n");
        }
        out.append('\n');
    }

    private static void window(StringBuilder out, FillResult r) {
        FillResult.WindowFacts w = r.window();
        if (w == null) {
            return;
        }
        boolean blockedAtEnd = r.failure() != null && r.failure().errno() == 11 && !r.completed() && r.resumedAfter() < 0;
        if (!blockedAtEnd) {
            out.append("The client's tcp_info at the end: peer window ").append(n(w.peerWindow())).append(" bytes, ")
                    .append(ms(w.rwndLimitedMillis())).append(" limited by the peer's window, ")
                    .append(ms(w.sndbufLimitedMillis())).append(" by its own send buffer\n");
            return;
        }
        out.append("Why the send blocked (the client's tcp_info):\n");
        Table t = new Table("fact", "value", "meaning").withoutHeader();
        if (w.peerWindow() >= 0) {
            t.row("  peer window", n(w.peerWindow()) + " bytes", w.peerWindow() == 0
                    ? "the server advertises no room: its receive buffer is full"
                    : "the server still has room: the client's own SO_SNDBUF filled with data in flight");
        }
        if (w.peerWindow() == 0) {
            t.row("  zero-window probes", n(w.zeroWindowProbes()) + " sent",
                    "persist timer back-off " + w.backoff() + ": the client keeps asking whether the window opened");
            t.row("  waiting to be sent", n(w.notSent()) + " bytes", "never left the client: no window to send them into");
        }
        t.row("  in flight", n(w.unacked()) + " segments", "sent and not yet acknowledged");
        t.row("  window-limited", ms(w.rwndLimitedMillis()), "time the client could not send for lack of peer window");
        t.row("  sndbuf-limited", ms(w.sndbufLimitedMillis()), "time it could not send for lack of its own buffer");
        out.append(t.render());
    }

    static String n(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String ms(double millis) {
        if (millis < 10) {
            return String.format(Locale.ROOT, "%.1f ms", millis);
        }
        return String.format(Locale.ROOT, "%,d ms", Math.round(millis));
    }

    /** The live status line: bytes sent and both queues as they grow. */
    public static String status(FillSample s) {
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "%8.1f ms  sent %s", s.millis(), n(s.sent())));
        if (s.serverRecvQ() >= 0) {
            line.append("  server Recv-Q ").append(n(s.serverRecvQ()));
        }
        if (s.clientSendQ() >= 0) {
            line.append("  client Send-Q ").append(n(s.clientSendQ()));
        }
        if (s.peerWindow() >= 0) {
            line.append("  window ").append(n(s.peerWindow()));
        }
        if (s.read() > 0) {
            line.append("  read ").append(n(s.read()));
        }
        return line.toString();
    }
}
