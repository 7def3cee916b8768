package io.netdiag.explain;

import io.netdiag.explain.Tables.EaiRow;
import io.netdiag.explain.Tables.ErrnoRow;
import io.netdiag.explain.Tables.WinsockRow;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The tables against the machine's own libc and Python, and against the numbering rules the sources state. */
class ErrorTablesTest {
    @Test
    void everyLinuxErrnoHasGlibcsMessageFromStrerror() {
        assumeTrue(Platform.current() == Platform.LINUX);
        int known = 0;
        for (int n = 1; n <= 133; n++) {
            Optional<ErrnoRow> row = Catalog.errnoRow(n, Numbering.LINUX);
            String libc = Libc.strerror(n);
            if (n == 41 || n == 58) {
                // Unused on Linux: glibc says "Unknown error 41", and the table has no row.
                assertTrue(row.isEmpty(), "errno " + n + " is unused on Linux");
                assertEquals("Unknown error " + n, libc);
                continue;
            }
            assertTrue(row.isPresent(), "no row for errno " + n);
            assertEquals(libc, row.get().linuxMessage(), "message of errno " + n);
            assertEquals(libc, Classifier.standard().classify(n, Platform.LINUX).message());
            known++;
        }
        assertEquals(131, known);
    }

    @Test
    void everyLinuxErrnoMatchesPythonsErrnoModule() {
        assumeTrue(Platform.current() == Platform.LINUX);
        Host.require("python3");
        Host.Run run = Host.run("python3", "-c",
                "import errno, os\nfor n in range(1, 134):\n  print(n, errno.errorcode.get(n, '-'), os.strerror(n), sep='\\t')");
        assertEquals(0, run.exitCode(), run.err());
        Map<Integer, String> pythonNames = new HashMap<>();
        for (String line : run.out().split("\n")) {
            String[] f = line.split("\t");
            int n = Integer.parseInt(f[0]);
            pythonNames.put(n, f[1]);
            Optional<ErrnoRow> row = Catalog.errnoRow(n, Numbering.LINUX);
            if (f[1].equals("-")) {
                // Python lacks a few (EHWPOISON in older versions); the unused numbers have no row either.
                assertTrue(row.isEmpty() || n == 133, "python has no name for " + n);
                continue;
            }
            assertTrue(row.isPresent(), "no row for " + f[1]);
            // Python names 35 EDEADLOCK and 95 ENOTSUP (last definition wins); the table keeps those as aliases.
            ErrnoRow r = row.get();
            assertTrue(r.symbol().equals(f[1]) || r.aliases().contains(f[1])
                            || Catalog.errnoRow(f[1]).map(x -> x.linux() != null && x.linux() == n).orElse(false),
                    "python calls " + n + " " + f[1] + ", the table " + r.symbol());
            assertEquals(f[2], r.linuxMessage(), "message of " + f[1]);
        }
        assertEquals(133, pythonNames.size());
    }

    @Test
    void macosNumbersFollowXnuErrnoH() {
        // Spot checks from bsd/sys/errno.h, and the numbers that collide with Linux.
        assertEquals(35, macos("EAGAIN"));
        assertEquals(54, macos("ECONNRESET"));
        assertEquals(60, macos("ETIMEDOUT"));
        assertEquals(61, macos("ECONNREFUSED"));
        assertEquals(48, macos("EADDRINUSE"));
        assertEquals(45, macos("ENOTSUP"));
        assertEquals(102, macos("EOPNOTSUPP"));
        assertEquals(106, macos("EQFULL"));
        // 1..34 are the historical Unix numbers, the same on both except 11 (EAGAIN on Linux, EDEADLK on macOS).
        for (int n = 1; n <= 34; n++) {
            String linux = Catalog.errnoRow(n, Numbering.LINUX).orElseThrow().symbol();
            String mac = Catalog.errnoRow(n, Numbering.MACOS).orElseThrow().symbol();
            assertEquals(n == 11 ? "EDEADLK" : linux, mac, "macOS errno " + n);
        }
        // macOS numbers every value from 1 to ELAST (106).
        for (int n = 1; n <= 106; n++) {
            assertTrue(Catalog.errnoRow(n, Numbering.MACOS).isPresent(), "macOS errno " + n);
        }
    }

    private static int macos(String symbol) {
        return Catalog.errnoRow(symbol).orElseThrow().macos();
    }

