import io.netdiag.sockets.SocketInventory;
import io.netdiag.sockets.SocketQuery;
import io.netdiag.sockets.SocketRows;
import io.netdiag.sockets.SocketState;

import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

/**
 * In-process timing of the sockets -tan listing (what bench/sockets.sh measures end to end): N runs of the
 * dump with row formatting, then the aligned print to /dev/null, each with this thread's CPU time and wall
 * time. Run 0 is the cold one that a CLI invocation pays. Thread CPU time is steadier than wall time on a
 * busy machine. Open sockets first (bench/sockets-connections.py), then, from the worktree root:
 *
 *   java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
 *        -cp target/netdiag.jar bench/SocketsTiming.java 3
 */
public final class SocketsTiming {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SocketQuery query = SocketQuery.tcp().inStates(SocketState.all());
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream("/dev/null"), StandardCharsets.UTF_8));
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < runs; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            SocketRows rows = new SocketRows(new SocketRows.Layout(false, true, false, false, true, null));
            SocketInventory.stream(query, rows::add);
            long c1 = threads.getCurrentThreadCpuTime();
            long w1 = System.nanoTime();
            rows.print(out);
            long c2 = threads.getCurrentThreadCpuTime();
            long w2 = System.nanoTime();
            report.append(String.format("run %d: %d sockets; dump+rows cpu %.1f ms wall %.1f ms; print cpu %.1f ms wall %.1f ms%n",
                    i, rows.size(), (c1 - c0) / 1e6, (w1 - w0) / 1e6, (c2 - c1) / 1e6, (w2 - w1) / 1e6));
        }
        System.out.print(report);
    }
}
