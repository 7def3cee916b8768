package io.netdiag.cli;

import io.netdiag.testing.Cli;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's AOT training runs real invocations: they must stay valid as options change. */
class AotTrainingTest {
    @ParameterizedTest
    @ValueSource(strings = {"netdiag", "explain", "sockets", "ping", "trace", "capture", "doctor", "exporter", "diagnose"})
    void everyTrainingRunIsARealInvocation(String cache) {
        for (String[] run : AotTraining.workload(cache)) {
            Cli.Result r = Cli.run(run);
            String name = String.join(" ", run);
            boolean usageError = name.contains("no-such");
            if (usageError) {
                assertEquals(2, r.exitCode(), () -> name + ": " + r);
            } else {
                // 1 and 3 are honest outcomes on some machines (no reply, no libpcap); 2 and 4 are not
                assertTrue(r.exitCode() != 2 && r.exitCode() != 4, () -> name + ": " + r);
            }
            assertTrue(!r.err().contains("\tat "), () -> name + " printed a stack trace: " + r);
        }
        assertTrue(AotTraining.workload(cache).length >= 2, Arrays.deepToString(AotTraining.workload(cache)));
    }
}
