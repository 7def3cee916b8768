package io.netdiag.diagnose;

import io.netdiag.os.AddressText;
import io.netdiag.sockets.Owner;
import io.netdiag.sockets.QueueDiagnosis;
import io.netdiag.sockets.SocketEntry;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Step 6: this host's side of the port, from the sockets engine: the listeners (address, family, owner), the
 * accept queue against its backlog, ListenOverflows moving during the diagnosis, and SYN-RECV and CLOSE-WAIT piles.
 *
 * @param listeners the sockets listening on the port (TCP LISTEN, or bound UDP)
 * @param owners    the processes holding each listener, by socket inode
 * @param synRecv   half-open connections on the port
 * @param closeWait connections the peer closed and the process has not
 * @param fullQueue the sockets engine's accept-queue-full finding for the port, or null
 * @param overflows ListenOverflows' growth during the diagnosis
 */
record LocalSide(List<SocketEntry> listeners, Map<Long, List<Owner>> owners, int synRecv, int closeWait, QueueDiagnosis.Finding fullQueue, long overflows) {
    /** SYN-RECV above this many on one port looks like a flood or a peer that never completes handshakes. */
    private static final int PILE = 16;

    String status() {
        if (fullQueue != null || synRecv > PILE || closeWait > PILE) {
            return Step.WARN;
        }
        return Step.OK;
    }

    String detail() {
        List<String> parts = new ArrayList<>();
        if (listeners.isEmpty()) {
            parts.add("nothing on this host listens on the port");
        }
        for (SocketEntry l : listeners) {
            parts.add(who(l) + " listens on " + endpoint(l) + (l.listening() ? " (accept queue " + l.recvQ() + " of backlog "
                    + l.sendQ() + ")" : ""));
        }
        if (fullQueue != null) {
            parts.add("the accept queue stays above its backlog: " + who(fullQueue) + " is not calling accept(), "
                    + "and the kernel drops new SYNs");
        }
        if (overflows > 0) {
            // the counter is the whole network namespace's: it names this port only beside a full queue here
            parts.add("ListenOverflows (every listener of this host) grew by " + overflows + " during the diagnosis");
        }
        if (synRecv > 0) {
            parts.add(synRecv + " connection" + (synRecv == 1 ? "" : "s") + " in SYN-RECV");
        }
        if (closeWait > 0) {
            parts.add(closeWait + " connection" + (closeWait == 1 ? "" : "s") + " in CLOSE-WAIT (the process has not closed them)");
        }
        return String.join("; ", parts);
    }

    /** A listener on the port that does not accept connections to {@code address}, when no listener does; else null. */
    SocketEntry elsewhere(InetAddress address) {
        if (listeners.isEmpty()) {
            return null;
        }
        for (SocketEntry l : listeners) {
            if (covers(l, address)) {
                return null;
            }
        }
        return listeners.getFirst();
    }

    static boolean covers(SocketEntry l, InetAddress address) {
        String bound = l.local().address();
        String text = AddressText.of(address);
        if (l.family() == SocketEntry.Family.INET) {
            return address instanceof Inet4Address && (bound.equals("0.0.0.0") || bound.equals("*") || bound.equals(text));
        }
        boolean wildcard = bound.equals("::") || bound.equals("*") || bound.equals("[::]");
        if (address instanceof Inet6Address) {
            return wildcard || bound.equals(text) || bound.equals("[" + text + "]");
        }
        return !l.v6only() && (wildcard || bound.equals("::ffff:" + text));
    }

    /** "process nginx (pid 812)", or "a process" when the owner is hidden. */
    String who(SocketEntry l) {
        return owners(owners.getOrDefault(l.inode(), List.of()));
    }

    String who(QueueDiagnosis.Finding f) {
        return owners(owners.getOrDefault(f.inode(), List.of()));
    }

    private static String owners(List<Owner> owners) {
        if (owners.isEmpty()) {
            return "a process";
        }
        Owner o = owners.getFirst();
        return "process " + o.name() + " (pid " + o.pid() + ")";
    }

    /** "127.0.0.1:8080", "[::1]:8080", "*:8080" (both families). */
    static String endpoint(SocketEntry l) {
        String a = l.local().address();
        if (a.startsWith("::ffff:") && a.indexOf('.') > 0) {
            return a.substring(7) + ":" + l.local().port(); // IPv4-mapped on an IPv6 socket (Java servers): IPv4 only
        }
        boolean wildcard6 = l.family() == SocketEntry.Family.INET6 && (a.equals("::") || a.equals("*"));
        String shown = wildcard6 ? (l.v6only() ? "[::]" : "*") : a.indexOf(':') >= 0 && !a.startsWith("[") ? "[" + a + "]" : a;
        return shown + ":" + l.local().port() + (wildcard6 && l.v6only() ? " (IPv6 only)" : "");
    }
}
