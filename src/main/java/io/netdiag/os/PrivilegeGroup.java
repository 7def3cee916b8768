package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * The group an installed netdiag (the .deb, or a tarball set up by root) gives live capture and raw ICMP to,
 * through its privileged helper (native-notes/privileges.md). Answers what a refused user should do.
 */
public final class PrivilegeGroup {
    /** The group's name, as the .deb's postinst creates it. */
    public static final String NAME = "netdiag";

    private static final class Getgrnam {
        static final MethodHandle H = Libc.linkPlain("getgrnam", FunctionDescriptor.of(ADDRESS, ADDRESS));
    }

    private PrivilegeGroup() {
    }

    /**
     * The fix for a refused capture or raw socket when this netdiag runs from an installation with the
     * group and its helper ({@code usermod -aG netdiag USER}, then a new login, since groups are read at
     * login); null for a source checkout or an installation without them.
     */
    public static String joinHint() {
        String home = System.getProperty("netdiag.home");
        if (home == null || !Files.exists(Path.of(home, "libexec", "netdiag-privileged")) || !groupExists()) {
            return null;
        }
        String user = System.getProperty("user.name", "USER");
        return "join group " + NAME + ": usermod -aG " + NAME + " " + user + " (as root), then log in again";
    }

    private static boolean groupExists() {
        try (Arena arena = Arena.ofConfined()) {
            return !((MemorySegment) Getgrnam.H.invokeExact(arena.allocateFrom(NAME))).equals(MemorySegment.NULL);
        } catch (Throwable t) {
            return false;
        }
    }
}
