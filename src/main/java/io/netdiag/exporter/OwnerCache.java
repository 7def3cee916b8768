package io.netdiag.exporter;

import io.netdiag.sockets.Owner;
import io.netdiag.sockets.OwnerMap;

import java.util.Collection;
import java.util.List;

/**
 * Socket inode to owning process, for the pid and comm labels. Finding owners means reading every
 * {@code /proc/PID/fd} link on the host (what makes {@code ss -p} slow: about a second with 40,000 sockets
 * here, against a fifth of that for the dump itself), so the map is read again only when a socket to label
 * is missing from it, and then at most once per {@code minAgeMillis}. A socket still without an owner after a
 * read (another user's, without the capabilities to see it; a connection not yet accepted) does not ask for
 * another read: only new sockets do.
 */
final class OwnerCache {
    /**
     * The most inodes remembered as unowned. Only labelled sockets are asked about (at most --max-sockets per family
     * and scrape, and the stuck findings), so this is never reached on a steady host; it bounds the set (and what it
     * leaves in the old generation) where sockets churn.
     */
    static final int MAX_UNOWNED = 10_000;

    private final long minAgeNanos;
    private OwnerMap map;
    private long readAt;
    private final java.util.Set<Long> unowned = new java.util.HashSet<>();

    OwnerCache(long minAgeMillis) {
        this.minAgeNanos = minAgeMillis * 1_000_000L;
    }

    /** Makes sure the map is as fresh as the rule allows for these inodes (0: no inode, as for TIME-WAIT). */
    synchronized void cover(Collection<Long> inodes) {
        boolean missing = map == null;
        if (!missing) {
            for (long inode : inodes) {
                if (inode != 0 && map.owners(inode).isEmpty() && !unowned.contains(inode)) {
                    missing = true;
                    break;
                }
            }
        }
        if (missing && (map == null || System.nanoTime() - readAt >= minAgeNanos)) {
            map = OwnerMap.read();
            readAt = System.nanoTime();
            // what no read finds stays known as such for every caller (the scrape's and the sampler's sets differ)
            OwnerMap now = map;
            unowned.removeIf(inode -> !now.owners(inode).isEmpty());
            if (unowned.size() > MAX_UNOWNED) {
                unowned.clear(); // sockets come and go: a bound, not a history
            }
            for (long inode : inodes) {
                if (inode != 0 && map.owners(inode).isEmpty()) {
                    unowned.add(inode);
                }
            }
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
