package io.netdiag.explain;

import io.netdiag.os.ErrnoException;
import io.netdiag.os.Platform;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The socket-error classifier: turns an errno, a code or an exception into an {@link Explanation}.
 * Every netdiag command renders its own failures through it.
 */
public final class Classifier {
    private static final Classifier STANDARD = new Classifier();

    // Skeleton table; the complete tables replace it.
    private static final Map<Integer, Explanation> LINUX = Map.of(
            1, errno("EPERM", 1, "Operation not permitted", Category.PERMISSION, "the kernel refused the operation for lack of privilege",
                    "run as root or grant the capability the operation needs"),
            13, errno("EACCES", 13, "Permission denied", Category.PERMISSION, "a permission or policy check refused the operation",
                    "run as root, or check the sysctl or file mode that governs it"),
            98, errno("EADDRINUSE", 98, "Address already in use", Category.LOCAL_CONFIG, "another socket holds this address and port",
                    "netdiag sockets -l --port PORT"),
            111, errno("ECONNREFUSED", 111, "Connection refused", Category.REFUSED, "the host answered with RST: nothing listens there",
                    "netdiag sockets -l --port PORT on the server"));

    private static Explanation errno(String symbol, int number, String message, Category category, String text, String step) {
        return new Explanation(symbol, "errno", Map.of("linux", number), message, category, false, text, List.of(), List.of(step));
    }

    public static Classifier standard() {
        return STANDARD;
    }

    /** Looks an errno number up in the given OS's numbering. */
    public Optional<Explanation> classifyErrno(int errno, Platform os) {
        return os == Platform.LINUX ? Optional.ofNullable(LINUX.get(errno)) : Optional.empty();
    }

    /** Explains a failure; never null. Unknown failures come back in {@link Category#OTHER}. */
    public Explanation classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ErrnoException e) {
                Optional<Explanation> found = classifyErrno(e.errno(), Platform.current());
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        String text = String.valueOf(failure.getMessage());
        return new Explanation(failure.getClass().getSimpleName(), "exception", Map.of(), text, Category.OTHER, false,
                text, List.of(), List.of());
    }
}
