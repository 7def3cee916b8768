package io.netdiag.output;

import io.netdiag.ping.PingEvent;
import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --graph: the frame from a known sequence of events, and a live run on loopback. */
class PingGraphTest {
    @Test
    void sparklineShowsRepliesLossesAndErrors() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.1");
        PingGraph graph = new PingGraph(new PrintWriter(new StringWriter()), () -> 80);
        graph.on(new PingEvent.Sent("h", 0, 1));
        graph.on(new PingEvent.Reply("h", 0, 64, a, "10.0.0.1", 1, 64, 100, false, false));
        graph.on(new PingEvent.Sent("h", 0, 2));
        graph.on(new PingEvent.Reply("h", 0, 64, a, "10.0.0.1", 2, 64, 900, false, false));
        graph.on(new PingEvent.Sent("h", 0, 3));
        graph.on(new PingEvent.Sent("h", 0, 4)); // 3 got nothing before 4 left
        graph.on(new PingEvent.IcmpError("h", 0, a, "10.0.0.1", 4, false, 3, 1, 0, "Destination Host Unreachable"));
        List<String> frame = graph.frame(80);
        assertEquals(1, frame.size());
        assertTrue(frame.getFirst().startsWith("h  50% loss  last 0.900  avg 0.500 ms "), frame.getFirst());
        assertTrue(frame.getFirst().endsWith("▁█·x"), frame.getFirst());
    }

    @Test
    void liveRunEndsWithTheChartAndIputilsStatistics() {
        Host.requireRoot("raw ICMP sockets (ping_group_range is closed here)");
        Cli.Result r = Cli.run("ping", "--graph", "-c", "3", "-i", "0.1", "127.0.0.1");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("127.0.0.1   0% loss  last "), r::toString);
        assertTrue(r.out().contains("--- 127.0.0.1 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss"), r::toString);
        assertTrue(!r.out().contains(" bytes from "), "the chart replaces reply lines");
    }
}
