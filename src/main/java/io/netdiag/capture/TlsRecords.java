package io.netdiag.capture;

import java.io.ByteArrayOutputStream;

/**
 * TLS over TCP as tshark summarises it: a connection whose first data looks like a TLS record is TLS on
 * any port; each segment that completes records shows the protocol version and the records' contents
 * ({@code Server Hello, Change Cipher Spec, Application Data}), and a segment holding only part of a
 * record shows as TCP with just {@code [TCP segment of a reassembled PDU]} as its Info. Port 443 is TLS from
 * its first byte. The version is the one the
 * server chose once its Server Hello has been seen (the supported_versions extension for TLS 1.3), the
 * record's own before that (a Client Hello usually says TLSv1). Handshake records after a Change
 * Cipher Spec are encrypted: "Encrypted Handshake Message".
 */
final class TlsRecords {

    private static final class Direction extends StreamDirections.Direction {
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        boolean encrypted;

        @Override
        void dropMessage() {
            pending.reset();
        }
    }

    private final StreamDirections<Direction> directions = new StreamDirections<>(StreamDirections.TLS, Direction::new);
    private final boolean keepBytes;

    /** With {@code keepBytes}, a record completed across segments comes back as "Reassembled TCP" data. */
    TlsRecords(boolean keepBytes) {
        this.keepBytes = keepBytes;
    }

    /** Gives up a record in progress: some of its bytes were not captured or were resent. */
    void forget(TcpConnection connection, boolean forward) {
        directions.forget(connection, forward);
    }

    /** Whether the direction has already followed these bytes (a retransmission of them). */
    boolean followed(TcpConnection connection, boolean forward, long seq, long length) {
        return directions.followed(connection, forward, seq, length);
    }

    /** Follows a segment's payload {@code b[off, end)}; null when the connection is not TLS. */
    StreamOutcome segment(TcpConnection connection, boolean forward, int srcPort, int dstPort, long seq, boolean syn, boolean fin,
                    byte[] b, int off, int end) {
        Direction d = directions.of(connection, forward);
        long length = Math.max(0, end - off);
        if (syn) {
            d.pending.reset();
            d.encrypted = false;
            d.position.advance(seq, 0, true, false);
            connection.tls = false;
            connection.tlsVersion = 0;
            return null;
        }
        if (!d.position.advance(seq, length, false, fin)) {
            d.pending.reset();
        }
        if (length == 0) {
            return null;
        }
        if (!connection.tls) {
            // 443 is TLS to tshark from its first byte; elsewhere the first data must look like a record
            if (srcPort != 443 && dstPort != 443 && (d.pending.size() > 0 || !looksLikeRecord(b, off, end))) {
                return null;
            }
            connection.tls = true;
        }
        int earlier = d.pending.size();
        d.pending.write(b, off, end - off);
        byte[] data = d.pending.toByteArray();
        java.util.List<PacketSummary.Source> sources = java.util.List.of();
        StringBuilder info = new StringBuilder();
        int lastRecordVersion = -1;
        int pos = 0;
        while (data.length - pos >= 5) {
            int type = data[pos] & 0xff;
            int recordVersion = WireBytes.u16(data, pos + 1);
            int size = WireBytes.u16(data, pos + 3);
            if (type < 20 || type > 24 || (recordVersion >> 8) != 3) {
                // not a record after all: show the rest as TCP and stop following this direction
                d.pending.reset();
                return info.isEmpty() ? null : new StreamOutcome(versionName(connection, lastRecordVersion), info.toString(), sources);
            }
            if (data.length - pos - 5 < size) {
                break;
            }
            lastRecordVersion = recordVersion;
            if (keepBytes && pos < earlier) {
                sources = java.util.List.of(new PacketSummary.Source("Reassembled TCP",
                        java.util.Arrays.copyOfRange(data, pos, pos + 5 + size)));
            }
            describe(connection, d, type, data, pos + 5, pos + 5 + size, info);
            pos += 5 + size;
        }
        d.pending.reset();
        d.pending.write(data, pos, data.length - pos);
        if (info.isEmpty()) {
            // a part of a record: TLS leaves tshark's Info column with just the marker
            return new StreamOutcome("TCP", StreamOutcome.SEGMENT_OF_PDU, sources);
        }
        return new StreamOutcome(versionName(connection, lastRecordVersion), info.toString(), sources);
    }

