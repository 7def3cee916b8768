package io.netdiag.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the system's libpcap file. Debian's runtime package installs only {@code libpcap.so.0.8} (the
 * unversioned link comes with libpcap-dev), so netdiag looks for the versioned names too and links the file
 * it finds by its absolute path. An explicit path wins: the {@code org.pcap4j.core.pcapLibName} property (the
 * name earlier versions, built on pcap4j, read; still honoured) or {@code NETDIAG_PCAP_LIB}.
 */
public final class PcapLibrary {
    /** The system property with an explicit library path. */
    public static final String PROPERTY = "org.pcap4j.core.pcapLibName";
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
        String explicit = System.getProperty(PROPERTY);
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
