package io.netdiag.sockets;

/** Renders a {@link QueueDiagnosis.Result} for people: one block per stuck queue, then the counters. */
public final class DiagnosisText {
    private DiagnosisText() {
    }

    public static String render(QueueDiagnosis.Result r) {
        StringBuilder b = new StringBuilder();
        b.append("Sampled ").append(r.sockets()).append(" sockets ").append(r.samples()).append(" times, ")
                .append(r.intervalMs()).append(" ms apart (source: ").append(r.source()).append(").\n");
        if (r.findings().isEmpty()) {
            b.append("No stuck queue: every non-empty queue drained between samples.\n");
        } else {
            b.append(r.findings().size()).append(r.findings().size() == 1 ? " stuck queue:\n" : " stuck queues:\n");
            for (QueueDiagnosis.Finding f : r.findings()) {
                b.append('\n').append("[").append(f.category()).append("] ").append(f.message()).append('\n');
                b.append("  Recv-Q ").append(f.recvQ()).append("  Send-Q ").append(f.sendQ()).append("  (per sample)\n");
                b.append("  means: ").append(f.explanation()).append('\n');
                b.append("  next:  ").append(f.next()).append('\n');
            }
        }
        StringBuilder counters = new StringBuilder();
        for (QueueDiagnosis.CounterChange c : r.counters()) {
            if (c.delta() != 0) {
                counters.append("  ").append(c.name()).append(" +").append(c.delta()).append('\n');
            }
        }
        if (!counters.isEmpty()) {
            b.append("\nKernel counters while sampling:\n").append(counters);
        }
        return b.toString();
    }
}
