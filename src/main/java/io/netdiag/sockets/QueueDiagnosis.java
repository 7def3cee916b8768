package io.netdiag.sockets;

import io.netdiag.explain.Category;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stuck-queue detection: samples the sockets two or more times and flags queues that stay non-zero and do
 * not drain. A queue that is non-zero once is just traffic; one that is non-zero and not shrinking in every
 * sample means somebody stopped reading:
 * <ul>
 * <li>Recv-Q stuck: the owning process is not reading from this socket;</li>
 * <li>Send-Q stuck with the peer's window at zero: the peer is not reading;</li>
 * <li>Send-Q stuck with retransmissions and an open window: segments are lost or the peer is gone;</li>
 * <li>a listener whose accept queue is above its backlog: the application is not calling accept(), and the
 * kernel drops new connections (ListenOverflows grows).</li>
 * </ul>
 * Each finding carries a category from the classifier's vocabulary ({@link Category#id()}) and the next
 * command to run.
 */
public final class QueueDiagnosis {
    private QueueDiagnosis() {
    }

    /**
     * One stuck queue.
     *
     * @param kind        not-reading, datagrams-unread, peer-not-reading, send-stalled, connect-stalled, accept-queue-full
     * @param category    the classifier category id of the trouble this leads to (would-block, timeout, resource-exhausted)
     * @param recvQ       Recv-Q in each sample
     * @param sendQ       Send-Q in each sample
     * @param message     what is wrong, naming the process when known
     * @param explanation what it means for the programs involved
     * @param next        the command to run next
     */
    public record Finding(String kind, String category, String netid, String state, Endpoint local, Endpoint peer,
                          long inode, List<Long> recvQ, List<Long> sendQ, List<Owner> owners, String message,
                          String explanation, String next) {
    }

    /** A kernel counter's change over the sampling. */
    public record CounterChange(String name, long before, long after, long delta) {
    }

    /**
     * @param samples   how many times the sockets were read
     * @param intervalMs the time between samples
     * @param source    where they were read
     * @param sockets   sockets seen in the last sample
     * @param findings  stuck queues, worst first (empty: nothing stuck)
     * @param counters  the kernel counters that confirm drops, with their change while sampling
     */
    public record Result(int samples, long intervalMs, String source, long sockets, List<Finding> findings,
                         List<CounterChange> counters) {
    }

    public static Result run(SocketQuery query, int samples, long intervalMs) {
        SocketQuery q = query.withInfo(true).withOwners(false);
        KernelCounters before = KernelCounters.read();
        List<Map<String, SocketEntry>> taken = new ArrayList<>();
        String source = "";
        long seen = 0;
        for (int i = 0; i < samples; i++) {
            if (i > 0) {
                sleep(intervalMs);
            }
            Map<String, SocketEntry> interesting = new HashMap<>();
            long[] count = {0};
            SocketInventory.Report r = SocketInventory.stream(q, e -> {
                count[0]++;
                if (e.recvQ() > 0 || e.sendQ() > 0) {
                    interesting.put(key(e), e); // only sockets with something queued can be stuck
                }
            });
            source = r.sourceName();
            seen = count[0];
            taken.add(interesting);
        }
        KernelCounters after = KernelCounters.read();
        return new Result(samples, intervalMs, source, seen, judge(taken, before, after, true), changes(before, after));
    }

    /**
     * One sample of a diagnosis that goes on (the exporter's, between scrapes): the sockets with something
     * queued, keyed for {@link #judge(List, KernelCounters, KernelCounters)}.
     */
    public static Map<String, SocketEntry> sample(SocketQuery query) {
        Map<String, SocketEntry> interesting = new HashMap<>();
        SocketInventory.stream(query.withInfo(true).withOwners(false), e -> {
            if (e.recvQ() > 0 || e.sendQ() > 0) {
                interesting.put(key(e), e);
            }
        });
        return interesting;
    }

    /**
     * The stuck queues across samples from {@link #sample} (oldest first), with the kernel counters read at the
     * first and the last; without owners (the caller finds them by {@link Finding#inode()}).
     */
    public static List<Finding> judge(List<Map<String, SocketEntry>> samples, KernelCounters before, KernelCounters after) {
        return judge(samples, before, after, false);
    }

    static String key(SocketEntry e) {
        return e.netid().ssName() + " " + e.inode() + " " + e.local() + " " + e.peer();
    }

