package io.netdiag.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the system's libpcap and points pcap4j at it before pcap4j loads. pcap4j asks JNA for
 * {@code "pcap"}, which needs {@code libpcap.so}; Debian's runtime package installs only
 * {@code libpcap.so.0.8} (the unversioned link comes with libpcap-dev), so netdiag passes the absolute
 * path. An explicit path wins: the {@code org.pcap4j.core.pcapLibName} property or {@code NETDIAG_PCAP_LIB}.
 */
public final class PcapLibrary {
    /** The system property pcap4j reads for the library name or path. */
    public static final String PCAP4J_PROPERTY = "org.pcap4j.core.pcapLibName";
    /** The environment variable a user sets to an explicit library path. */
    public static final String ENVIRONMENT = "NETDIAG_PCAP_LIB";

    private static final List<String> DIRECTORIES = List.of(
            "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib64", "/usr/lib", "/lib64", "/lib", "/usr/local/lib", "/opt/homebrew/lib", "/usr/local/opt/libpcap/lib");
    private static final List<String> NAMES = List.of(
            "libpcap.so", "libpcap.so.1", "libpcap.so.0.8", "libpcap.dylib", "libpcap.A.dylib");

    private PcapLibrary() {
    }

    /** The library file netdiag will load, if any: the explicit one first, then the usual places. */
    public static Optional<Path> locate() {
        String explicit = System.getProperty(PCAP4J_PROPERTY);
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(ENVIRONMENT);
        }
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit);
            return Files.exists(path) ? Optional.of(path) : Optional.empty();
        }
        for (String dir : DIRECTORIES) {
            for (String name : NAMES) {
                Path candidate = Path.of(dir, name);
                if (Files.exists(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Points pcap4j at the located library. Call before the first use of any pcap4j class; returns the
     * file, or empty when none was found (pcap4j's own search is then the last resort).
     */
    public static synchronized Optional<Path> configure() {
        // JNA may leave its extracted native library to File.deleteOnExit, which runs from a shutdown hook
        io.netdiag.os.ProcessExit.hooksRegistered();
        Optional<Path> path = locate();
        path.ifPresent(p -> System.setProperty(PCAP4J_PROPERTY, p.toString()));
        return path;
    }

    /** The package that provides libpcap on this machine's kind of system. */
    public static String packageHint() {
        return switch (io.netdiag.os.Platform.current()) {
            case LINUX -> "apt-get install libpcap0.8 (Debian/Ubuntu) or dnf install libpcap (Fedora)";
            case MACOS -> "libpcap ships with macOS; check /usr/lib/libpcap.A.dylib";
            case WINDOWS -> "install Npcap (https://npcap.com) in WinPcap-compatible mode";
            case OTHER -> "install libpcap from the system's packages";
        };
    }
}
