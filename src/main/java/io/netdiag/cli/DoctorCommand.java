package io.netdiag.cli;

import io.netdiag.doctor.Doctor;
import io.netdiag.doctor.DoctorReport;
import io.netdiag.output.DoctorRenderer;

/** {@code netdiag doctor}: what this machine allows, and how to fix what is missing. */
final class DoctorCommand extends BaseCommand {
    @Override
    Declare declare() {
        return Declare.command(this, "doctor")
                .header("Check what this machine allows netdiag to do, and how to fix what is missing.")
                .description(
                        "Reports the JDK, the operating system, libpcap (whether it is found, its version and the file "
                                + "loaded), whether live capture is allowed, which ICMP socket kinds open (datagram, raw; "
                                + "IPv4 and IPv6), the value of net.ipv4.ping_group_range, and netlink sock_diag access.",
                        "",
                        "Each item is ok, degraded (a fallback works: ping uses a raw socket when datagram ICMP sockets "
                                + "are refused) or missing, with the command that fixes it.")
                .exitCodes(" 0:every item is usable (ok or degraded)", " 3:something is missing");
    }

    @Override
    int execute() {
        DoctorReport report = new Doctor().run();
        if (json()) {
            out().println(io.netdiag.output.Json.pretty(report));
        } else {
            out().print(DoctorRenderer.text(report));
        }
        return report.usable() ? ExitCodes.OK : ExitCodes.UNSUPPORTED;
    }

}