    @Test
    void berkeleyWinsockCodesAreTenThousandPlusTheBsdNumber() {
        // WSABASEERR (10000) + the BSD errno: Microsoft kept the Berkeley numbering for the WSAE codes.
        int checked = 0;
        for (WinsockRow row : Tables.winsock()) {
            Optional<ErrnoRow> errno = Catalog.errnoRow(row.equivalent());
            if (row.name().startsWith("WSAE") && errno.isPresent() && errno.get().macos() != null
                    && row.name().equals("WSA" + errno.get().symbol())) {
                // EOPNOTSUPP was 45 in 4.3BSD (Winsock copied that); XNU's UNIX03 value is 102 and 45 is ENOTSUP.
                int bsd = row.name().equals("WSAEOPNOTSUPP") ? macos("ENOTSUP") : errno.get().macos();
                assertEquals(10000 + bsd, row.code(), row.name());
                assertEquals(row.code(), errno.get().windows(), "windows column of " + errno.get().symbol());
                checked++;
            }
        }
        assertEquals(42, checked, "WSAE codes with a BSD errno of the same name");
        assertEquals(10054, Catalog.winsockRow("WSAECONNRESET").orElseThrow().code());
        assertEquals(11001, Catalog.winsockRow("WSAHOST_NOT_FOUND").orElseThrow().code());
        assertEquals(95, Tables.winsock().size());
    }

    @Test
    void glibcEaiMessagesMatchGaiStrerror() {
        assumeTrue(Platform.current() == Platform.LINUX);
        Host.require("python3");
        Host.Run run = Host.run("python3", "-c", "import ctypes\nl = ctypes.CDLL(None)\nl.gai_strerror.restype = ctypes.c_char_p\n"
                + "for n in list(range(-11, 0)) + list(range(-105, -99)):\n  print(n, l.gai_strerror(n).decode(), sep='\\t')");
        assertEquals(0, run.exitCode(), run.err());
        int checked = 0;
        for (String line : run.out().split("\n")) {
            String[] f = line.split("\t");
            Optional<EaiRow> row = Catalog.eaiRow(Integer.parseInt(f[0]), Numbering.LINUX);
            assertTrue(row.isPresent(), "no EAI row for " + f[0]);
            assertEquals(f[1], row.get().glibcMessage());
            checked++;
        }
        assertEquals(17, checked);
        assertEquals(8, Catalog.eaiRow("EAI_NONAME").orElseThrow().bsd());
        assertEquals(11001, Catalog.eaiRow("EAI_NONAME").orElseThrow().windows());
    }

    @Test
    void icmpTablesCoverEveryDestinationUnreachableCode() {
        for (int code = 0; code <= 15; code++) {
            assertTrue(Catalog.icmpRow(4, 3, code).isPresent(), "ICMP 3/" + code);
        }
        for (int code = 0; code <= 7; code++) {
            assertTrue(Catalog.icmpRow(6, 1, code).isPresent(), "ICMPv6 1/" + code);
        }
        assertEquals("Destination unreachable (Port unreachable)", Catalog.icmpRow(4, 3, 3).orElseThrow().text());
        assertEquals("ECONNREFUSED", Catalog.icmpRow(6, 1, 4).orElseThrow().linuxErrno());
    }

    @Test
    void atLeastFortySocketErrorsHaveRealExplanations() {
        List<String> socketErrors = List.of("EAGAIN", "ECONNRESET", "EPIPE", "ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH",
                "ENETUNREACH", "EADDRINUSE", "EADDRNOTAVAIL", "EACCES", "EPERM", "EMFILE", "ENFILE", "ENOBUFS", "ENOMEM",
                "EINPROGRESS", "EALREADY", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ECONNABORTED", "ENETRESET", "EMSGSIZE",
                "EPROTONOSUPPORT", "EAFNOSUPPORT", "EINTR", "EBADF", "ENOTSOCK", "EHOSTDOWN", "ENETDOWN", "EPROTO",
                "ENOPROTOOPT", "EOPNOTSUPP", "EDESTADDRREQ", "EPROTOTYPE", "ESOCKTNOSUPPORT", "EPFNOSUPPORT", "EINVAL",
                "ENONET", "EAI_NONAME", "EAI_AGAIN", "EAI_FAIL", "HOST_NOT_FOUND", "TRY_AGAIN", "EOF", "READ_TIMEOUT");
        for (String symbol : socketErrors) {
            Explanation e = Catalog.bySymbol(symbol, Numbering.LINUX).orElseThrow(() -> new AssertionError(symbol));
            assertFalse(e.causes().isEmpty(), symbol + " has causes");
            assertNotNull(e.hint(), symbol + " has a next step");
            assertTrue(e.explanation().length() > 60, symbol + " has a real explanation");
        }
        assertTrue(socketErrors.size() >= 40);
    }
}
