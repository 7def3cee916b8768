package io.netdiag.diagnose;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A tiny DNS server for the namespace tests: {@code ADDRESS ANSWER_A}. Answers by the first label of the
 * question: {@code nx} NXDOMAIN, {@code fail} SERVFAIL, {@code refused} REFUSED, {@code silent} never, {@code slow} the A record after
 * 1.5 s, anything else the A record ANSWER_A at once (AAAA: no records). Prints {@code ready} once bound.
 */
public final class TestDns {
    private TestDns() {
    }

    public static void main(String[] args) throws IOException {
        byte[] answerA = InetAddress.getByName(args[1]).getAddress();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[0]), 53))) {
            System.out.println("ready");
            System.out.flush();
            byte[] buffer = new byte[512];
            while (true) {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                socket.receive(p);
                byte[] q = java.util.Arrays.copyOf(p.getData(), p.getLength());
                if (q.length < 17) {
                    continue;
                }
                int labelLength = q[12] & 0xff;
                String first = new String(q, 13, Math.min(labelLength, q.length - 13), java.nio.charset.StandardCharsets.US_ASCII);
                int end = 12;
                while (end < q.length && q[end] != 0) {
                    end += (q[end] & 0xff) + 1;
                }
                int type = (q[end + 1] & 0xff) << 8 | (q[end + 2] & 0xff);
                int questionEnd = end + 5;
                SocketReply reply = switch (first) {
                    case "silent" -> null;
                    case "nx" -> new SocketReply(3, false, 0);
                    case "fail" -> new SocketReply(2, false, 0);
                    case "refused" -> new SocketReply(5, false, 0);
                    case "slow" -> new SocketReply(0, type == 1, 1500);
                    default -> new SocketReply(0, type == 1, 0);
                };
                if (reply == null) {
                    continue;
                }
                byte[] out = new byte[questionEnd + (reply.withA ? 16 : 0)];
                System.arraycopy(q, 0, out, 0, questionEnd);
                out[2] = (byte) (0x80 | (q[2] & 0x01)); // QR, RD copied
                out[3] = (byte) (0x80 | reply.rcode);    // RA, rcode
                out[6] = 0;
                out[7] = (byte) (reply.withA ? 1 : 0);
                out[8] = out[9] = out[10] = out[11] = 0;
                if (reply.withA) {
                    int at = questionEnd;
                    out[at] = (byte) 0xc0; // a pointer to the question's name
                    out[at + 1] = 12;
                    out[at + 2] = 0;
                    out[at + 3] = 1;  // A
                    out[at + 4] = 0;
                    out[at + 5] = 1;  // IN
                    out[at + 9] = 60; // TTL
                    out[at + 11] = 4;
                    System.arraycopy(answerA, 0, out, at + 12, 4);
                }
                InetSocketAddress to = (InetSocketAddress) p.getSocketAddress();
                if (reply.delayMillis > 0) {
                    Thread.ofPlatform().daemon().start(() -> {
                        try {
                            Thread.sleep(reply.delayMillis);
                            socket.send(new DatagramPacket(out, out.length, to));
                        } catch (IOException | InterruptedException e) {
                            // the test is over
                        }
                    });
                } else {
                    socket.send(new DatagramPacket(out, out.length, to));
                }
            }
        }
    }

    private record SocketReply(int rcode, boolean withA, int delayMillis) {
    }
}
