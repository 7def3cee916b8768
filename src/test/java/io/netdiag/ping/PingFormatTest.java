package io.netdiag.ping;

import io.netdiag.os.AddressText;
import io.netdiag.output.PingRenderer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** iputils' number formats and arithmetic, checked against values computed by hand from ping_common.c. */
class PingFormatTest {
    @Test
    void timePrecisionFollowsIputils() {
        assertEquals("0.047", PingRenderer.time(47));
        assertEquals("0.999", PingRenderer.time(999));
        assertEquals("1.00", PingRenderer.time(1000));
        assertEquals("9.99", PingRenderer.time(9994));
        assertEquals("10.0", PingRenderer.time(9995));
        assertEquals("12.3", PingRenderer.time(12345));
        assertEquals("100", PingRenderer.time(99950));
        assertEquals("123", PingRenderer.time(123456));
    }

    @Test
    void lossPrintsLikePrintfPercentG() {
        assertEquals("0", PingRenderer.percent(0f));
        assertEquals("100", PingRenderer.percent(100f));
        assertEquals("66.6667", PingRenderer.percent((float) (2 * 100.0 / 3)));
        assertEquals("33.3333", PingRenderer.percent((float) (100.0 / 3)));
        assertEquals("50", PingRenderer.percent(50f));
        assertEquals("0.1", PingRenderer.percent((float) (1 * 100.0 / 1000)));
    }

    @Test
    void mdevIsThePopulationDeviationInIntegerMicroseconds() {
        EchoStatistics s = new EchoStatistics();
        long[] rtts = {40, 200, 41};
        for (long rtt : rtts) {
            int seq = s.sent();
            s.reply(seq, rtt);
        }
        PingSummary.Rtt r = s.rtt();
        assertNotNull(r);
        assertEquals(40, r.minMicros());
        assertEquals(93, r.avgMicros()); // 281 / 3
        assertEquals(200, r.maxMicros());
        // (40^2 + 200^2 + 41^2 - 281^2/3) / 3 = (43281 - 26320) / 3 = 5653 -> sqrt 75
        assertEquals(75, r.mdevMicros());
    }

    @Test
    void duplicatesCountOnceAndStillEnterTheAverage() {
        EchoStatistics s = new EchoStatistics();
        int seq = s.sent();
        assertEquals(false, s.reply(seq, 100));
        assertEquals(true, s.reply(seq, 300));
        assertEquals(1, s.received);
        assertEquals(1, s.duplicates);
        assertEquals(200, s.rtt().avgMicros());
    }

    @Test
    void echoRequestHasAValidChecksumAndIputilsPayload() {
        byte[] packet = new byte[64];
        int length = EchoCodec.request(packet, false, 0x1234, 7, 56, 1_700_000_000_123_456_789L);
        assertEquals(64, length);
        assertEquals(0, EchoCodec.checksum(packet, 0, length), "a packet including its checksum sums to zero");
        EchoCodec.Echo echo = EchoCodec.echo(packet, 0);
        assertEquals(new EchoCodec.Echo(8, 0, 0x1234, 7, 64), echo);
        assertEquals(16, packet[8 + 16], "data after the timestamp counts up from 16, as iputils fills it");
    }

    @Test
    void quotedProbeInAnIcmpErrorIsFoundOnlyWhenItIsAnEchoRequest() throws Exception {
        byte[] probe = new byte[16];
        EchoCodec.request(probe, false, 0xbeef, 3, 8, 0);
        byte[] inner = new byte[20];
        inner[0] = 0x45;
        inner[9] = 1;
        System.arraycopy(InetAddress.getByName("10.200.1.2").getAddress(), 0, inner, 16, 4);
        byte[] error = new byte[8 + 20 + 16];
        error[0] = 3;
        error[1] = 4;
        error[6] = 0x05;
        error[7] = (byte) 0xdc; // next-hop MTU 1500
        System.arraycopy(inner, 0, error, 8, 20);
        System.arraycopy(probe, 0, error, 28, 16);
        EchoCodec.QuotedError q = EchoCodec.quoted(error, 0, false);
        assertNotNull(q);
        assertEquals(0xbeef, q.identifier());
        assertEquals(3, q.sequence());
        assertEquals(1500, q.info());
        assertEquals("Frag needed and DF set (mtu = 1500)", IcmpTexts.v4(q.type(), q.code(), q.info()));
        error[28] = 0; // an echo reply quoted is not our probe
        assertNull(EchoCodec.quoted(error, 0, false));
    }

    @Test
    void addressesPrintAsInetNtop() throws Exception {
        assertEquals("::1", AddressText.of(InetAddress.getByName("::1")));
        assertEquals("fd00:200::1", AddressText.of(InetAddress.getByName("fd00:200:0:0:0:0:0:1")));
        assertEquals("2001:db8::1:0:0:1", AddressText.of(InetAddress.getByName("2001:db8:0:0:1:0:0:1")));
        assertEquals("127.0.0.1", AddressText.of(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void icmpTextsAreIputilsWords() {
        assertEquals("Destination Host Unreachable", IcmpTexts.v4(3, 1, 0));
        assertEquals("Packet filtered", IcmpTexts.v4(3, 13, 0));
        assertEquals("Time to live exceeded", IcmpTexts.v4(11, 0, 0));
        assertEquals("Parameter problem: pointer = 20", IcmpTexts.v4(12, 0, 20));
        assertEquals("Destination unreachable: Administratively prohibited", IcmpTexts.v6(1, 1, 0));
        assertEquals("Packet too big: mtu=1280", IcmpTexts.v6(2, 0, 1280));
        assertEquals("Time exceeded: Hop limit", IcmpTexts.v6(3, 0, 0));
    }
}
