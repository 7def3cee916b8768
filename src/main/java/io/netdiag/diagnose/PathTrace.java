package io.netdiag.diagnose;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;
import io.netdiag.trace.HopStats;
import io.netdiag.trace.TraceListener;
import io.netdiag.trace.TraceRequest;
import io.netdiag.trace.TraceResult;
import io.netdiag.trace.Tracer;
import io.netdiag.trace.Verdict;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Step 5: where the path stops, through the trace engine: a short TCP (or UDP) trace to the port, which names the
 * last hop that answers (or the hop whose ICMP error ended the probes), and the engine's own comparison by ICMP.
 */
final class PathTrace {
    private PathTrace() {
    }

    static Hops trace(InetAddress address, int port, boolean udp, int waitMillis) {
        TraceRequest base = TraceRequest.to(AddressText.of(address));
        // three rounds 200 ms apart, each probe waiting a third of the step's time at most: the TCP trace and the
        // engine's ICMP comparison both fit in the step
        TraceRequest request = (udp ? base.udp(port) : base.tcp(port)).withRounds(3, 200)
                .withTimeout(Math.max(300, Math.min(1000, (waitMillis - 1000) / 3))).withNumeric(true);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<TraceResult> running = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("diagnose-trace").start(() -> {
            try {
                running.complete(Tracer.run(request, TraceListener.NONE, stop::get));
            } catch (RuntimeException e) {
                running.completeExceptionally(e);
            }
        });
        TraceResult r;
        try {
            r = running.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stop.set(true);
            try {
                r = running.get(1000, TimeUnit.MILLISECONDS);
            } catch (Exception again) {
                return new Hops(Step.SKIP, "the trace did not finish in " + waitMillis + " ms", null, false);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NetdiagException n) {
                boolean privilege = n.kind() == NetdiagException.Kind.UNSUPPORTED;
                return new Hops(Step.SKIP, (privilege ? "a " + (udp ? "UDP" : "TCP") + " trace needs raw sockets (root or "
                        + "CAP_NET_RAW): " : "the trace failed: ") + n.getMessage(), null, privilege);
            }
            return new Hops(Step.SKIP, "the trace failed: " + e.getCause(), null, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Hops(Step.SKIP, "interrupted", null, false);
        }
        return hops(r);
    }

    private static Hops hops(TraceResult r) {
        List<String> rows = new ArrayList<>();
        for (HopStats h : r.hops()) {
            rows.add(h.ttl() + " " + (h.address() == null ? "*" : AddressText.of(h.address())
                    + (h.icmpText() != null ? " (" + h.icmpText() + ")" : "")));
        }
        Verdict v = r.verdict();
        String last = null;
        if (v.ttl() != null && v.address() != null
                && (v.kind() == Verdict.Kind.BLOCKED || v.kind() == Verdict.Kind.REJECTED || v.kind() == Verdict.Kind.UNREACHABLE)) {
            last = "hop " + v.ttl() + " (" + AddressText.of(v.address()) + ")";
        }
        String comparison = "";
        if (r.comparison() != null) {
            TraceResult.Comparison c = r.comparison();
            String name = c.protocol().name();
            comparison = "; " + (c.reached() ? name + " gets through to the destination" : c.lastAddress() == null
                    ? name + " gets no answer either" : name + " gets as far as hop " + c.lastTtl() + " ("
                    + AddressText.of(c.lastAddress()) + ")");
        }
        String status = v.kind() == Verdict.Kind.REACHED || v.kind() == Verdict.Kind.PORT_CLOSED ? Step.OK : Step.FAIL;
        return new Hops(status, r.protocol().name().toLowerCase(java.util.Locale.ROOT) + " hops: " + String.join(", ", rows)
                + "; " + v.kind().id() + ": " + strip(v.text()), last, false, comparison.isEmpty() ? null
                : comparison.substring(2));
    }

    private static String strip(String sentence) {
        String s = sentence.strip();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
