package io.netdiag.capture;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.ErrnoException;

import java.nio.file.Path;
import java.util.Optional;

/** Makes sure libpcap is there before it is called, and turns libpcap's failures into netdiag's. */
final class PcapAccess {
    private static volatile String version;

    private PcapAccess() {
    }

    /** Loads libpcap (once) and returns its version; a missing library is an UNSUPPORTED failure (exit 3). */
    static synchronized String ensureLoaded() {
        if (version != null) {
            return version;
        }
        String explicit = System.getProperty(PcapLibrary.PROPERTY);
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(PcapLibrary.ENVIRONMENT);
        }
        Optional<Path> library = PcapLibrary.locate();
        if (library.isEmpty()) {
            String where = explicit != null && !explicit.isBlank() ? "libpcap not found at " + explicit : "libpcap not found";
            throw NetdiagException.unsupported(where, PcapLibrary.packageHint()
                    + (explicit != null && !explicit.isBlank() ? ", or point " + PcapLibrary.ENVIRONMENT + " at the library file" : ""));
        }
        try {
            version = Libpcap.version();
        } catch (NetdiagException e) {
            throw e;
        } catch (Throwable e) {
            // a file that is not a loadable libpcap, or lacks its symbols
            Throwable cause = e instanceof ExceptionInInitializerError init && init.getCause() != null ? init.getCause() : e;
            if (cause instanceof NetdiagException n) {
                throw n;
            }
            throw NetdiagException.unsupported(library.get() + " does not load as libpcap (" + cause.getMessage() + ")",
                    PcapLibrary.packageHint());
        }
        return version;
    }

    /** A libpcap failure to open a device: permission problems become EPERM for the classifier (exit 3). */
    static RuntimeException openFailure(String device, LiveHandle.OpenException e) {
        String message = String.valueOf(e.getMessage());
        int code = e.status();
        boolean permission = code == Libpcap.PCAP_ERROR_PERM_DENIED || code == Libpcap.PCAP_ERROR_PROMISC_PERM_DENIED
                || message.contains("Operation not permitted") || message.contains("Permission denied") || message.contains("permission");
        if (permission) {
            String join = io.netdiag.os.PrivilegeGroup.joinHint();
            return new NetdiagException(NetdiagException.Kind.UNSUPPORTED, "cannot capture on " + device,
                    join != null ? join + "; or run as root"
                            : "run as root, or grant cap_net_raw,cap_net_admin to a dedicated Java runtime for netdiag"
                            + " (not the system's java; see native-notes/capture.md)",
                    new ErrnoException("open " + device, 1));
        }
        if (code == Libpcap.PCAP_ERROR_NO_SUCH_DEVICE || message.contains("No such device") || message.contains("doesn't exist")
                || message.contains("not found")) {
            return NetdiagException.badInput("no such interface: " + device + " (see netdiag capture -D)");
        }
        return new NetdiagException(NetdiagException.Kind.NEGATIVE, "cannot capture on " + device + ": " + firstLine(message));
    }

    static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
