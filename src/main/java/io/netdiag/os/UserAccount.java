package io.netdiag.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A user of the system, looked up by name, that the process can become: tcpdump's {@code -Z USER}, which
 * gives up root after the capture device is open and before any file is written. Switching goes through the
 * C library, whose setuid/setgid/setgroups apply to every thread of the process (glibc signals each one),
 * so no JVM thread keeps root; leaving uid 0 also empties every thread's capabilities.
 *
 * @param name the user name
 * @param uid the user's id
 * @param gid the user's primary group
 */
public record UserAccount(String name, int uid, int gid) {
    // struct passwd on LP64 Linux: pw_name, pw_passwd (pointers), pw_uid, pw_gid (32-bit ids)
    private static final long PW_UID = 16;
    private static final long PW_GID = 20;

    private static final class Calls {
        static final MethodHandle GETPWNAM = Libc.linkPlain("getpwnam", FunctionDescriptor.of(ADDRESS, ADDRESS));
        static final MethodHandle INITGROUPS = Libc.linkCapturingErrno("initgroups", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SETGID = Libc.linkCapturingErrno("setgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle SETUID = Libc.linkCapturingErrno("setuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle GETGID = Libc.linkPlain("getgid", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle GETEGID = Libc.linkPlain("getegid", FunctionDescriptor.of(JAVA_INT));
    }

    /** The account called {@code name}, or empty when the system has none (getpwnam: files, LDAP, ...). */
    public static java.util.Optional<UserAccount> lookup(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment entry = (MemorySegment) Calls.GETPWNAM.invokeExact(arena.allocateFrom(name));
            if (entry.equals(MemorySegment.NULL)) {
                // glibc leaves errno as it was for "no such user": there is nothing more to tell apart
                return java.util.Optional.empty();
            }
            MemorySegment passwd = entry.reinterpret(48);
            return java.util.Optional.of(new UserAccount(name, passwd.get(JAVA_INT, PW_UID), passwd.get(JAVA_INT, PW_GID)));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Becomes this user for good, as tcpdump's droproot does: the user's groups (initgroups), then the
     * group, then the user; then checks that root cannot be taken back. Needs root.
     */
    public void become() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.ERRNO_STATE);
            if ((int) Calls.INITGROUPS.invokeExact(state, arena.allocateFrom(name), gid) != 0) {
                throw new ErrnoException("initgroups(" + name + ", " + gid + ")", Libc.errnoOf(state));
            }
            if ((int) Calls.SETGID.invokeExact(state, gid) != 0) {
                throw new ErrnoException("setgid(" + gid + ")", Libc.errnoOf(state));
            }
            if ((int) Calls.SETUID.invokeExact(state, uid) != 0) {
                throw new ErrnoException("setuid(" + uid + ")", Libc.errnoOf(state));
            }
            if (uid != 0 && (int) Calls.SETUID.invokeExact(state, 0) == 0) {
                throw new IllegalStateException("setuid(0) succeeded after switching to " + name);
            }
            if (Libc.getuid() != uid || Libc.geteuid() != uid || (int) Calls.GETGID.invokeExact() != gid
                    || (int) Calls.GETEGID.invokeExact() != gid) {
                throw new IllegalStateException("the process is not " + name + " after switching to it");
            }
        } catch (ErrnoException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