    static List<Finding> judge(List<Map<String, SocketEntry>> samples, KernelCounters before, KernelCounters after,
                               boolean findOwners) {
        long overflows = delta(before, after, "TcpExt", "ListenOverflows");
        long rcvbufErrors = delta(before, after, "Udp", "RcvbufErrors");
        Map<String, SocketEntry> last = samples.getLast();
        List<Finding> findings = new ArrayList<>();
        OwnerMap owners = null;
        for (Map.Entry<String, SocketEntry> entry : new LinkedHashMap<>(last).entrySet()) {
            List<SocketEntry> history = new ArrayList<>();
            for (Map<String, SocketEntry> s : samples) {
                SocketEntry e = s.get(entry.getKey());
                if (e == null) {
                    break;
                }
                history.add(e);
            }
            if (history.size() != samples.size()) {
                continue; // not queued in every sample: traffic, not a stuck queue
            }
            SocketEntry first = history.getFirst();
            SocketEntry now = history.getLast();
            if (now.family() == SocketEntry.Family.NETLINK && now.local().port() == 0) {
                continue; // the kernel's end of a netlink protocol: requests in flight, not an application's queue
            }
            List<Long> recv = history.stream().map(SocketEntry::recvQ).toList();
            List<Long> send = history.stream().map(SocketEntry::sendQ).toList();
            String kind = null;
            if (now.listening()) {
                if (now.netid() == Netid.TCP && history.stream().allMatch(e -> e.recvQ() > e.sendQ())) {
                    kind = "accept-queue-full";
                }
            } else if (history.stream().allMatch(e -> e.recvQ() > 0) && now.recvQ() >= first.recvQ()) {
                kind = now.netid() == Netid.UDP || now.netid() == Netid.RAW || now.netid() == Netid.UNIX_DGRAM
                        ? "datagrams-unread" : "not-reading";
            } else if (now.netid() == Netid.TCP && now.state() == SocketState.SYN_SENT
                    && history.stream().allMatch(e -> e.state() == SocketState.SYN_SENT)) {
                kind = "connect-stalled";
            } else if (now.netid() == Netid.TCP && (now.state() == SocketState.ESTABLISHED || now.state() == SocketState.CLOSE_WAIT)
                    && history.stream().allMatch(e -> e.sendQ() > 0) && now.sendQ() >= first.sendQ()) {
                TcpInfo t = now.tcpInfo().orElse(null);
                boolean zeroWindow = t != null && (t.sndWnd() == 0 || (t.sndWnd() < 0 && t.probes() > 0));
                if (zeroWindow) {
                    kind = "peer-not-reading";
                } else if (t != null && (t.retransmits() > 0 || t.retrans() > 0)) {
                    kind = "send-stalled";
                }
            }
            if (kind == null) {
                continue;
            }
            if (owners == null && findOwners) {
                owners = OwnerMap.read();
            }
            List<Owner> who = owners == null ? List.of() : owners.owners(now.inode());
            findings.add(finding(kind, now, recv, send, who, overflows, rcvbufErrors));
        }
        findings.sort(java.util.Comparator.comparingInt(f -> order(f.kind())));
        return findings;
    }

    private static int order(String kind) {
        return switch (kind) {
            case "accept-queue-full" -> 0;
            case "not-reading", "datagrams-unread" -> 1;
            case "peer-not-reading" -> 2;
            case "connect-stalled" -> 3;
            default -> 4;
        };
    }

