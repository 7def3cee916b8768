package io.netdiag.os;

import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one inet_ntop: edge cases, compared with glibc (getent), the JDK and ss. */
class AddressTextTest {
    /** Fully written addresses (eight groups) and what glibc's inet_ntop makes of them. */
    private static final List<List<String>> CASES = List.of(
            List.of("0:0:0:0:0:0:0:0", "::"),
            List.of("0:0:0:0:0:0:0:1", "::1"),
            List.of("1:0:0:0:0:0:0:0", "1::"),
            // two runs of equal length: the first is compressed
            List.of("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
            // the longer run wins even when it comes second
            List.of("1:0:0:2:0:0:0:4", "1:0:0:2::4"),
            // a single zero group is never "::"
            List.of("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
            List.of("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
            List.of("fe80:0:0:0:0:0:0:1", "fe80::1"),
            List.of("0:0:0:0:0:1:0:0", "::1:0:0"),
            List.of("abcd:ef01:0:0:0:0:0:ff", "abcd:ef01::ff"),
            // IPv4-mapped and IPv4-compatible keep a dotted tail, as ss and ping print them
            List.of("0:0:0:0:0:ffff:102:304", "::ffff:1.2.3.4"),
            List.of("0:0:0:0:0:ffff:7f00:1", "::ffff:127.0.0.1"),
            List.of("0:0:0:0:0:ffff:0:0", "::ffff:0.0.0.0"),
            List.of("0:0:0:0:0:0:102:304", "::1.2.3.4"),
            // ...but not when the seventh group is zero: ::2 is not ::0.0.0.2
            List.of("0:0:0:0:0:0:0:2", "::2"),
            List.of("0:0:0:0:0:0:0:102", "::102"),
            // ffff elsewhere is not a mapped address
            List.of("0:0:0:0:ffff:0:102:304", "::ffff:0:102:304"),
            List.of("0:0:0:0:0:ffff:1:2", "::ffff:0.1.0.2"));

    /** Numeric hosts in inet_aton's forms: what glibc's getaddrinfo (getent ahostsv4) makes of each. */
    @Test
    void inetAtonReadsEveryNumericFormGetaddrinfoReads() {
        List<String> numeric = List.of("127.0.0.1", "127.1", "127.0.1", "0x7f000001", "0x7f.1", "010.0.0.1", "0177.0.0.1",
                "0", "00", "4294967295", "0xFFFFFFFF", "1.2.3.0377", "0X7F.0.0.01", "10.65535", "192.168.0x1.1");
        for (String text : numeric) {
            Host.Run glibc = Host.run("getent", "ahostsv4", text);
            assertEquals(0, glibc.exitCode(), () -> "getent ahostsv4 " + text + ": " + glibc);
            String expected = glibc.out().lines().findFirst().orElseThrow().split("\\s+")[0];
            java.net.Inet4Address ours = AddressText.inetAton(text);
            assertEquals(expected, ours == null ? null : AddressText.of(ours), text);
        }
        // what getaddrinfo does not read as a number (ping: "Name or service not known")
        for (String text : List.of("", ".", "1.", ".1", "1..2", "1.2.3.4.5", "4294967296", "256.1.1.1", "08", "0x",
                "1.2.3.256", "1.2.65536", "0x1g", " 1.2.3.4", "1.2.3.4 ", "\u0661\u0662\u0667.0.0.1", "abc", "1e3", "-1")) {
            assertEquals(null, AddressText.inetAton(text), text);
        }
    }

    @Test
    void rfc5952EdgeCases() {
        for (List<String> c : CASES) {
            assertEquals(c.get(1), AddressText.ipv6(bytes(c.get(0))), c.get(0));
        }
    }

    @Test
    void readsAtAnOffset() {
        byte[] row = new byte[40];
        System.arraycopy(bytes("fd00:200:0:0:0:0:0:2"), 0, row, 20, 16);
        row[4] = 10;
        row[5] = (byte) 200;
        row[7] = 1;
        assertEquals("fd00:200::2", AddressText.ipv6(row, 20));
        assertEquals("10.200.0.1", AddressText.ipv4(row, 4));
    }

    /** glibc's inet_ntop, through getent, is what ss, ip and iputils ping call. */
    @Test
    void sameAsGlibc() {
        Host.require("getent");
        for (List<String> c : CASES) {
            Host.Run run = Host.run("getent", "ahostsv6", c.get(0));
            assertEquals(0, run.exitCode(), run.err());
            String glibc = run.out().lines().findFirst().orElseThrow().split("\\s+")[0];
            assertEquals(glibc, AddressText.ipv6(bytes(c.get(0))), c.get(0));
        }
    }

    /** From InetAddress: the JDK parses every form, prints all eight groups; we print inet_ntop's. */
    @Test
    void fromInetAddress() throws Exception {
        assertEquals("0:0:0:0:0:0:0:1", InetAddress.getByName("::1").getHostAddress());
        assertEquals("::1", AddressText.of(InetAddress.getByName("::1")));
        assertEquals("fd00:200::1", AddressText.of(InetAddress.getByName("fd00:200:0:0:0:0:0:1")));
        assertEquals("127.0.0.1", AddressText.of(InetAddress.getByName("127.0.0.1")));
        // the JDK turns ::ffff:a.b.c.d into an Inet4Address; a kernel-given one kept as Inet6Address prints mapped
        assertEquals("127.0.0.1", AddressText.of(InetAddress.getByName("::ffff:127.0.0.1")));
        Inet6Address mapped = Inet6Address.getByAddress(null, bytes("0:0:0:0:0:ffff:7f00:1"), -1);
        assertEquals("::ffff:127.0.0.1", AddressText.of(mapped));
        // a scope given by number (as a received sockaddr_in6 carries it) prints as that number
        assertEquals("fe80::1%1", AddressText.of(Inet6Address.getByAddress(null, bytes("fe80:0:0:0:0:0:0:1"), 1)));
    }

    /** A dual-stack listener reached over IPv4 sees a mapped peer; ss prints it as we do. */
    @Test
    void mappedPeerAsSsPrintsIt() throws Exception {
        Host.require("ss");
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                 SocketChannel accepted = server.accept()) {
                Host.Run ss = Host.run("ss", "-Htn", "state", "established", "sport", "=", ":" + port);
                String expected = "[" + AddressText.ipv6(bytes("0:0:0:0:0:ffff:7f00:1")) + "]:" + port;
                assertTrue(ss.out().contains(" " + expected + " "), ss.out() + " has no " + expected);
            }
        }
    }

    private static byte[] bytes(String eightGroups) {
        String[] groups = eightGroups.split(":");
        assertEquals(8, groups.length, eightGroups);
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            int w = Integer.parseInt(groups[i], 16);
            b[2 * i] = (byte) (w >> 8);
            b[2 * i + 1] = (byte) w;
        }
        return b;
    }
}
