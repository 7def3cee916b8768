import io.netdiag.os.Netlink;
import io.netdiag.sockets.SocketInventory;
import io.netdiag.sockets.SocketQuery;
import io.netdiag.sockets.SocketRows;
import io.netdiag.sockets.SocketState;

import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * In-process timing of the sockets -tan listing (what bench/sockets.sh measures end to end), split into the
 * phases a cold CLI run pays: linking the netlink downcall (run 0 only: the first Netlink.open), the dump with
 * row formatting, and the aligned print to /dev/null; each with this thread's CPU time (from
 * /proc/thread-self/schedstat, which loads no JMX classes into a cold JVM) and wall time. Run 0 is the cold one
 * that a CLI invocation pays; later runs show the same work warm.
 *
 * <p>Modes: {@code direct} (the default) lists as a plain {@code sockets -tan} does now, through
 * {@code SocketInventory.stream(query, rows)} (sock_diag messages straight into rows) and
 * {@code rows.print(OutputStream)}; {@code entries} lists through a SocketEntry per socket
 * ({@code stream(query, rows::add)}) and prints through a UTF-8 PrintWriter, as before.
 *
 * <p>Open sockets first (bench/sockets-connections.py, as bench/sockets.sh does), then, from the worktree root,
 * compile this file against the jar with a JDK 25 (J=its bin directory), put it in a jar of its own (an AOT
 * cache refuses directories on the class path), train an AOT cache once and measure with it, as ./netdiag runs:
 *
 * <pre>
 *   J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
 *   $J/javac -cp target/netdiag.jar -d /tmp/st bench/SocketsTiming.java &amp;&amp; $J/jar cf /tmp/st.jar -C /tmp/st .
 *   O="--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:-UsePerfData -XX:TieredStopAtLevel=1"
 *   $J/java $O -XX:AOTCacheOutput=/tmp/st.aot -cp target/netdiag.jar:/tmp/st.jar SocketsTiming 1 direct
 *   $J/java $O -XX:AOTCache=/tmp/st.aot -cp target/netdiag.jar:/tmp/st.jar SocketsTiming 3 direct   # repeat; take minimums
 * </pre>
 */
public final class SocketsTiming {
    /** This thread's CPU time in ns: the first field of /proc/thread-self/schedstat. */
    private static long cpu() throws IOException {
        try (FileInputStream in = new FileInputStream("/proc/thread-self/schedstat")) {
            byte[] b = in.readNBytes(32);
            long v = 0;
            for (byte c : b) {
                if (c < '0' || c > '9') {
                    break;
                }
                v = v * 10 + (c - '0');
            }
            return v;
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        boolean direct = args.length < 2 || args[1].equals("direct");
        SocketQuery query = SocketQuery.tcp().inStates(SocketState.all());
        PrintWriter chars = new PrintWriter(new OutputStreamWriter(new FileOutputStream("/dev/null"), StandardCharsets.UTF_8));
        PrintStream bytes = new PrintStream(new BufferedOutputStream(new FileOutputStream("/dev/null"), 8192));
        long[] t = new long[8];
        StringBuilder report = new StringBuilder();
        cpu();
        for (int i = 0; i < runs; i++) {
            t[0] = cpu();
            t[1] = System.nanoTime();
            if (i == 0) {
                Netlink.open(Netlink.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG").close();
            }
            t[2] = cpu();
            t[3] = System.nanoTime();
            SocketRows rows = new SocketRows(new SocketRows.Layout(false, true, false, false, true, null));
            if (direct) {
                SocketInventory.stream(query, rows);
            } else {
                SocketInventory.stream(query, rows::add);
            }
            t[4] = cpu();
            t[5] = System.nanoTime();
            if (direct) {
                rows.print(bytes);
            } else {
                rows.print(chars);
            }
            t[6] = cpu();
            t[7] = System.nanoTime();
            report.append("run ").append(i).append(" (").append(direct ? "direct" : "entries").append("): ")
                    .append(rows.size()).append(" sockets;");
            if (i == 0) {
                phase(report, "link", t[2] - t[0], t[3] - t[1]);
            }
            phase(report, "dump+rows", t[4] - t[2], t[5] - t[3]);
            phase(report, "print", t[6] - t[4], t[7] - t[5]);
            report.append('\n');
        }
        System.out.print(report);
    }

    private static void phase(StringBuilder b, String name, long cpuNanos, long wallNanos) {
        b.append(' ').append(name).append(" cpu ").append(cpuNanos / 100_000 / 10.0).append(" ms wall ")
                .append(wallNanos / 100_000 / 10.0).append(" ms;");
    }
}
