package io.netdiag.capture;

import java.util.ArrayList;
import java.util.List;

/**
 * Wireshark's TCP sequence analysis ({@code tcp_analyze_sequence_number} in epan/dissectors/packet-tcp.c,
 * as in Wireshark 4.0), per conversation and direction, one pass in frame order. Sequence numbers are
 * 32-bit and compared by signed difference, so wrap-around is handled as TCP does it.
 */
final class TcpAnalyzer {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    private static final TcpFlag[] FLAGS = TcpFlag.values();

    /**
     * What the analysis says about one segment; {@code flags} holds {@link TcpFlag#bit()}s. One instance per
     * analyzer, filled again by each {@link #analyze}: read it before the next segment.
     */
    static final class Result {
        private int flags;
        private long dupAckFrame;
        private int dupAckNumber;
        private long relativeSeq;
        private long relativeAck;
        private long scaledWindow;
        private long conversation;

        long relativeSeq() {
            return relativeSeq;
        }

        long relativeAck() {
            return relativeAck;
        }

        long scaledWindow() {
            return scaledWindow;
        }

        long conversation() {
            return conversation;
        }

        /** The bracketed texts as tshark prints them before the ports. */
        List<String> texts() {
            if (flags == 0) {
                return List.of();
            }
            List<String> texts = new ArrayList<>(Integer.bitCount(flags));
            for (TcpFlag f : FLAGS) {
                if ((flags & f.bit()) != 0) {
                    texts.add(f == TcpFlag.DUPLICATE_ACK ? "TCP Dup ACK " + dupAckFrame + "#" + dupAckNumber : f.text());
                }
            }
            return texts;
        }
    }

    /** One direction of a conversation: Wireshark's {@code tcp_flow_t} with its sequence info. */
    private static final class Flow {
        int baseSeq;
        boolean baseSet;
        boolean sawSyn;
        int winScale = -1;
        long window = 0xffffffffL;
        int nextSeq;
        long nextSeqTime;
        int maxSeqToBeAcked;
        int lastAck;
        long lastAckTime;
        long lastNonDupAck;
        int dupAckNumber;
        int lastSegmentFlags;

        /** As new. */
        void clear() {
            baseSeq = 0;
            baseSet = false;
            sawSyn = false;
            winScale = -1;
            window = 0xffffffffL;
            nextSeq = 0;
            nextSeqTime = 0;
            maxSeqToBeAcked = 0;
            lastAck = 0;
            lastAckTime = 0;
            lastNonDupAck = 0;
            dupAckNumber = 0;
            lastSegmentFlags = 0;
        }
    }

    private static final class Conversation {
        long id;
        final Flow flowA = new Flow();
        final Flow flowB = new Flow();
        long mruSyn;
        long firstRtt;
        Conversation(long id) {
            this.id = id;
        }

        /**
         * Starts conversation {@code id} over in this object, as a new one would (ports reused): the old one
         * is not referred to anywhere else, and a long capture then leaves no conversation behind per reuse.
         */
        void restart(long newId) {
            id = newId;
            flowA.clear();
            flowB.clear();
            mruSyn = 0;
            firstRtt = 0;
        }
    }

    private long nextId;
    private final Result result = new Result();

