package io.netdiag.sockets;

import io.netdiag.output.Json;

import java.io.PrintWriter;

/**
 * The {@code --json} listing, written as the sockets stream in: one document,
 * {@code {"sockets": [ {...}, ... ], "source": "netlink", "owners_complete": true, "notes": [...]}}, one
 * socket object per line so that large listings stay greppable and memory stays flat.
 */
public final class SocketsJson {
    private final PrintWriter out;
    private boolean first = true;

    public SocketsJson(PrintWriter out) {
        this.out = out;
        out.print("{\"sockets\": [");
    }

    public void add(SocketEntry e) {
        out.print(first ? "\n  " : ",\n  ");
        first = false;
        out.print(Json.compact(e));
    }

    public void finish(SocketInventory.Report report, boolean owners) {
        out.print(first ? "],\n" : "\n],\n");
        out.print(" \"source\": " + Json.compact(report.sourceName()));
        out.print(",\n \"owners_complete\": " + (owners ? Boolean.toString(report.ownersComplete()) : "null"));
        out.print(",\n \"notes\": " + Json.compact(report.notes()) + "\n}\n");
        out.flush();
    }
}
