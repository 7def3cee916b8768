package io.netdiag.diagnose;

import io.netdiag.output.DiagnoseRenderer;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text a user sees: a progress line per step on a terminal (redrawn in place), then the table and verdict. */
class DiagnoseRendererTest {
    private static final Diagnosis REFUSED = new Diagnosis(new Target("127.0.0.1:9", "127.0.0.1", 9, false),
            List.of("127.0.0.1"),
            List.of(new Step("target", Step.OK, 0, "tcp port 9 on 127.0.0.1"),
                    new Step("reach", Step.FAIL, 12, "127.0.0.1: refused (RST) in 0.05 ms")),
            new Verdict("refused", "refused", "the host 127.0.0.1 answers, but with a RST", List.of("netdiag sockets -tlnp")),
            false);

    @Test
    void onATerminalEachStepShowsWhileItRunsAndIsClearedBeforeTheTable() {
        StringWriter screen = new StringWriter();
        DiagnoseRenderer r = new DiagnoseRenderer(new PrintWriter(screen), true);
        r.started("target", "reading the target");
        r.finished(REFUSED.steps().get(0));
        r.started("reach", "connecting to tcp port 9");
        assertTrue(screen.toString().endsWith("\r\033[K[2] reach: connecting to tcp port 9 ..."), screen::toString);
        r.finished(REFUSED.steps().get(1));
        r.text(REFUSED);
        String shown = screen.toString();
        assertTrue(shown.contains("\r\033[K[1] target: ok (0 ms)"), shown);
        assertTrue(shown.contains("\r\033[KSTEP    RESULT   TIME  FOUND\n"), shown);
        assertTrue(shown.endsWith("\nverdict: refused [refused]\nwhy: the host 127.0.0.1 answers, but with a RST\n"
                + "try: netdiag sockets -tlnp\n"), shown);
    }

    @Test
    void pipedThereIsNoProgressAndNoEscape() {
        StringWriter out = new StringWriter();
        DiagnoseRenderer r = new DiagnoseRenderer(new PrintWriter(out), false);
        r.started("target", "reading the target");
        r.finished(REFUSED.steps().get(0));
        r.text(REFUSED);
        assertFalse(out.toString().contains("\033"), out::toString);
        assertEquals("""
                STEP    RESULT   TIME  FOUND
                target  ok       0 ms  tcp port 9 on 127.0.0.1
                reach   fail    12 ms  127.0.0.1: refused (RST) in 0.05 ms

                verdict: refused [refused]
                why: the host 127.0.0.1 answers, but with a RST
                try: netdiag sockets -tlnp
                """, out.toString());
    }
}
