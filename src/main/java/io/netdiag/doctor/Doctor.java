package io.netdiag.doctor;

import io.netdiag.capture.PcapLibrary;
import io.netdiag.doctor.Check.Status;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.Platform;
import io.netdiag.os.ProcFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks what this machine lets netdiag do, and how to fix what is missing. */
public final class Doctor {
    private static final Path PING_GROUP_RANGE = Path.of("/proc/sys/net/ipv4/ping_group_range");
    private static final int NETLINK_SOCK_DIAG = 4;

    public DoctorReport run() {
        List<Check> checks = new ArrayList<>();
        checks.add(jdk());
        checks.add(os());
        if (Platform.current() == Platform.LINUX) {
            checks.addAll(libpcapAndCapture());
            Check datagram4 = socketCheck("ICMP datagram socket (IPv4)", Libc.AF_INET, Libc.SOCK_DGRAM, Libc.IPPROTO_ICMP,
                    "socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)");
            Check raw4 = socketCheck("ICMP raw socket (IPv4)", Libc.AF_INET, Libc.SOCK_RAW, Libc.IPPROTO_ICMP,
                    "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)");
            Check datagram6 = socketCheck("ICMP datagram socket (IPv6)", Libc.AF_INET6, Libc.SOCK_DGRAM, Libc.IPPROTO_ICMPV6,
                    "socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6)");
            Check raw6 = socketCheck("ICMP raw socket (IPv6)", Libc.AF_INET6, Libc.SOCK_RAW, Libc.IPPROTO_ICMPV6,
                    "socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)");
            checks.add(icmp(datagram4, raw4));
            checks.add(icmp(raw4, datagram4));
            checks.add(icmp(datagram6, raw6));
            checks.add(icmp(raw6, datagram6));
            checks.add(pingGroupRange());
            checks.add(socketCheck("netlink sock_diag", Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_SOCK_DIAG,
                    "socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG)"));
        }
        return new DoctorReport(checks);
    }

    private static Check jdk() {
        Runtime.Version version = Runtime.version();
        String detail = "Java " + version + " (" + System.getProperty("java.vendor") + ") at " + System.getProperty("java.home");
        return version.feature() >= 25
                ? new Check("JDK", Status.OK, detail, null)
                : new Check("JDK", Status.MISSING, detail, "install a JDK 25 or newer and set JAVA_HOME to it");
    }

    private static Check os() {
        String detail = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        return Platform.current() == Platform.LINUX
                ? new Check("operating system", Status.OK, detail, null)
                : new Check("operating system", Status.MISSING, detail + ": netdiag's native layer supports Linux only",
                        "see native-notes/ for what netdiag would call on " + Platform.current().displayName());
    }

    /** libpcap first, then live capture on lo, which needs the library. */
    private static List<Check> libpcapAndCapture() {
        Optional<Path> library = PcapLibrary.locate();
        Check lib;
        Check capture;
        if (library.isEmpty()) {
            lib = new Check("libpcap", Status.MISSING, "not found", PcapLibrary.packageHint());
            capture = new Check("live capture", Status.MISSING, "needs libpcap", PcapLibrary.packageHint());
        } else {
            String version;
            try {
                version = io.netdiag.capture.PacketCapture.libraryVersion();
            } catch (Throwable e) {
                version = null;
                lib = new Check("libpcap", Status.MISSING, library.get() + " does not load: " + e,
                        PcapLibrary.packageHint());
                capture = new Check("live capture", Status.MISSING, "needs libpcap", PcapLibrary.packageHint());
                return List.of(lib, capture);
            }
            lib = new Check("libpcap", Status.OK, version + " from " + library.get(), null);
            capture = liveCapture();
        }
        return List.of(lib, capture);
    }

    private static Check liveCapture() {
        try {
            return new Check("live capture", Status.OK, "allowed on lo (" + io.netdiag.capture.PacketCapture.probe("lo") + ")", null);
        } catch (io.netdiag.explain.NetdiagException e) {
            return new Check("live capture", Status.MISSING, "refused: " + e.getMessage(),
                    "run as root, or give a dedicated Java runtime CAP_NET_RAW and CAP_NET_ADMIN (see native-notes/capture.md)");
        }
    }

    private static Check socketCheck(String name, int domain, int type, int protocol, String call) {
        try {
            int fd = Libc.socket(domain, type, protocol, call);
            Libc.close(fd);
            return new Check(name, Status.OK, call + " opens", null);
        } catch (ErrnoException e) {
            return new Check(name, Status.MISSING, call + " fails: " + Libc.strerror(e.errno()), null);
        }
    }

    /** An ICMP socket kind is merely degraded when the other kind opens, since ping falls back to it. */
    private static Check icmp(Check check, Check other) {
        if (check.status() == Status.OK) {
            return check;
        }
        boolean datagram = check.name().contains("datagram");
        String fix = datagram
                ? "sysctl -w net.ipv4.ping_group_range=\"0 2147483647\" (lets every group open ICMP datagram sockets)"
                : "run as root, or grant CAP_NET_RAW to a dedicated Java runtime (see native-notes/)";
        Status status = other.status() == Status.OK ? Status.DEGRADED : Status.MISSING;
        String detail = check.detail() + (status == Status.DEGRADED ? "; ping falls back to the other kind" : "");
        return new Check(check.name(), status, detail, fix);
    }

    private static Check pingGroupRange() {
        try {
            String value = ProcFiles.read(PING_GROUP_RANGE).trim().replaceAll("\\s+", " ");
            String[] parts = value.split("\\s+");
            long low = Long.parseLong(parts[0]);
            long high = Long.parseLong(parts[1]);
            long gid = currentGid();
            boolean inside = gid >= low && gid <= high;
            String detail = "\"" + value + "\"; this process's group " + gid + (inside ? " is" : " is not") + " in range";
            return inside
                    ? new Check("net.ipv4.ping_group_range", Status.OK, detail, null)
                    : new Check("net.ipv4.ping_group_range", Status.DEGRADED, detail,
                    "sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"");
        } catch (IOException | RuntimeException e) {
            return new Check("net.ipv4.ping_group_range", Status.DEGRADED, "cannot read " + PING_GROUP_RANGE + ": " + e.getMessage(), null);
        }
    }

    private static long currentGid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Gid:")) {
                return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
            }
        }
        return -1;
    }
}
