package io.netdiag.explain;

/**
 * A failure an engine reports to the command line. Its {@link Kind} decides the exit code; its cause,
 * when present, is what the classifier explains.
 */
public class NetdiagException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What sort of failure this is, which is what decides the exit code. */
    public enum Kind {
        /** A negative answer: no reply, refused, blocked (exit 1). */
        NEGATIVE,
        /** The user's input cannot be used (exit 2). */
        BAD_INPUT,
        /** Missing privilege, library or platform support (exit 3). */
        UNSUPPORTED,
        /** Something netdiag did not expect (exit 4). */
        INTERNAL
    }

    private final Kind kind;
    private final String hint;

    public NetdiagException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public NetdiagException(Kind kind, String message, Throwable cause) {
        this(kind, message, null, cause);
    }

    public NetdiagException(Kind kind, String message, String hint, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.hint = hint;
    }

    public static NetdiagException badInput(String message) {
        return new NetdiagException(Kind.BAD_INPUT, message);
    }

    public static NetdiagException unsupported(String message, String hint) {
        return new NetdiagException(Kind.UNSUPPORTED, message, hint, null);
    }

    public Kind kind() {
        return kind;
    }

    /** A command line or step that helps, or null to let the classifier suggest one. */
    public String hint() {
        return hint;
    }
}
