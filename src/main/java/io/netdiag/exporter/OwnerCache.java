package io.netdiag.exporter;

import io.netdiag.sockets.Owner;
import io.netdiag.sockets.OwnerMap;

import java.util.Collection;
import java.util.List;

/**
 * Socket inode to owning process, for the pid and comm labels. Finding owners means reading every
 * {@code /proc/PID/fd} link on the host (what makes {@code ss -p} slow), so the map is read again only when
 * a socket to label is missing from it, and then at most once per {@code minAgeMillis}: a scrape seldom
 * pays for it, and a socket nobody visible owns (another user's, without root) cannot make every scrape pay.
 */
final class OwnerCache {
    private final long minAgeNanos;
    private OwnerMap map;
    private long readAt;

    OwnerCache(long minAgeMillis) {
        this.minAgeNanos = minAgeMillis * 1_000_000L;
    }

    /** Makes sure the map is as fresh as the rule allows for these inodes (0: no inode, as for TIME-WAIT). */
    synchronized void cover(Collection<Long> inodes) {
        boolean missing = map == null;
        if (!missing) {
            for (long inode : inodes) {
                if (inode != 0 && map.owners(inode).isEmpty()) {
                    missing = true;
                    break;
                }
            }
        }
        if (missing && (map == null || System.nanoTime() - readAt >= minAgeNanos)) {
            map = OwnerMap.read();
            readAt = System.nanoTime();
        }
    }

    /** The first owner of the socket (the lowest pid as /proc lists them), or null. */
    synchronized Owner owner(long inode) {
        if (map == null) {
            return null;
        }
        List<Owner> owners = map.owners(inode);
        return owners.isEmpty() ? null : owners.getFirst();
    }
}