    private void describe(TcpConnection connection, Direction d, int type, byte[] b, int off, int end, StringBuilder info) {
        switch (type) {
            case 20 -> {
                add(info, "Change Cipher Spec");
                d.encrypted = true;
            }
            case 21 -> add(info, d.encrypted || end - off != 2 ? "Encrypted Alert" : alert(b, off));
            case 22 -> {
                if (d.encrypted) {
                    add(info, "Encrypted Handshake Message");
                    return;
                }
                int pos = off;
                while (end - pos >= 4) {
                    int messageType = b[pos] & 0xff;
                    int size = ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
                    add(info, handshakeName(messageType));
                    if (messageType == 2 && end - pos - 4 >= Math.min(size, end - pos - 4)) {
                        int chosen = serverVersion(b, pos + 4, Math.min(end, pos + 4 + size));
                        if (chosen > 0) {
                            connection.tlsVersion = chosen;
                        }
                    }
                    pos += 4 + size;
                }
            }
            case 23 -> add(info, "Application Data");
            default -> add(info, "Heartbeat");
        }
    }

    /** The Server Hello's version: supported_versions (43) when present, else its legacy version. */
    private static int serverVersion(byte[] b, int off, int end) {
        if (end - off < 38) {
            return -1;
        }
        int legacy = WireBytes.u16(b, off);
        int pos = off + 34;
        int sessionId = b[pos] & 0xff;
        pos += 1 + sessionId + 2 + 1;
        if (end - pos < 2) {
            return legacy;
        }
        int extensionsEnd = Math.min(end, pos + 2 + WireBytes.u16(b, pos));
        pos += 2;
        while (extensionsEnd - pos >= 4) {
            int type = WireBytes.u16(b, pos);
            int size = WireBytes.u16(b, pos + 2);
            if (type == 43 && size == 2 && extensionsEnd - pos >= 6) {
                return WireBytes.u16(b, pos + 4);
            }
            pos += 4 + size;
        }
        return legacy;
    }

    private String versionName(TcpConnection connection, int recordVersion) {
        int chosen = connection.tlsVersion;
        int version = chosen > 0 ? chosen : recordVersion;
        return switch (version) {
            case 0x0300 -> "SSLv3";
            case 0x0301 -> "TLSv1";
            case 0x0302 -> "TLSv1.1";
            case 0x0303 -> "TLSv1.2";
            case 0x0304 -> "TLSv1.3";
            default -> "TLS";
        };
    }

    /** A TLS record header: content type 20 to 23, version 3.0 to 3.4, a length a record can have. */
    private static boolean looksLikeRecord(byte[] b, int off, int end) {
        if (end - off < 5) {
            return false;
        }
        int type = b[off] & 0xff;
        int major = b[off + 1] & 0xff;
        int minor = b[off + 2] & 0xff;
        int size = WireBytes.u16(b, off + 3);
        return type >= 20 && type <= 23 && major == 3 && minor <= 4 && size > 0 && size <= 16384 + 2048;
    }

    private static void add(StringBuilder info, String text) {
        if (!info.isEmpty()) {
            info.append(", ");
        }
        info.append(text);
    }

    private static String handshakeName(int type) {
        return switch (type) {
            case 0 -> "Hello Request";
            case 1 -> "Client Hello";
            case 2 -> "Server Hello";
            case 3 -> "Hello Verify Request";
            case 4 -> "New Session Ticket";
            case 5 -> "End of Early Data";
            case 8 -> "Encrypted Extensions";
            case 11 -> "Certificate";
            case 12 -> "Server Key Exchange";
            case 13 -> "Certificate Request";
            case 14 -> "Server Hello Done";
            case 15 -> "Certificate Verify";
            case 16 -> "Client Key Exchange";
            case 20 -> "Finished";
            case 22 -> "Certificate Status";
            case 24 -> "Key Update";
            default -> "Encrypted Handshake Message";
        };
    }

    private static String alert(byte[] b, int off) {
        int level = b[off] & 0xff;
        int description = b[off + 1] & 0xff;
        String levelName = switch (level) {
            case 1 -> "Warning";
            case 2 -> "Fatal";
            default -> "Unknown (" + level + ")";
        };
        String descriptionName = switch (description) {
            case 0 -> "Close Notify";
            case 10 -> "Unexpected Message";
            case 20 -> "Bad Record MAC";
            case 40 -> "Handshake Failure";
            case 42 -> "Bad Certificate";
            case 43 -> "Unsupported Certificate";
            case 44 -> "Certificate Revoked";
            case 45 -> "Certificate Expired";
            case 46 -> "Certificate Unknown";
            case 47 -> "Illegal Parameter";
            case 48 -> "Unknown CA";
            case 49 -> "Access Denied";
            case 50 -> "Decode Error";
            case 51 -> "Decrypt Error";
            case 70 -> "Protocol Version";
            case 71 -> "Insufficient Security";
            case 80 -> "Internal Error";
            case 86 -> "Inappropriate Fallback";
            case 90 -> "User Canceled";
            case 109 -> "Missing Extension";
            case 110 -> "Unsupported Extension";
            case 112 -> "Unrecognized Name";
            case 116 -> "Certificate Required";
            case 120 -> "No Application Protocol";
            default -> "Unknown (" + description + ")";
        };
        return "Alert (Level: " + levelName + ", Description: " + descriptionName + ")";
    }
}
