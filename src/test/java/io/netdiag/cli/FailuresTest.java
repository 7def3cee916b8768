package io.netdiag.cli;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailuresTest {
    @Test
    void exitCodesFollowTheFailureKind() {
        assertEquals(1, Failures.exitCode(new NetdiagException(NetdiagException.Kind.NEGATIVE, "no reply")));
        assertEquals(2, Failures.exitCode(NetdiagException.badInput("bad port")));
        assertEquals(3, Failures.exitCode(NetdiagException.unsupported("no libpcap", null)));
        assertEquals(4, Failures.exitCode(new IllegalStateException("bug")));
    }

    @Test
    void permissionErrnoMapsToExitThreeOtherErrnoToOne() {
        ErrnoException refused = new ErrnoException("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)", 13);
        assertEquals(ExitCodes.UNSUPPORTED, Failures.exitCode(refused));
        ErrnoException connRefused = new ErrnoException("connect(127.0.0.1:1)", 111);
        assertEquals(ExitCodes.NEGATIVE, Failures.exitCode(connRefused));
    }

    @Test
    void errnoFailuresAreDescribedThroughTheClassifierWithAHint() {
        List<String> lines = Failures.describe(new ErrnoException("bind(127.0.0.1:8080)", 98));
        assertTrue(lines.get(0).startsWith("bind(127.0.0.1:8080): EADDRINUSE (Address already in use)"), lines::toString);
        assertTrue(lines.get(1).startsWith("try: "), lines::toString);
    }

    @Test
    void errnoMessageIsTheCLibrarys() {
        assertEquals("Connection refused", Libc.strerror(111));
        assertEquals("bind(x): Address already in use", new ErrnoException("bind(x)", 98).getMessage());
    }

    @Test
    void unexpectedFailuresSayInternalErrorAndPointAtDebug() {
        List<String> lines = Failures.describe(new NullPointerException("oops"));
        assertEquals("internal error: java.lang.NullPointerException: oops", lines.get(0));
        assertTrue(lines.get(1).contains("--debug"));
    }
}
