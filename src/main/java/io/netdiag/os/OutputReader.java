package io.netdiag.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Notices the moment the reader of standard output goes away ({@code netdiag ... | head}). The JVM ignores
 * SIGPIPE and PrintStream swallows EPIPE, so a Java program learns of it only if it writes and then asks;
 * tcpdump and iputils ping end at their next write. Here a daemon thread waits in poll(2) on fd 1 with no
 * events requested: for the write end of a pipe the kernel reports POLLERR as soon as no reader is left
 * (and POLLHUP/POLLERR for a socket whose peer is gone), so the wait costs nothing until then and ends at once.
 * Terminals and files are never watched.
 */
public final class OutputReader {
    private static final short POLLERR = 0x8;
    private static final short POLLHUP = 0x10;

    private OutputReader() {
    }

    /**
     * Runs {@code action} once, on a daemon thread, when the reader of standard output is gone. The watch
     * begins after {@code delayMillis}, so that a short command ends before it costs anything (linking poll).
     */
    public static void whenGone(long delayMillis, Runnable action) {
        if (Platform.current() != Platform.LINUX) {
            return;
        }
        Thread watcher = new Thread(() -> watch(delayMillis, action), "netdiag-stdout-reader");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void watch(long delayMillis, Runnable action) {
        try {
            Thread.sleep(delayMillis);
            if (!watchable(Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString())) {
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment pollfd = Libc.pollfds(arena, 1);
                while (true) {
                    Libc.pollfd(pollfd, 0, 1, (short) 0);
                    try {
                        Libc.poll(pollfd, 1, -1, "poll(stdout)");
                    } catch (ErrnoException e) {
                        continue; // EINTR: a signal arrived on this thread
                    }
                    if ((Libc.revents(pollfd, 0) & (POLLERR | POLLHUP)) != 0) {
                        break;
                    }
                }
            }
        } catch (InterruptedException | IOException | RuntimeException e) {
            return; // no /proc, no fd 1, no poll: nothing to watch
        }
        action.run();
    }

    /** fd 1's link text names what it is: only pipes and sockets have a reader that can leave. */
    static boolean watchable(String link) {
        return link.startsWith("pipe:[") || link.startsWith("socket:[");
    }
}
