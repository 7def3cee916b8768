package io.netdiag.sockets;

import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilterExpressionTest {
    private static SocketEntry tcp(String src, int sport, String dst, int dport) {
        SocketEntry.Family f = src.contains(":") ? SocketEntry.Family.INET6 : SocketEntry.Family.INET;
        return new SocketEntry(f, Netid.TCP, SocketState.ESTABLISHED, 0, 0, new Endpoint(src, sport), new Endpoint(dst, dport),
                1, 0, 0, false, 0, null, Optional.empty(), Optional.empty(), List.of(), null, 0);
    }

    private static boolean match(String expr, SocketEntry e) {
        return FilterExpression.parse(expr).test(e);
    }

    @Test
    void theIssueExample() {
        assertTrue(match("dport = :443 and dst 10.0.0.0/8", tcp("192.168.1.2", 5000, "10.1.2.3", 443)));
        assertFalse(match("dport = :443 and dst 10.0.0.0/8", tcp("192.168.1.2", 5000, "11.1.2.3", 443)));
        assertFalse(match("dport = :443 and dst 10.0.0.0/8", tcp("192.168.1.2", 5000, "10.1.2.3", 80)));
    }

    @Test
    void operatorsPrecedenceAndParentheses() {
        SocketEntry e = tcp("127.0.0.1", 8080, "127.0.0.1", 40000);
        assertTrue(match("sport == :8080 or dport = :1 and dport = :2", e), "and binds tighter than or");
        assertFalse(match("( sport = :8080 or dport = :1 ) and dport = :2", e));
        assertTrue(match("not dport = :22", e));
        assertTrue(match("! dport eq :22", e));
        assertTrue(match("sport > :1024 && dport >= :40000", e));
        assertTrue(match("sport lt :9000 sport gt :8000", e), "juxtaposition is and");
        assertTrue(match("dport != :22", e));
        assertTrue(match("(sport=:8080)", e), "operators need no blanks");
        assertTrue(match("src 127.0.0.1:8080", e));
        assertTrue(match("src *:8080", e));
        assertFalse(match("src 127.0.0.2", e));
        assertTrue(match("dst != 10.0.0.0/8", e));
    }

    @Test
    void ipv6AndMappedAddresses() {
        assertTrue(match("src [::1]:443", tcp("::1", 443, "::1", 5)));
        assertTrue(match("src ::1", tcp("::1", 443, "::1", 5)));
        assertTrue(match("dst fd00:200::/64", tcp("::1", 443, "fd00:200::7", 5)));
        assertTrue(match("src 127.0.0.0/8", tcp("::ffff:127.0.0.1", 443, "::1", 5)), "ss matches v4-mapped");
    }

    @Test
    void servicesByName() {
        assertTrue(match("dport = :https", tcp("10.0.0.1", 5, "10.0.0.2", 443)));
    }

    @Test
    void badExpressionsSayWhatIsWrong() {
        NetdiagException e = assertThrows(NetdiagException.class, () -> FilterExpression.parse("dport = :99999"));
        assertEquals(NetdiagException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("out of range"));
        assertThrows(NetdiagException.class, () -> FilterExpression.parse("frobnicate 3"));
        assertThrows(NetdiagException.class, () -> FilterExpression.parse("dst 10.0.0.0/33"));
        assertThrows(NetdiagException.class, () -> FilterExpression.parse("dport ="));
    }

    @Test
    void addressText() {
        assertEquals("::", AddressText.ipv6(new byte[16]));
        byte[] one = new byte[16];
        one[15] = 1;
        assertEquals("::1", AddressText.ipv6(one));
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        assertEquals("::ffff:127.0.0.1", AddressText.ipv6(mapped));
        byte[] ll = {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        assertEquals("fe80::1", AddressText.ipv6(ll));
        byte[] doc = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
        assertEquals("2001:db8:0:1::1", AddressText.ipv6(doc));
    }

    @Test
    void procAddressesAreHostOrderWords() {
        assertEquals("127.0.0.1", ProcNetTables.address("0100007F"));
        assertEquals("::1", ProcNetTables.address("00000000000000000000000001000000"));
        SocketEntry e = ProcNetTables.parseInet(Netid.TCP, false,
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0");
        assertEquals(8080, e.local().port());
        assertEquals(SocketState.LISTEN, e.state());
        assertEquals(3, e.recvQ());
        assertEquals(1000, e.uid());
        assertEquals(4242, e.inode());
    }
}
