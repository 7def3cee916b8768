package io.netdiag.cli;

import io.netdiag.testing.Host;
import io.netdiag.testing.PcapReaders;
import io.netdiag.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How scripts stop long-running commands, made for real with bash: a background job of a non-interactive shell
 * (started with SIGINT ignored) stopped with {@code kill -INT}, the same under nohup, and a pipe whose reader
 * ({@code head}) leaves. Each is checked against what the anchor tool does in the same script.
 */
class StopSignalsIT {
    @TempDir
    Path dir;

    private static int port() {
        return ThreadLocalRandom.current().nextInt(40000, 60000);
    }

    /** Milliseconds from head's exit to netdiag's, printed for the report, checked against a hang. */
    private static void endedSoonAfterHead(Host.Run r, String what) {
        long ms = Long.parseLong(value(r, "after-head-ms"));
        System.out.println(what + ": ended " + ms + " ms after head");
        assertTrue(ms < 5000, what + " went on after its reader left: " + r);
    }

    /** The value of {@code name=VALUE} in a script's output. */
    private static String value(Host.Run r, String name) {
        for (String line : r.out().lines().toList()) {
            if (line.startsWith(name + "=")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in: " + r);
    }

    /**
     * A script that starts {@code command} as a background job (stdout to DIR/out, stderr to DIR/err), waits until
     * the file {@code waitFor} has a line matching {@code pattern}, runs {@code between}, sends SIGINT and prints
     * {@code rc=} the job's status.
     */
    private String backgroundJob(String prefix, String command, String waitFor, String pattern, String between) {
        return Shell.startedFunction()
                + "cd " + Shell.quote(dir.toString()) + "\n"
                + prefix + command + " >out 2>err & pid=$!\n"
                + "echo \"ignored=$(grep SigIgn /proc/$pid/status | cut -f2)\"\n"
                + "started " + waitFor + " " + Shell.quote(pattern) + " || exit 9\n"
                + between + "\n"
                + "kill -INT $pid\n"
                + "for _ in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done\n"
                + "kill -0 $pid 2>/dev/null && { echo still-running; grep State /proc/$pid/status; "
                + Shell.quote(Path.of(io.netdiag.testing.Jar.java().getParent().toString(), "jstack").toString())
                + " $pid; kill -KILL $pid; }\n"
                + "wait $pid; echo \"rc=$?\"\n";
    }

    @Test
    void theShellStartsABackgroundJobWithSigintIgnored() {
        // the fault these tests make: without it they would prove nothing
        Host.Run r = Shell.run("sleep 30 & grep SigIgn /proc/$!/status; kill $!", 30);
        long mask = Long.parseUnsignedLong(r.out().strip().split("\\s+")[1], 16);
        assertEquals(2, mask & 2, r.toString());
    }

    @Test
    void captureInABackgroundJobStopsOnSigintWithItsStatistics() throws Exception {
        Host.requireRoot("live capture needs root");
        int port = port();
        String send = "for i in $(seq 40); do printf x > /dev/udp/127.0.0.1/" + port + "; done; sleep 1";
        Host.Run r = Shell.run(backgroundJob("", Shell.netdiag() + " capture -i lo -w bg.pcap udp port " + port, "err", "listening on", send), 120);
        String err = Files.readString(dir.resolve("err"));
        assertFalse(r.out().contains("still-running"), r + err);
        assertEquals("0", value(r, "rc"), r + err);
        assertEquals(40, PcapReaders.captured(err), err);
        assertEquals(40, PcapReaders.packets(dir.resolve("bg.pcap")));
        assertTrue(err.contains(" packets received by filter\n"), err);

        // tcpdump in the same script: stops, statistics, exit 0
        Host.Run tcpdump = Shell.run(backgroundJob("", "tcpdump -Z root -i lo -w td.pcap udp port " + port, "err", "listening on", send), 120);
        assertEquals("0", value(tcpdump, "rc"), tcpdump.toString());
        assertEquals(40, PcapReaders.captured(Files.readString(dir.resolve("err"))));
    }

    @Test
    void captureUnderNohupIgnoresSighupAndStopsOnSigint() throws Exception {
        Host.requireRoot("live capture needs root");
        int port = port();
        String between = "for i in $(seq 25); do printf x > /dev/udp/127.0.0.1/" + port + "; done; sleep 1\n"
                + "kill -HUP $pid; sleep 1; kill -0 $pid && echo alive-after-hup";
        Host.Run r = Shell.run(backgroundJob("nohup ", Shell.netdiag() + " capture -i lo -w nohup.pcap udp port " + port,
                "err", "listening on", between), 120);
        String err = Files.readString(dir.resolve("err"));
        assertTrue(r.out().contains("alive-after-hup"), r + err);
        assertEquals("0", value(r, "rc"), r + err);
        assertEquals(25, PcapReaders.captured(err), err);
        assertEquals(25, PcapReaders.packets(dir.resolve("nohup.pcap")));
    }

    @Test
    void pingInABackgroundJobPrintsItsStatisticsAsIputils() throws Exception {
        Host.Run r = Shell.run(backgroundJob("", Shell.netdiag() + " ping -i 0.2 127.0.0.1", "out", "^PING", "sleep 1.5"), 120);
        List<String> out = Files.readString(dir.resolve("out")).lines().toList();
        assertEquals("0", value(r, "rc"), r + out.toString());
        Host.Run iputils = Shell.run(backgroundJob("", "ping -i 0.2 127.0.0.1", "out", "^PING", "sleep 1.5"), 120);
        List<String> anchor = Files.readString(dir.resolve("out")).lines().toList();
        assertEquals("0", value(iputils, "rc"), iputils.toString());
        for (List<String> lines : List.of(out, anchor)) {
            assertEquals("--- 127.0.0.1 ping statistics ---", lines.get(lines.size() - 3), lines.toString());
            assertTrue(lines.get(lines.size() - 2).matches("\\d+ packets transmitted, \\d+ received, 0% packet loss, time \\d+ms"),
                    lines.toString());
            assertTrue(lines.getLast().startsWith("rtt min/avg/max/mdev = "), lines.toString());
        }
    }

    @Test
    void pingUnderNohupStopsOnSigint() throws Exception {
        Host.Run r = Shell.run(backgroundJob("nohup ", Shell.netdiag() + " ping -i 0.2 127.0.0.1", "out", "^PING",
                "sleep 1; kill -HUP $pid; sleep 0.5"), 120);
        List<String> out = Files.readString(dir.resolve("out")).lines().toList();
        assertEquals("0", value(r, "rc"), r + out.toString());
        assertEquals("--- 127.0.0.1 ping statistics ---", out.get(out.size() - 3), out.toString());
    }

    @Test
    void fillHoldAndSocketsWatchStopInTheBackgroundAsInTheForeground() throws Exception {
        for (String command : List.of(" fill --hold 60s", " sockets --watch 0.5 -tn")) {
            String pattern = command.contains("fill") ? "holding for" : "^---";
            // "set -m": job control, so the job starts with SIGINT as a terminal's Ctrl-C would find it
            Host.Run foreground = Shell.run(backgroundJob("set -m; ", Shell.netdiag() + command, "out", pattern, "sleep 0.5"), 120);
            String foregroundOut = Files.readString(dir.resolve("out"));
            Host.Run background = Shell.run(backgroundJob("", Shell.netdiag() + command, "out", pattern, "sleep 0.5"), 120);
            String backgroundOut = Files.readString(dir.resolve("out"));
            assertEquals("130", value(foreground, "rc"), foreground + foregroundOut);
            assertEquals("130", value(background, "rc"), background + backgroundOut);
            assertEquals("", Files.readString(dir.resolve("err")));
            // the same first line (a watch's title holds the time: compare what comes before it)
            assertEquals(foregroundOut.substring(0, 30), backgroundOut.substring(0, 30));
        }
    }

    /**
     * {@code COMMAND | { head ARGS; stamp; }} and a stamp when the pipeline is over: netdiag's status, its
     * standard error, and the milliseconds from head's exit to netdiag's.
     */
    private Host.Run pipeToHead(String command, String headArgs) {
        return Shell.run("cd " + Shell.quote(dir.toString()) + "\n"
                + command + " 2>err | { head " + headArgs + " >head.out; date +%s%N >head.end; }\n"
                + "status=${PIPESTATUS[0]}; end=$(date +%s%N)\n"
                + "echo \"rc=$status\"; echo \"after-head-ms=$(( (end - $(cat head.end)) / 1000000 ))\"", 120);
    }

    @Test
    void pingEndsWhenItsReaderLeavesAsIputilsDoes() throws Exception {
        Host.Run r = pipeToHead(Shell.netdiag() + " ping -i 0.2 127.0.0.1", "-3");
        assertEquals("0", value(r, "rc"), r.toString());
        assertEquals("", Files.readString(dir.resolve("err")), "quietly");
        assertEquals(3, Files.readString(dir.resolve("head.out")).lines().count());
        // an unbounded ping: without the watch it would never end; with it, as soon as head is gone
        endedSoonAfterHead(r, "ping | head -3");
        Host.Run iputils = pipeToHead("ping -i 0.2 127.0.0.1", "-3");
        assertEquals("141", value(iputils, "rc"), "iputils ends by SIGPIPE, quietly: " + iputils);
    }

    @Test
    void socketsWatchEndsWhenItsReaderLeaves() throws Exception {
        Host.Run r = pipeToHead(Shell.netdiag() + " sockets --watch 60 -tn", "-2");
        assertEquals("0", value(r, "rc"), r.toString());
        assertEquals("", Files.readString(dir.resolve("err")));
        // one refresh a minute: only the watch on standard output ends it before the next one
        endedSoonAfterHead(r, "sockets --watch | head -2");
    }

    @Test
    void captureEndsWhenItsReaderLeavesQuietly() throws Exception {
        Host.requireRoot("live capture needs root");
        int port = port();
        Thread sender = Thread.ofPlatform().daemon(true).start(() -> {
            try (var u = new java.net.DatagramSocket()) {
                while (!Thread.currentThread().isInterrupted()) {
                    u.send(new java.net.DatagramPacket(new byte[10], 10, java.net.InetAddress.getLoopbackAddress(), port));
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                // interrupted: the test is over
            }
        });
        try {
            Host.Run r = pipeToHead(Shell.netdiag() + " capture -l -i lo udp port " + port, "-3");
            assertEquals("0", value(r, "rc"), r.toString());
            assertEquals(3, Files.readString(dir.resolve("head.out")).lines().count());
            // the banner, and nothing after it: the summaries' reader has gone, so have the statistics
            assertEquals(1, Files.readString(dir.resolve("err")).lines().count(), Files.readString(dir.resolve("err")));
            // 20 packets a second: the old check every 1,024 packets took 50 s
            endedSoonAfterHead(r, "capture | head -3");

            // pcap on standard output: tcpdump -w - | head prints its statistics and exits 0; so does netdiag
            Host.Run pcap = pipeToHead(Shell.netdiag() + " capture -i lo -w - udp port " + port, "-c 100");
            String err = Files.readString(dir.resolve("err"));
            assertEquals("0", value(pcap, "rc"), pcap + err);
            assertTrue(err.contains(" packets captured\n"), err);
            endedSoonAfterHead(pcap, "capture -w - | head -c 100");
            Host.Run tcpdump = pipeToHead("tcpdump -Z root -i lo -w - udp port " + port, "-c 100");
            assertEquals("0", value(tcpdump, "rc"), tcpdump.toString());
        } finally {
            sender.interrupt();
        }
    }
}
