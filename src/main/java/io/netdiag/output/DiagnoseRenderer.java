package io.netdiag.output;

import io.netdiag.diagnose.Diagnosis;
import io.netdiag.diagnose.Step;
import io.netdiag.diagnose.StepListener;
import io.netdiag.diagnose.Verdict;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a diagnosis: the steps as a table (step, result, time, what it found), then the verdict as
 * {@code verdict:}, {@code why:} and {@code try:} lines, as ping prints its explanations; or one JSON document.
 * On a terminal it is also the {@link StepListener} that shows each step while it runs.
 */
public final class DiagnoseRenderer implements StepListener {
    private final PrintWriter out;
    private final boolean progress;
    private int shown;

    /** {@code progress}: draw a transient line per running step (only on a terminal). */
    public DiagnoseRenderer(PrintWriter out, boolean progress) {
        this.out = out;
        this.progress = progress;
    }

    @Override
    public void started(String name, String doing) {
        if (progress) {
            shown++;
            out.print("\r\033[K[" + shown + "] " + name + ": " + doing + " ...");
            out.flush();
        }
    }

    @Override
    public void finished(Step step) {
        if (progress) {
            out.print("\r\033[K[" + shown + "] " + step.name() + ": " + step.status() + " (" + step.millis() + " ms)");
            out.flush();
        }
    }

    public void text(Diagnosis d) {
        if (progress) {
            out.print("\r\033[K");
        }
        Table table = new Table("STEP", "RESULT", "TIME", "FOUND").align(2, Table.Align.RIGHT);
        for (Step s : d.steps()) {
            table.row(s.name(), s.status(), s.millis() + " ms", s.detail());
        }
        out.print(table.render());
        Verdict v = d.verdict();
        out.println();
        out.println("verdict: " + v.cause() + (v.category() == null ? "" : " [" + v.category() + "]"));
        out.println("why: " + v.text());
        for (String next : v.next()) {
            out.println("try: " + next);
        }
        out.flush();
    }

    public void json(Diagnosis d) {
        out.println(Json.pretty(document(d)));
        out.flush();
    }

    /** The --json document: target, addresses, steps, verdict (documented in netdiag-diagnose(1)). */
    public static Map<String, Object> document(Diagnosis d) {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("text", d.target().written());
        target.put("host", d.target().host());
        target.put("port", d.target().port());
        target.put("protocol", d.target().protocol());
        List<Object> steps = new ArrayList<>();
        for (Step s : d.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", s.name());
            step.put("status", s.status());
            step.put("millis", s.millis());
            step.put("detail", s.detail());
            steps.add(step);
        }
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("cause", d.verdict().cause());
        verdict.put("category", d.verdict().category());
        verdict.put("text", d.verdict().text());
        verdict.put("next", d.verdict().next());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("target", target);
        doc.put("addresses", d.addresses());
        doc.put("steps", steps);
        doc.put("verdict", verdict);
        return doc;
    }
}