    private static Finding finding(String kind, SocketEntry e, List<Long> recv, List<Long> send, List<Owner> who,
                                   long overflows, long rcvbufErrors) {
        String process = who.isEmpty() ? "the process holding it (not visible: run as root or with -p)"
                : "process " + who.getFirst().pid() + " " + who.getFirst().name();
        String local = endpoint(e, e.local());
        String peer = endpoint(e, e.peer());
        int lport = (int) e.local().port();
        int pport = (int) e.peer().port();
        return switch (kind) {
            case "accept-queue-full" -> new Finding(kind, Category.RESOURCE.id(), e.netid().ssName(), e.state().ssName(), e.local(),
                    e.peer(), e.inode(), recv, send, who,
                    "listener " + local + ": accept queue " + e.recvQ() + " is above its backlog " + e.sendQ() + ": "
                            + (who.isEmpty() ? "the application" : process) + " is not calling accept(); new connections are "
                            + "being dropped: ListenOverflows +" + overflows,
                    "clients' SYNs are dropped, so their connect() retries and then times out (timeout); raise the backlog "
                            + "(listen(fd, N), net.core.somaxconn) only after making the accept loop keep up",
                    "netdiag sockets -s  (watch TcpExt ListenOverflows)  and  netdiag sockets -tnp state listening 'sport = :" + lport + "'");
            case "not-reading", "datagrams-unread" -> {
                boolean datagrams = kind.equals("datagrams-unread");
                yield new Finding(kind, datagrams ? Category.RESOURCE.id() : Category.WOULD_BLOCK.id(), e.netid().ssName(),
                        e.state().ssName(), e.local(), e.peer(), e.inode(), recv, send, who,
                        e.netid().ssName() + " " + local + (e.netid().unix() || e.peer().port() == 0 ? "" : " <- " + peer) + ": Recv-Q " + e.recvQ()
                                + (datagrams ? " bytes of socket memory" : " bytes") + " and not draining: " + process
                                + " is not reading from this socket",
                        datagrams ? "datagrams that do not fit in the receive buffer are dropped (Udp RcvbufErrors +" + rcvbufErrors + ")"
                                : "once its receive buffer is full the window closes and the sender's writes block (would-block, EAGAIN)",
                        who.isEmpty() ? "netdiag sockets -p -e" + (e.netid().unix() ? "x" : "") + " to find the owner"
                                : "jstack " + who.getFirst().pid() + " / gdb -p " + who.getFirst().pid()
                                + " / cat /proc/" + who.getFirst().pid() + "/stack  (where is the reader blocked?)");
            }
            case "peer-not-reading" -> new Finding(kind, Category.WOULD_BLOCK.id(), e.netid().ssName(), e.state().ssName(), e.local(),
                    e.peer(), e.inode(), recv, send, who,
                    "tcp " + local + " -> " + peer + ": Send-Q " + e.sendQ() + " bytes, not draining, and the peer's window is 0: "
                            + "the peer is not reading",
                    (who.isEmpty() ? "this process" : process) + " gets EAGAIN (would-block) or blocks in send() until the peer reads",
                    "on the peer: netdiag sockets -tnp 'sport = :" + pport + "'  (its Recv-Q is the data); on the wire: "
                            + "netdiag capture 'tcp port " + pport + "' shows ZeroWindow");
            case "connect-stalled" -> new Finding(kind, Category.TIMEOUT.id(), e.netid().ssName(), e.state().ssName(), e.local(),
                    e.peer(), e.inode(), recv, send, who,
                    "tcp " + local + " -> " + peer + ": connect() has had no answer to its SYN for the whole sampling: the "
                            + "listener's accept queue is full, or a firewall drops the SYN",
                    (who.isEmpty() ? "the connecting process" : process) + " will get ETIMEDOUT (timeout) unless an answer comes",
                    "on the server: netdiag sockets --diagnose -tl 'sport = :" + pport + "'  (accept queue) and netdiag ping --tcp "
                            + pport + " " + e.peer().address());
            default -> new Finding(kind, Category.TIMEOUT.id(), e.netid().ssName(), e.state().ssName(), e.local(), e.peer(),
                    e.inode(), recv, send, who,
                    "tcp " + local + " -> " + peer + ": Send-Q " + e.sendQ() + " bytes, not draining, with retransmissions "
                            + "and an open window: segments are not being acknowledged",
                    "the path loses packets or the peer is gone; the connection ends with ETIMEDOUT (timeout) if this goes on",
                    "netdiag sockets -ti 'dport = :" + pport + "'  (retrans, rto) and netdiag ping " + e.peer().address());
        };
    }

    private static String endpoint(SocketEntry e, Endpoint end) {
        String[] cells = SocketRows.endpoint(e, end, true, null);
        return e.netid().unix() ? cells[0] + " (inode " + cells[1] + ")" : cells[0] + ":" + cells[1];
    }

    private static long delta(KernelCounters before, KernelCounters after, String group, String name) {
        long a = before.get(group, name);
        long b = after.get(group, name);
        return a < 0 || b < 0 ? 0 : b - a;
    }

    private static List<CounterChange> changes(KernelCounters before, KernelCounters after) {
        List<CounterChange> out = new ArrayList<>();
        for (String[] c : List.of(new String[] {"TcpExt", "ListenOverflows"}, new String[] {"TcpExt", "ListenDrops"},
                new String[] {"TcpExt", "TCPZeroWindowDrop"}, new String[] {"TcpExt", "TCPRcvQDrop"},
                new String[] {"Tcp", "RetransSegs"}, new String[] {"Udp", "RcvbufErrors"})) {
            long a = before.get(c[0], c[1]);
            long b = after.get(c[0], c[1]);
            if (a >= 0 && b >= 0) {
                out.add(new CounterChange(c[0] + " " + c[1], a, b, b - a));
            }
        }
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
