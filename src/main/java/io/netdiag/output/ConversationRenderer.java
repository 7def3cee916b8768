package io.netdiag.output;

import io.netdiag.capture.Conversations;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Prints the {@code --conversations} table and its findings (or one JSON object per conversation). */
public final class ConversationRenderer {
    private ConversationRenderer() {
    }

    public static void render(PrintWriter out, List<Conversations.Conversation> list, boolean json) {
        if (json) {
            for (Conversations.Conversation c : list) {
                out.println(Json.compact(new Line("conversation", c)));
            }
            return;
        }
        out.println();
        out.println("Conversations:");
        Table table = new Table("PROTO", "A", "B", "A→B PKTS", "A→B BYTES", "B→A PKTS", "B→A BYTES", "START", "DURATION");
        for (int i = 3; i <= 8; i++) {
            table.align(i, Table.Align.RIGHT);
        }
        for (Conversations.Conversation c : list) {
            table.row(c.protocol(), c.endpointA(), c.endpointB(), c.packetsAToB(), c.bytesAToB(), c.packetsBToA(), c.bytesBToA(),
                    String.format(Locale.ROOT, "%.6f", c.startSeconds()), String.format(Locale.ROOT, "%.6f", c.durationSeconds()));
        }
        out.print(table.render());
        boolean any = false;
        for (Conversations.Conversation c : list) {
            for (Conversations.Finding f : c.findings()) {
                if (!any) {
                    out.println();
                    out.println("Findings:");
                    any = true;
                }
                out.println("  " + c.protocol() + " " + c.endpointA() + " ↔ " + c.endpointB() + ": " + f.text());
                out.println("    category: " + f.category() + "; next: " + f.next());
            }
        }
        if (!any) {
            out.println();
            out.println("Findings: none (no zero windows, retransmissions, resets after data or ICMP errors)");
        }
    }

    /** One JSON line per conversation, tagged so that it can follow packet lines in the same stream. */
    record Line(String type, Conversations.Conversation conversation) {
    }
}
