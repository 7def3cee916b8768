package io.netdiag.sockets;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.FdDirectory;
import io.netdiag.os.ProcFiles;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Socket inode to owning processes, read once from the {@code socket:[INODE]} links in /proc/PID/fd, as
 * ss and netstat find owners. Processes are read in parallel (this walk is what makes {@code ss -p} slow
 * on busy hosts). Without root, other users' descriptors cannot be read: {@link #complete()} says so.
 */
public final class OwnerMap {
    private final Map<Long, List<Owner>> byInode;
    private final boolean complete;

    private OwnerMap(Map<Long, List<Owner>> byInode, boolean complete) {
        this.byInode = byInode;
        this.complete = complete;
    }

    public static OwnerMap read() {
        return read(Path.of("/proc"));
    }

    static OwnerMap read(Path proc) {
        List<Path> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
            for (Path p : dirs) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    pids.add(p);
                }
            }
        } catch (IOException e) {
            return new OwnerMap(Map.of(), false);
        }
        AtomicBoolean denied = new AtomicBoolean();
        List<List<long[]>> found = pids.parallelStream().map(p -> sockets(p, denied)).toList();
        Map<Long, List<Owner>> map = new HashMap<>();
        for (int i = 0; i < pids.size(); i++) {
            List<long[]> links = found.get(i);
            if (links.isEmpty()) {
                continue;
            }
            int pid = Integer.parseInt(pids.get(i).getFileName().toString());
            String name = command(pids.get(i));
            for (long[] link : links) {
                map.computeIfAbsent(link[0], k -> new ArrayList<>(1)).add(new Owner(pid, name, (int) link[1]));
            }
        }
        return new OwnerMap(map, !denied.get());
    }

    /** (inode, fd) pairs of one process's socket descriptors. */
    private static List<long[]> sockets(Path pidDir, AtomicBoolean denied) {
        List<long[]> out = new ArrayList<>();
        int pid = Integer.parseInt(pidDir.getFileName().toString());
        try (FdDirectory fds = FdDirectory.open(pid);
             DirectoryStream<Path> names = Files.newDirectoryStream(pidDir.resolve("fd"))) {
            for (Path fd : names) {
                String name = fd.getFileName().toString();
                long inode = fds.socketInode(name);
                if (inode >= 0) {
                    out.add(new long[] {inode, Integer.parseInt(name)});
                }
            }
        } catch (ErrnoException e) {
            if (e.errno() == 13 || e.errno() == 1) { // EACCES, EPERM: another user's process
                denied.set(true);
            }
        } catch (AccessDeniedException e) {
            denied.set(true);
        } catch (IOException | RuntimeException e) {
            // the process exited while we looked
        }
        return out;
    }

    private static String command(Path pidDir) {
        try {
            return ProcFiles.read(pidDir.resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    public List<Owner> owners(long inode) {
        return inode == 0 ? List.of() : byInode.getOrDefault(inode, List.of());
    }

    /** False when some processes' descriptors could not be read (not root): their sockets show no owner. */
    public boolean complete() {
        return complete;
    }
}
