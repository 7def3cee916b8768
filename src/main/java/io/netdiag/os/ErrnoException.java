package io.netdiag.os;

import java.io.IOException;

/**
 * A system call failed with an errno. The operation names the call and its arguments as a user would
 * recognise them (for example {@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)}), so that the
 * classifier can give a hint that fits the case.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;

    public ErrnoException(String operation, int errno) {
        super(operation + ": " + Libc.strerror(errno));
        this.operation = operation;
        this.errno = errno;
    }

    /** The system call that failed, with its salient arguments. */
    public String operation() {
        return operation;
    }

    /** The errno value of the running OS. */
    public int errno() {
        return errno;
    }
}
