package io.netdiag.os;

import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SigIgn mask as the kernel writes it, read from processes a shell started in the background and not. */
class SignalDispositionTest {
    /** /proc/PID/status of a sleep that bash started with {@code prefix}, read once sleep runs (after nohup's exec). */
    private static String statusOfSleep(String prefix) {
        Host.Run r = Host.run(List.of("bash", "-c", prefix + "sleep 30 & p=$!; "
                + "until grep -q '^Name:.sleep' /proc/$p/status; do sleep 0.01; done; cat /proc/$p/status; kill $p"), 30);
        assertEquals(0, r.exitCode(), r.toString());
        return r.out();
    }

    @Test
    void aBackgroundJobOfAScriptHasSigintIgnored() {
        assertTrue(SignalDisposition.ignored(statusOfSleep(""), SignalDisposition.SIGINT));
        // nohup ignores SIGHUP (1) and leaves SIGINT to the shell
        String nohup = statusOfSleep("nohup ");
        assertTrue(SignalDisposition.ignored(nohup, 1));
        // with job control the job's SIGINT is the terminal's
        assertFalse(SignalDisposition.ignored(statusOfSleep("set -m; "), SignalDisposition.SIGINT));
    }

    @Test
    void readsTheMaskBitBySignalNumber() {
        String status = "Name:\tx\nSigBlk:\t0000000000000000\nSigIgn:\t0000000180000006\nSigCgt:\t0000000000004002\n";
        assertFalse(SignalDisposition.ignored(status, 1));
        assertTrue(SignalDisposition.ignored(status, 2));
        assertTrue(SignalDisposition.ignored(status, 3));
        assertTrue(SignalDisposition.ignored(status, 32));
        assertFalse(SignalDisposition.ignored(status, 15));
        assertFalse(SignalDisposition.ignored("Name:\tx\n", 2));
    }

    @Test
    void thisJvmWasNotStartedWithSigintIgnored() throws Exception {
        // surefire's fork is not a background job: the method must read the live mask, not guess
        String own = ProcFiles.read(Path.of("/proc/self/status"));
        assertEquals(SignalDisposition.ignored(own, SignalDisposition.SIGINT),
                SignalDisposition.ignored(SignalDisposition.SIGINT));
    }

    @Test
    void onlyPipesAndSocketsHaveAReaderThatCanLeave() {
        assertTrue(OutputReader.watchable("pipe:[123456]"));
        assertTrue(OutputReader.watchable("socket:[42]"));
        assertFalse(OutputReader.watchable("/dev/pts/3"));
        assertFalse(OutputReader.watchable("/tmp/out.txt"));
        assertFalse(OutputReader.watchable("/dev/null"));
    }
}
