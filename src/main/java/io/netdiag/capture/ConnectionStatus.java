package io.netdiag.capture;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The connection status word tcpdump -D shows ("Connected", "Disconnected"), which libpcap derives on Linux
 * from the device's operational state in sysfs; pcap4j does not pass libpcap's status flags on.
 */
final class ConnectionStatus {
    private ConnectionStatus() {
    }

    /** libpcap marks Bluetooth and 802.11 devices as wireless. */
    static boolean wireless(String device) {
        return device.startsWith("bluetooth") || Files.isDirectory(Path.of("/sys/class/net", device, "wireless"));
    }

    static String of(String device, boolean loopback, boolean up) {
        Path dir = Path.of("/sys/class/net", device);
        if (loopback || !up || !Files.isDirectory(dir)) {
            return null;
        }
        try {
            // ARPHRD_ETHER devices carry a status; virtual ones that are down show none, as libpcap reports
            String type = Files.readString(dir.resolve("type")).strip();
            String state = Files.readString(dir.resolve("operstate")).strip();
            if (!"1".equals(type)) {
                return null;
            }
            return switch (state) {
                case "up" -> "Connected";
                case "down", "lowerlayerdown" -> "Disconnected";
                default -> null;
            };
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