    /**
     * Analyses one segment of {@code connection}, sent by its endpoint A when {@code srcIsA}; {@code window} is
     * the raw 16-bit field; {@code wsShift} the WS option's shift or -1 when absent.
     */
    Result analyze(long frame, long tsNanos, TcpConnection connection, boolean srcIsA, int seq, int ack, int seglen,
                   int flags, int window, int wsShift) {
        Conversation c = (Conversation) connection.analysis;
        int ta = 0;
        if (c == null) {
            c = new Conversation(nextId++);
            connection.analysis = c;
        }
        Flow fwd = srcIsA ? c.flowA : c.flowB;
        // A new SYN with another initial sequence number: the ports were reused for a new connection
        if ((flags & (SYN | ACK)) == SYN && fwd.baseSet && seq != fwd.baseSeq) {
            c.restart(nextId++);
            fwd = srcIsA ? c.flowA : c.flowB;
            ta |= TcpFlag.REUSED_PORTS.bit();
        }
        Flow rev = srcIsA ? c.flowB : c.flowA;

        if ((flags & SYN) != 0 && (flags & ACK) == 0) {
            c.mruSyn = tsNanos;
        }
        if ((flags & (SYN | ACK)) == ACK && c.mruSyn != 0 && c.firstRtt == 0) {
            c.firstRtt = tsNanos - c.mruSyn;
        }

        if (!fwd.baseSet) {
            if ((flags & SYN) != 0) {
                fwd.baseSeq = seq;
                fwd.sawSyn = true;
            } else {
                fwd.baseSeq = seq - 1;
            }
            fwd.baseSet = true;
        }
        if (!rev.baseSet && (flags & ACK) != 0) {
            rev.baseSeq = ack - 1;
            rev.baseSet = true;
        }

        int dupCount = 0;
        long dupFrame = 0;
        int noSynFinRst = flags & (SYN | FIN | RST);
        analysis:
        {
            if (seglen == 1 && seq == fwd.nextSeq && rev.window == 0) {
                ta |= TcpFlag.ZERO_WINDOW_PROBE.bit();
                break analysis;
            }
            if (window == 0 && noSynFinRst == 0) {
                ta |= TcpFlag.ZERO_WINDOW.bit();
            }
            if (fwd.nextSeq != 0 && gt(seq, fwd.nextSeq) && (flags & RST) == 0) {
                ta |= TcpFlag.LOST_PACKET.bit();
            }
            if ((seglen == 0 || seglen == 1) && seq == fwd.nextSeq - 1 && noSynFinRst == 0) {
                ta |= TcpFlag.KEEP_ALIVE.bit();
            }
            if (seglen == 0 && window != 0 && window != fwd.window && seq == fwd.nextSeq && ack == fwd.lastAck
                    && noSynFinRst == 0) {
                ta |= TcpFlag.WINDOW_UPDATE.bit();
            }
            if (seglen > 0 && rev.winScale != -1
                    && seq + seglen == rev.lastAck + (int) (rev.window << (rev.winScale == -2 ? 0 : rev.winScale))
                    && noSynFinRst == 0) {
                ta |= TcpFlag.WINDOW_FULL.bit();
            }
            boolean repeatsAck = seglen == 0 && window == fwd.window && seq == fwd.nextSeq && ack == fwd.lastAck
                    && noSynFinRst == 0;
            if (repeatsAck && window != 0 && (rev.lastSegmentFlags & TcpFlag.KEEP_ALIVE.bit()) != 0) {
                ta |= TcpFlag.KEEP_ALIVE_ACK.bit();
                break analysis;
            }
            if (repeatsAck && window == 0 && (rev.lastSegmentFlags & TcpFlag.ZERO_WINDOW_PROBE.bit()) != 0) {
                ta |= TcpFlag.ZERO_WINDOW_PROBE_ACK.bit();
                break analysis;
            }
            if (repeatsAck && window != 0) {
                fwd.dupAckNumber++;
                ta |= TcpFlag.DUPLICATE_ACK.bit();
                dupCount = fwd.dupAckNumber;
                dupFrame = fwd.lastNonDupAck;
            }
        }
        // finished_fwd
        if (ack != fwd.lastAck) {
            fwd.lastNonDupAck = frame;
            fwd.dupAckNumber = 0;
        }
        if (rev.maxSeqToBeAcked != 0 && gt(ack, rev.maxSeqToBeAcked) && (flags & ACK) != 0) {
            ta |= TcpFlag.ACK_LOST_PACKET.bit();
            rev.maxSeqToBeAcked = rev.nextSeq;
        }
        if (seglen > 0 || (flags & (SYN | FIN)) != 0) {
            ta |= retransmissionKind(c, fwd, rev, tsNanos, seq, seglen, (flags & (SYN | FIN)) != 0, ta);
        }
        // finished_checking_retransmission_type
        // SYN and FIN each take one sequence number
        int nextSeq = seq + seglen + ((flags & (SYN | FIN)) != 0 ? 1 : 0);
        boolean probe = (ta & TcpFlag.ZERO_WINDOW_PROBE.bit()) != 0;
        if ((gt(nextSeq, fwd.nextSeq) || fwd.nextSeq == 0) && !probe) {
            fwd.nextSeq = nextSeq;
            fwd.nextSeqTime = tsNanos;
        }
        if ((seq == fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked == 0) && !probe) {
            fwd.maxSeqToBeAcked = fwd.nextSeq;
        }
        fwd.window = window;
        fwd.lastAck = ack;
        fwd.lastAckTime = tsNanos;
        fwd.lastSegmentFlags = ta;

        long relSeq = Integer.toUnsignedLong(seq - fwd.baseSeq);
        long relAck = (flags & ACK) != 0 ? Integer.toUnsignedLong(ack - rev.baseSeq) : 0;
        long scaled = window;
        if ((flags & SYN) == 0 && fwd.winScale >= 0) {
            scaled = (long) window << fwd.winScale;
        }
        // options come after the analysis in Wireshark: the WS option and its check apply to later segments
        if (wsShift >= 0) {
            fwd.winScale = Math.min(wsShift, 14);
        }
        if ((flags & SYN) != 0) {
            if (fwd.winScale == -1) {
                fwd.winScale = -2;
                rev.winScale = -2;
            } else if ((flags & ACK) != 0 && rev.winScale == -2) {
                fwd.winScale = -2;
            }
        }
        Result r = result;
        r.flags = ta;
        r.dupAckFrame = dupFrame;
        r.dupAckNumber = dupCount;
        r.relativeSeq = relSeq;
        r.relativeAck = relAck;
        r.scaledWindow = scaled;
        r.conversation = c.id;
        return r;
    }

