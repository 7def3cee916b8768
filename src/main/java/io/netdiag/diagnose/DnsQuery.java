package io.netdiag.diagnose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One DNS question (RFC 1035, over UDP) to one resolver, with a bounded wait: does the resolver answer, and
 * with which response code. Enough to tell NXDOMAIN from SERVFAIL from silence, which getaddrinfo's
 * error codes blur (EAI_AGAIN covers both a SERVFAIL and a time-out).
 */
final class DnsQuery {
    static final int A = 1;
    static final int AAAA = 28;

    private DnsQuery() {
    }

    /**
     * What the resolver said.
     *
     * @param rcode   the response code (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED), -1 when nothing came back
     * @param answers answer records in the reply
     * @param millis  time to the answer or to the time-out
     * @param error   a local failure (no route to the resolver, ICMP port unreachable), or null
     */
    record Answer(int rcode, int answers, long millis, String error) {
        String text() {
            if (error != null) {
                return error;
            }
            return switch (rcode) {
                case -1 -> "no answer in " + millis + " ms";
                case 0 -> answers == 0 ? "NOERROR, no records" : "NOERROR, " + answers + " record" + (answers == 1 ? "" : "s");
                case 1 -> "FORMERR";
                case 2 -> "SERVFAIL";
                case 3 -> "NXDOMAIN";
                case 4 -> "NOTIMP";
                case 5 -> "REFUSED";
                default -> "rcode " + rcode;
            };
        }
    }

    static Answer ask(InetAddress resolver, String name, int type, int timeoutMillis) {
        long start = System.nanoTime();
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        try (DatagramChannel channel = DatagramChannel.open(); Selector selector = Selector.open()) {
            channel.connect(new InetSocketAddress(resolver, 53));
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(question(id, name, type)));
            channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer reply = ByteBuffer.allocate(4096);
            long deadline = start + timeoutMillis * 1_000_000L;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0 || selector.select(left) == 0 && System.nanoTime() >= deadline) {
                    return new Answer(-1, 0, millis(start), null);
                }
                selector.selectedKeys().clear();
                reply.clear();
                if (channel.read(reply) < 12) {
                    continue;
                }
                byte[] r = reply.array();
                if (((r[0] & 0xff) << 8 | (r[1] & 0xff)) != id || (r[2] & 0x80) == 0) {
                    continue; // not the answer to our question
                }
                return new Answer(r[3] & 0x0f, (r[6] & 0xff) << 8 | (r[7] & 0xff), millis(start), null);
            }
        } catch (java.net.PortUnreachableException e) {
            return new Answer(-1, 0, millis(start), "ICMP port unreachable: no DNS server listens there");
        } catch (SocketTimeoutException e) {
            return new Answer(-1, 0, millis(start), null);
        } catch (IOException e) {
            return new Answer(-1, 0, millis(start), e.getMessage());
        }
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** A standard query with recursion desired, one question. */
    static byte[] question(int id, String name, int type) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(id >> 8);
        b.write(id);
        b.write(0x01); // RD
        b.write(0x00);
        b.write(0);
        b.write(1); // QDCOUNT
        for (int i = 0; i < 6; i++) {
            b.write(0);
        }
        for (String label : name.split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] bytes = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            b.write(Math.min(63, bytes.length));
            b.write(bytes, 0, Math.min(63, bytes.length));
        }
        b.write(0);
        b.write(type >> 8);
        b.write(type);
        b.write(0);
        b.write(1); // IN
        return b.toByteArray();
    }
}
