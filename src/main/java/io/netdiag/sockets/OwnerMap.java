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
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Socket inode to owning processes, read once from the {@code socket:[INODE]} links in /proc/PID/fd, as
 * ss and netstat find owners. Processes are read in parallel (this walk is what makes {@code ss -p} slow
 * on busy hosts). Without root, other users' descriptors cannot be read: {@link #complete()} says so.
 *
 * <p>Held as parallel arrays sorted by inode (16 bytes a descriptor, one String per process) and searched by
 * bisection, rather than as a map of boxed inodes to lists of owners (about 200 bytes a descriptor): the
 * exporter keeps a map of every socket descriptor on the host for its whole life and reads a new one when
 * sockets appear, and 40,000 descriptors were then 10 MB of objects promoted to the old generation at each
 * read instead of under 1 MB.
 */
public final class OwnerMap {
    private static final OwnerMap EMPTY = new OwnerMap(new long[0], new int[0], new int[0], new String[0], false);

    /** Socket inodes, ascending; the owners of one inode are consecutive, in the order /proc lists the processes. */
    private final long[] inodes;
    private final int[] pids;
    private final int[] fds;
    /** The command name of each entry's process (one String per process, shared by its entries). */
    private final String[] names;
    private final boolean complete;

    private OwnerMap(long[] inodes, int[] pids, int[] fds, String[] names, boolean complete) {
        this.inodes = inodes;
        this.pids = pids;
        this.fds = fds;
        this.names = names;
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
            return EMPTY;
        }
        AtomicBoolean denied = new AtomicBoolean();
        List<Links> found = pids.parallelStream().map(p -> sockets(p, denied)).toList();
        int total = 0;
        for (Links links : found) {
            total += links.count;
        }
        long[] inodes = new long[total];
        int[] pidOf = new int[total];
        int[] fds = new int[total];
        String[] names = new String[total];
        int n = 0;
        for (int i = 0; i < pids.size(); i++) {
            Links links = found.get(i);
            if (links.count == 0) {
                continue;
            }
            int pid = Integer.parseInt(pids.get(i).getFileName().toString());
            String name = command(pids.get(i));
            for (int j = 0; j < links.count; j++) {
                inodes[n] = links.inodes[j];
                pidOf[n] = pid;
                fds[n] = links.fds[j];
                names[n] = name;
                n++;
            }
        }
        int[] order = sortedByInode(inodes);
        long[] sortedInodes = new long[total];
        int[] sortedPids = new int[total];
        int[] sortedFds = new int[total];
        String[] sortedNames = new String[total];
        for (int i = 0; i < total; i++) {
            int k = order[i];
            sortedInodes[i] = inodes[k];
            sortedPids[i] = pidOf[k];
            sortedFds[i] = fds[k];
            sortedNames[i] = names[k];
        }
        return new OwnerMap(sortedInodes, sortedPids, sortedFds, sortedNames, !denied.get());
    }

    /** The positions of {@code keys} in ascending order, equal keys in their original order (a merge sort). */
    static int[] sortedByInode(long[] keys) {
        int n = keys.length;
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        int[] b = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    b[k++] = keys[a[j]] < keys[a[i]] ? a[j++] : a[i++];
                }
                while (i < mid) {
                    b[k++] = a[i++];
                }
                while (j < hi) {
                    b[k++] = a[j++];
                }
            }
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }

    /** One process's socket descriptors: {@code count} (inode, fd) pairs. */
    private static final class Links {
        static final Links NONE = new Links();
        long[] inodes = new long[0];
        int[] fds = new int[0];
        int count;

        void add(long inode, int fd) {
            if (count == inodes.length) {
                int size = Math.max(8, count * 2);
                inodes = java.util.Arrays.copyOf(inodes, size);
                fds = java.util.Arrays.copyOf(fds, size);
            }
            inodes[count] = inode;
            fds[count] = fd;
            count++;
        }
    }

    /** The (inode, fd) pairs of one process's socket descriptors. */
    private static Links sockets(Path pidDir, AtomicBoolean denied) {
        Links out = null;
        int pid = Integer.parseInt(pidDir.getFileName().toString());
        try (FdDirectory fds = FdDirectory.open(pid);
             DirectoryStream<Path> names = Files.newDirectoryStream(pidDir.resolve("fd"))) {
            for (Path fd : names) {
                String name = fd.getFileName().toString();
                long inode = fds.socketInode(name);
                if (inode >= 0) {
                    if (out == null) {
                        out = new Links();
                    }
                    out.add(inode, Integer.parseInt(name));
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
        return out == null ? Links.NONE : out;
    }

    private static String command(Path pidDir) {
        try {
            return ProcFiles.read(pidDir.resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    /** The processes holding socket {@code inode} (several after a fork or SCM_RIGHTS), in /proc's order; empty for 0. */
    public List<Owner> owners(long inode) {
        if (inode == 0) {
            return List.of();
        }
        int lo = 0;
        int hi = inodes.length;
        while (lo < hi) { // the first position whose inode is not below the one asked for
            int mid = (lo + hi) >>> 1;
            if (inodes[mid] < inode) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == inodes.length || inodes[lo] != inode) {
            return List.of();
        }
        if (lo + 1 == inodes.length || inodes[lo + 1] != inode) {
            return List.of(new Owner(pids[lo], names[lo], fds[lo]));
        }
        List<Owner> out = new ArrayList<>(2);
        for (int i = lo; i < inodes.length && inodes[i] == inode; i++) {
            out.add(new Owner(pids[i], names[i], fds[i]));
        }
        return out;
    }

    /** How many socket descriptors the map holds. */
    public int size() {
        return inodes.length;
    }

    /** False when some processes' descriptors could not be read (not root): their sockets show no owner. */
    public boolean complete() {
        return complete;
    }
}
