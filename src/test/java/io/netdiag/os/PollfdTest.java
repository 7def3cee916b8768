package io.netdiag.os;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** struct pollfd as Libc lays it out, read back by the kernel's poll(2) on real sockets. */
class PollfdTest {
    private static final short POLLNVAL = 0x20;

    @Test
    void eachEntryIsPolledForItsOwnDescriptorAndEvents() throws ErrnoException {
        int writable = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM, 0, "socket(UDP)");
        int quiet = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM, 0, "socket(UDP)");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfds = Libc.pollfds(arena, 3);
            assertEquals(24, pollfds.byteSize());
            pollfds.fill((byte) -1); // what an earlier poll left: revents must be cleared
            Libc.pollfd(pollfds, 0, writable, Libc.POLLOUT);
            Libc.pollfd(pollfds, 1, quiet, Libc.POLLIN);
            Libc.pollfd(pollfds, 2, 1_000_000, Libc.POLLIN); // no such descriptor
            for (int i = 0; i < 3; i++) {
                assertEquals(0, Libc.revents(pollfds, i));
            }

            assertEquals(2, Libc.poll(pollfds, 3, 1000, "poll(test)"));
            assertNotEquals(0, Libc.revents(pollfds, 0) & Libc.POLLOUT, "a fresh UDP socket is writable");
            assertEquals(0, Libc.revents(pollfds, 1), "nothing was sent to the second socket");
            assertEquals(POLLNVAL, Libc.revents(pollfds, 2));
        } finally {
            Libc.close(writable);
            Libc.close(quiet);
        }
    }
}
