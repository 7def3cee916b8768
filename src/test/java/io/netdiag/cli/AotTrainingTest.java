package io.netdiag.cli;

import io.netdiag.testing.Cli;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's AOT training runs real invocations: they must stay valid as options change. */
class AotTrainingTest {
    /** --every trains on CACHES; the launcher makes a cache for each name of its case list: the same names. */
    @org.junit.jupiter.api.Test
    void theCachesAreTheLaunchersCaches() throws IOException {
        String launcher = Files.readString(Path.of(System.getProperty("netdiag.project.dir", "."), "netdiag"));
        Matcher m = Pattern.compile("(?m)^ *([a-z|]+)\\) cache=\\$subcommand ;;$").matcher(launcher);
        assertTrue(m.find(), "no cache list in ./netdiag");
        TreeSet<String> named = new TreeSet<>(Arrays.asList(m.group(1).split("\\|")));
        named.add("netdiag");
        assertEquals(named, new TreeSet<>(AotTraining.CACHES));
    }

    @ParameterizedTest
    @FieldSource("io.netdiag.cli.AotTraining#CACHES")
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
