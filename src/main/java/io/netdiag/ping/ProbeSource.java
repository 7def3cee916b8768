package io.netdiag.ping;

import io.netdiag.explain.Category;
import io.netdiag.explain.Classifier;
import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;
import io.netdiag.os.ErrnoException;
import io.netdiag.os.Libc;
import io.netdiag.os.SourceBinding;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * ping's {@code -I INTERFACE|ADDRESS}, done as iputils does it (ping.c, ping6_common.c): the source for a
 * target is the given address, or, for a device or an address of the other family, the one the kernel picks
 * through the device; the probe socket is tied to the device and, when an address was given, bound to the
 * source. Failures carry iputils' words ({@code SO_BINDTODEVICE eth9: No such device},
 * {@code bind: Cannot assign requested address}) with netdiag's reading and exit codes.
 */
public final class ProbeSource {
    private static final int ENODEV = 19;
    private static final int EPERM = 1;
    private static final int EACCES = 13;
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    /**
     * The source of a run: the address probes leave from (as printed after {@code from}) and the device they
     * are tied to, or null.
     */
    public record Chosen(InetAddress address, String device) {
        /**
         * iputils' warning when the kernel's choice is not an address of the device (getifaddrs), or null:
         * replies to that address may not come back through the device.
         */
        public String warning() {
            if (device == null) {
                return null;
            }
            try {
                java.net.NetworkInterface nif = java.net.NetworkInterface.getByName(device);
                byte[] raw = address.getAddress();
                if (nif != null && nif.inetAddresses().anyMatch(a -> java.util.Arrays.equals(a.getAddress(), raw))) {
                    return null;
                }
            } catch (java.net.SocketException e) {
                // cannot list the device's addresses: say what iputils says when they do not match
            }
            return "Warning: source address might be selected on device other than: " + device;
        }
    }

    private ProbeSource() {
    }

    /** Parses -I as iputils does (inet_pton, then a device name); a bad IPv6 address is bad input. */
    public static PingRequest.Source parse(String text) {
        if (text.contains(":")) {
            int percent = text.indexOf('%');
            String device = percent >= 0 ? text.substring(percent + 1) : null;
            String literal = percent >= 0 ? text.substring(0, percent) : text;
            try {
                if (!literal.matches("[0-9A-Fa-f:.]+")) { // anything else would make getByName ask DNS
                    throw new UnknownHostException(literal);
                }
                InetAddress a = InetAddress.getByName(literal);
                if (!(a instanceof Inet6Address) && !(a instanceof Inet4Address && literal.contains(":"))) {
                    throw new UnknownHostException(literal);
                }
                return new PingRequest.Source(text, device == null || device.isEmpty() ? null : device,
                        a instanceof Inet6Address ? a : Inet6Address.getByAddress(null, mapped(a.getAddress()), -1));
            } catch (UnknownHostException e) {
                throw invalid(text);
            }
        }
        if (IPV4.matcher(text).matches()) {
            try {
                return new PingRequest.Source(text, null, InetAddress.getByName(text));
            } catch (UnknownHostException e) {
                throw invalid(text);
            }
        }
        if (text.isEmpty()) {
            throw invalid(text);
        }
        return new PingRequest.Source(text, text, null);
    }

    private static NetdiagException invalid(String text) {
        return new NetdiagException(NetdiagException.Kind.BAD_INPUT, "invalid source address: " + text,
                "-I takes an interface name (ip -br link) or an address of this host (ip -br address)", null);
    }

    private static byte[] mapped(byte[] v4) {
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return v6;
    }

    /** Whether the -I address may be bound for this target (same family); otherwise iputils picks one by route. */
    private static boolean sameFamily(InetAddress given, InetAddress target) {
        return given != null && (given instanceof Inet6Address) == (target instanceof Inet6Address);
    }

    /**
     * Finds the source for {@code target} (written {@code written}) and ties {@code fd}, the probe socket,
     * to it: the device first, then the address when one was given. IPv6 targets get iputils' IPv6 words.
     */
    public static Chosen apply(PingRequest.Source source, String written, InetAddress target, int fd) {
        boolean v6 = target instanceof Inet6Address;
        String device = source.device();
        if (device != null && v6 && SourceBinding.deviceIndex(device) == 0) {
            throw new NetdiagException(NetdiagException.Kind.BAD_INPUT, "unknown iface: " + device,
                    "ip -br link lists the interfaces of this host; -I also takes one of its addresses", null);
        }
        InetAddress address;
        if (sameFamily(source.address(), target)) {
            address = source.address();
            if (device != null && address.isLinkLocalAddress()) {
                // fe80::1%eth0: a link-local address means nothing without its interface (sin6_scope_id), as iputils sets it
                try {
                    address = Inet6Address.getByAddress(null, address.getAddress(), SourceBinding.deviceIndex(device));
                } catch (UnknownHostException e) {
                    throw invalid(source.written());
                }
            }
        } else {
            try {
                address = SourceBinding.sourceFor(target, device);
            } catch (ErrnoException e) {
                throw failure(e, written, target, device);
            }
        }
        try {
            if (device != null) {
                SourceBinding.bindToDevice(fd, device);
            }
            if (source.address() != null) {
                SourceBinding.bind(fd, address, v6 ? "bind icmp socket" : "bind");
            }
        } catch (ErrnoException e) {
            throw failure(e, written, target, device);
        }
        return new Chosen(address, device);
    }

    /** As {@link #apply} for a TCP or UDP probe: checks the device and address once, on a socket of the probe's family. */
    public static Chosen check(PingRequest.Source source, String written, InetAddress target) {
        int family = target instanceof Inet6Address ? Libc.AF_INET6 : Libc.AF_INET;
        int fd;
        try {
            fd = Libc.socket(family, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0, "socket");
        } catch (ErrnoException e) {
            throw new NetdiagException(NetdiagException.Kind.INTERNAL, "cannot open a UDP socket", e);
        }
        try {
            return apply(source, written, target, fd);
        } finally {
            Libc.close(fd);
        }
    }

    private static NetdiagException failure(ErrnoException e, String written, InetAddress target, String device) {
        String words = e.operation() + ": " + Libc.strerror(e.errno());
        if (e.operation().startsWith("SO_BINDTODEVICE")) {
            if (e.errno() == ENODEV) {
                return new NetdiagException(NetdiagException.Kind.BAD_INPUT, words,
                        "ip -br link lists the interfaces of this host; -I also takes one of its addresses", e);
            }
            if (e.errno() == EPERM || e.errno() == EACCES) {
                return new NetdiagException(NetdiagException.Kind.UNSUPPORTED, words,
                        "run as root (CAP_NET_RAW) to tie the probe socket to " + device, e);
            }
            return new NetdiagException(NetdiagException.Kind.NEGATIVE, words, e);
        }
        if (e.operation().startsWith("bind")) {
            return new NetdiagException(NetdiagException.Kind.BAD_INPUT, words,
                    "-I takes an address of this host (ip -br address) or an interface name", e);
        }
        if (e.operation().equals("connect")) {
            // as without -I: no route is a negative answer (exit 1), here through the device
            boolean known = Classifier.standard().classify(e).category() != Category.OTHER;
            String through = device == null ? "" : " oif " + device;
            return new NetdiagException(NetdiagException.Kind.NEGATIVE,
                    written + ": connect: " + Libc.strerror(e.errno()) + " (no route from this host"
                            + (device == null ? "" : " through " + device) + ")",
                    "check the routes: ip route get " + AddressText.of(target) + through, known ? e : null);
        }
        return new NetdiagException(NetdiagException.Kind.NEGATIVE, words, e);
    }
}
