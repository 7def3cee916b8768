package io.netdiag.os;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The one sockaddr codec: ping's reusable-segment writes and fill's encode/decode, through the real kernel. */
class SockaddrCodecTest {
    @Test
    void writeIntoAReusableSegmentAndReadBack() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(SockaddrCodec.STORAGE_SIZE, 8);
            assertEquals(SockaddrCodec.IN6_SIZE, SockaddrCodec.write(s, InetAddress.getByName("fd00:200::2"), 443));
            assertEquals(new InetSocketAddress(InetAddress.getByName("fd00:200::2"), 443), SockaddrCodec.read(s, SockaddrCodec.IN6_SIZE));
            // the same segment, reused for a shorter IPv4 address: nothing of the IPv6 one is left behind
            assertEquals(SockaddrCodec.IN_SIZE, SockaddrCodec.write(s, InetAddress.getByName("10.200.0.1"), 65535));
            assertEquals(new InetSocketAddress(InetAddress.getByName("10.200.0.1"), 65535), SockaddrCodec.read(s, SockaddrCodec.IN_SIZE));
            assertEquals(0, s.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8));
            assertNull(SockaddrCodec.read(s, 1));
        }
    }

    @Test
    void scopeAndMappedAddressesSurvive() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            byte[] ll = InetAddress.getByName("fe80::1").getAddress();
            MemorySegment s = SockaddrCodec.of(arena, Inet6Address.getByAddress(null, ll, 1), 7);
            assertEquals(SockaddrCodec.IN6_SIZE, s.byteSize());
            InetSocketAddress back = SockaddrCodec.read(s, s.byteSize());
            assertEquals(1, ((Inet6Address) back.getAddress()).getScopeId());
            byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
            MemorySegment m = SockaddrCodec.of(arena, Inet6Address.getByAddress(null, mapped, -1), 80);
            // the kernel's mapped address stays IPv6, as ss prints it
            assertEquals("[::ffff:127.0.0.1]:80", SockaddrCodec.text(SockaddrCodec.decode(m, (int) m.byteSize())));
        }
    }

    /** bind(encode(x)) then getsockname, decoded: what went in comes out, for IPv4, IPv6 and UNIX. */
    @Test
    void theKernelAgrees() throws Exception {
        for (SocketAddress address : new SocketAddress[] {
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                new InetSocketAddress(InetAddress.getByName("::1"), 0)}) {
            try (StreamSocket socket = StreamSocket.open(SockaddrCodec.family(address))) {
                socket.bind(address);
                InetSocketAddress local = (InetSocketAddress) socket.localAddress();
                assertEquals(((InetSocketAddress) address).getAddress(), local.getAddress());
                String text = SockaddrCodec.text(local);
                assertEquals(address instanceof InetSocketAddress i && i.getAddress() instanceof Inet6Address
                        ? "[::1]:" + local.getPort() : "127.0.0.1:" + local.getPort(), text);
            }
        }
        Path dir = Files.createTempDirectory("ndcodec");
        UnixDomainSocketAddress unix = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
        try (StreamSocket socket = StreamSocket.open(Libc.AF_UNIX)) {
            socket.bind(unix);
            assertEquals(unix, socket.localAddress());
            socket.listen(1);
            try (StreamSocket client = StreamSocket.open(Libc.AF_UNIX)) {
                client.connect(unix, Duration.ofSeconds(2));
                assertNull(client.localAddress(), "an unbound UNIX client has no name");
                assertEquals("*", SockaddrCodec.text(client.localAddress()));
            }
        } finally {
            Files.deleteIfExists(dir.resolve("s.sock"));
            Files.delete(dir);
        }
    }
}
