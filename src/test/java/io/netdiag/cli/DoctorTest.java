package io.netdiag.cli;

import io.netdiag.doctor.Check;
import io.netdiag.doctor.Doctor;
import io.netdiag.doctor.DoctorReport;
import io.netdiag.os.ProcFiles;
import io.netdiag.output.Json;
import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoctorTest {
    private static Check find(DoctorReport report, String name) {
        return report.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void pingGroupRangeIsReportedAsTheKernelHasIt() throws Exception {
        String value = ProcFiles.read(Path.of("/proc/sys/net/ipv4/ping_group_range")).trim().replaceAll("\\s+", " ");
        Check check = find(new Doctor().run(), "net.ipv4.ping_group_range");
        assertTrue(check.detail().startsWith("\"" + value + "\""), check::toString);
    }

    @Test
    void asRootRawIcmpAndCaptureAreAllowed() {
        Host.requireRoot("needs root");
        DoctorReport report = new Doctor().run();
        assertEquals(Check.Status.OK, find(report, "ICMP raw socket (IPv4)").status());
        assertEquals(Check.Status.OK, find(report, "live capture").status(), report::toString);
        assertEquals(Check.Status.OK, find(report, "libpcap").status());
        assertTrue(find(report, "libpcap").detail().startsWith("libpcap version "));
        assertTrue(report.usable());
    }

    @Test
    void jsonListsEveryCheckWithItsStatus() {
        Cli.Result r = Cli.run("--json", "doctor");
        Map<?, ?> doc = (Map<?, ?>) Json.parse(r.out());
        List<?> checks = (List<?>) doc.get("checks");
        assertEquals(new Doctor().run().checks().size(), checks.size());
        for (Object c : checks) {
            Map<?, ?> check = (Map<?, ?>) c;
            assertTrue(List.of("ok", "degraded", "missing").contains(check.get("status")), check::toString);
        }
        assertEquals(r.exitCode() == 0, new Doctor().run().usable());
    }
}
