package io.netdiag.sockets;

import io.netdiag.os.ProcFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * cgroup v2 IDs (INET_DIAG_CGROUP_ID) as paths, the way {@code ss -e} prints them: {@code cgroup:/} for the
 * root, {@code cgroup:/system.slice/ssh.service} below it. On cgroup v2 a cgroup's ID is the inode number of
 * its directory in the cgroup2 mount, so one walk of that tree names them all; the walk happens on the first
 * lookup, once per run.
 */
final class CgroupPaths {
    private Map<Long, String> paths;

    /** The path of cgroup {@code id}, or {@code unreachable:ID} (hex) when no directory has it, as ss says. */
    String path(long id) {
        if (paths == null) {
            paths = walk();
        }
        String path = paths.get(id);
        return path != null ? path : "unreachable:" + Long.toHexString(id);
    }

    private static Map<Long, String> walk() {
        Map<Long, String> found = new HashMap<>();
        Path root = mountPoint();
        if (root == null) {
            return found;
        }
        try (Stream<Path> dirs = Files.walk(root)) {
            dirs.filter(Files::isDirectory).forEach(dir -> {
                try {
                    long inode = ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
                    String relative = root.relativize(dir).toString();
                    found.putIfAbsent(inode, "/" + relative);
                } catch (IOException | RuntimeException e) {
                    // a cgroup removed during the walk
                }
            });
        } catch (IOException | RuntimeException e) {
            // no permission or no cgroup2: lookups say unreachable
        }
        return found;
    }

    /** Where cgroup2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid systems). */
    private static Path mountPoint() {
        try {
            for (String line : ProcFiles.read(Path.of("/proc/self/mounts")).split("\n")) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    return Path.of(f[1]);
                }
            }
        } catch (IOException e) {
            // not Linux, or /proc unreadable
        }
        return null;
    }
}
