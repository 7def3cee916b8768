package io.netdiag.ping;

import java.nio.charset.StandardCharsets;

/**
 * What a UDP probe sends. Most UDP services ignore a datagram they cannot parse, which would make an
 * open port look "open|filtered"; for the well-known ones a minimal valid request draws a reply (as
 * nmap's payloads do): a DNS query for the root's NS records on 53, an NTP client request on 123.
 */
final class UdpPayloads {
    private UdpPayloads() {
    }

    static byte[] forPort(int port) {
        return switch (port) {
            case 53, 5353 -> new byte[] {
                    0x4e, 0x44, // id "ND"
                    0x01, 0x00, // standard query, recursion desired
                    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // one question
                    0x00, // the root name
                    0x00, 0x02, // type NS
                    0x00, 0x01}; // class IN
            case 123 -> {
                byte[] ntp = new byte[48];
                ntp[0] = 0x23; // leap 0, version 4, mode 3 (client)
                yield ntp;
            }
            default -> "netdiag ping\n".getBytes(StandardCharsets.US_ASCII);
        };
    }
}
