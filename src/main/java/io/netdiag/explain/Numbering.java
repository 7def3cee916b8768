package io.netdiag.explain;

import io.netdiag.os.Platform;

/** Whose numbers an error code is in: the same number means different errors on Linux, macOS and Windows. */
public enum Numbering {
    LINUX("linux", "Linux"), MACOS("macos", "macOS"), WINDOWS("windows", "Windows");

    private final String key;
    private final String displayName;

    Numbering(String key, String displayName) {
        this.key = key;
        this.displayName = displayName;
    }

    /** The key used in {@link Explanation#numbers()} and in JSON. */
    public String key() {
        return key;
    }

    public String displayName() {
        return displayName;
    }

    /** The numbering of a platform; other Unix-likes are closest to Linux for the socket errors. */
    public static Numbering of(Platform platform) {
        return switch (platform) {
            case MACOS -> MACOS;
            case WINDOWS -> WINDOWS;
            case LINUX, OTHER -> LINUX;
        };
    }

    public Platform platform() {
        return switch (this) {
            case LINUX -> Platform.LINUX;
            case MACOS -> Platform.MACOS;
            case WINDOWS -> Platform.WINDOWS;
        };
    }

    /** Parses linux, macos (or darwin, bsd, mac) and windows (or win), case-insensitively. */
    public static Numbering parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "linux" -> LINUX;
            case "macos", "mac", "darwin", "osx", "bsd", "freebsd" -> MACOS;
            case "windows", "win", "win32" -> WINDOWS;
            default -> throw new IllegalArgumentException("unknown OS: " + name + " (expected linux, macos or windows)");
        };
    }
}
