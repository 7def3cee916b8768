package io.netdiag.os;

import java.util.Locale;

/** Which operating system netdiag runs on, and whether its native layer is supported there. */
public enum Platform {
    LINUX, MACOS, WINDOWS, OTHER;

    private static final Platform CURRENT = detect(System.getProperty("os.name", ""));

    static Platform detect(String osName) {
        String name = osName.toLowerCase(Locale.ROOT);
        if (name.contains("linux")) {
            return LINUX;
        }
        if (name.contains("mac") || name.contains("darwin")) {
            return MACOS;
        }
        if (name.contains("windows")) {
            return WINDOWS;
        }
        return OTHER;
    }

    public static Platform current() {
        return CURRENT;
    }

    /** The name users know the platform by. */
    public String displayName() {
        return switch (this) {
            case LINUX -> "Linux";
            case MACOS -> "macOS";
            case WINDOWS -> "Windows";
            case OTHER -> System.getProperty("os.name", "unknown");
        };
    }

    /**
     * Fails with a clear, exit-3 message unless the native layer runs here. Engines call it before their
     * first native call.
     */
    public static void requireLinux(String feature) {
        if (CURRENT != LINUX) {
            throw io.netdiag.explain.NetdiagException.unsupported(
                    feature + " is implemented for Linux only; this is " + CURRENT.displayName(),
                    "see native-notes/ for what netdiag would call on " + CURRENT.displayName());
        }
    }
}