    /** The SACK edges relative to the acknowledged direction's base, as tshark prints SLE/SRE. */
    long relativeToPeer(TcpConnection connection, boolean srcIsA, int value) {
        Conversation c = (Conversation) connection.analysis;
        if (c == null) {
            return Integer.toUnsignedLong(value);
        }
        Flow rev = srcIsA ? c.flowB : c.flowA;
        return Integer.toUnsignedLong(value - rev.baseSeq);
    }

    private static int retransmissionKind(Conversation c, Flow fwd, Flow rev, long ts, int seq, int seglen, boolean synOrFin,
                                          int ta) {
        boolean notAdvanced = fwd.nextSeq != 0 && lt(seq, fwd.nextSeq);
        if ((ta & TcpFlag.KEEP_ALIVE.bit()) != 0) {
            return 0;
        }
        // one byte less than expected and new data: the previous segment was probably a window probe
        if (seglen > 1 && fwd.nextSeq - 1 == seq) {
            notAdvanced = false;
        }
        if (notAdvanced && rev.dupAckNumber >= 2 && rev.lastAck == seq
                && Long.compareUnsigned(ts - rev.lastAckTime, 20_000_000L) < 0) {
            return TcpFlag.FAST_RETRANSMISSION.bit();
        }
        // tshark 4.0 tests for data the peer has already acknowledged before it tests for out-of-order
        if (seglen > 0 && rev.lastAck != 0 && le(seq + seglen, rev.lastAck)) {
            return TcpFlag.SPURIOUS_RETRANSMISSION.bit();
        }
        long threshold = c.firstRtt == 0 ? 3_000_000L : c.firstRtt;
        // a SYN or FIN takes a sequence number: sent again, it ends where the stream is (a retransmission, not disorder)
        // unsigned, as tshark's guint64: a segment stamped before the one that advanced the stream is not "close" to it
        if (notAdvanced && Long.compareUnsigned(ts - fwd.nextSeqTime, threshold) < 0
                && fwd.nextSeq != seq + seglen + (synOrFin ? 1 : 0)) {
            return TcpFlag.OUT_OF_ORDER.bit();
        }
        return notAdvanced ? TcpFlag.RETRANSMISSION.bit() : 0;
    }

    private static boolean gt(int a, int b) {
        return a - b > 0;
    }

    private static boolean lt(int a, int b) {
        return a - b < 0;
    }

    private static boolean le(int a, int b) {
        return a - b <= 0;
    }
}
