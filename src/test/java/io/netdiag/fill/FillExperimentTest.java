package io.netdiag.fill;

import io.netdiag.output.Json;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FillExperimentTest {
    static FillRequest local(InetSocketAddress at, Integer sndbuf, Integer rcvbuf) {
        return new FillRequest(FillRequest.Mode.LOCAL, at, sndbuf, rcvbuf, 65536, false, Duration.ofSeconds(1),
                new ReaderPolicy.Never(), null, null, Duration.ZERO, Duration.ofSeconds(5));
    }

    static InetSocketAddress loopback4() throws Exception {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    }

    @Test
    void bytesSentEqualServerRecvQPlusClientSendQAsSsSeesThem() throws Exception {
        AtomicReference<List<EndpointQueues>> ours = new AtomicReference<>();
        AtomicReference<SsRows> theirs = new AtomicReference<>();
        FillResult result = new FillExperiment().run(local(loopback4(), null, null), new FillExperiment.Observer() {
            @Override
            public void settled(List<EndpointQueues> queues) {
                ours.set(queues);
                int port = Integer.parseInt(queues.getFirst().local().replaceAll(".*:", ""));
                theirs.set(SsRows.tcp(port));
            }
        });
        String json = Json.pretty(result);
        assertNotNull(result.failure(), json);
        assertEquals(11, result.failure().errno(), json);
        assertEquals("EAGAIN", result.failure().symbol(), json);
        assertTrue(result.accounting().exact(), json);
        EndpointQueues server = ours.get().getFirst();
        EndpointQueues client = ours.get().getLast();
        assertEquals(result.bytesAtBlock(), server.recvQ() + client.sendQ(), json);
        SsRows ss = theirs.get();
        assertEquals(server.recvQ(), ss.byLocal(server.local()).recvQ(), ss.text());
        assertEquals(0, ss.byLocal(server.local()).sendQ(), ss.text());
        assertEquals(client.sendQ(), ss.byLocal(client.local()).sendQ(), ss.text());
        assertEquals(0, ss.byLocal(client.local()).recvQ(), ss.text());
        assertEquals(0, result.window().peerWindow(), json);
        System.out.println(json);
    }
}
