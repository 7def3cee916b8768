package io.netdiag.cli;

import picocli.CommandLine;

/** {@code netdiag --version}: netdiag's version, then the runtime it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
                "netdiag " + version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch")};
    }
}
