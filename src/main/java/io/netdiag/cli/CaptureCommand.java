package io.netdiag.cli;

import io.netdiag.capture.CaptureRequest;
import io.netdiag.capture.CaptureStatistics;
import io.netdiag.capture.PacketCapture;
import io.netdiag.explain.NetdiagException;
import io.netdiag.output.CaptureRenderer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code netdiag capture}: tcpdump's capture options, tshark's summaries, conversation findings. */
final class CaptureCommand extends BaseCommand {
    boolean listInterfaces;

    String device;

    Path readFile;

    String filter;

    long count;

    long autostopSeconds;

    int snaplen;

    int bufferKib;

    boolean immediate;

    boolean numeric;

    boolean lineBuffered;

    boolean hex;

    String writeFile;

    long fileSizeMb;

    int fileCount;

    long rotateSeconds;

    boolean conversations;

    List<String> expression;

    String dropUser;

    @Override
    Declare declare() {
        return Declare.command(this, "capture")
                .header("Capture and read packets with tshark-style summaries and findings.")
                .description(
                        "Captures live (tcpdump's options) or reads a pcap/pcapng file (-r) through libpcap, and prints "
                                + "one line per packet in tshark's default layout, TCP analysis flags included. With -w it writes "
                                + "classic pcap instead. Banner and exit statistics go to standard error, as tcpdump prints them.")
                .flag("-D, --list-interfaces", v -> listInterfaces = v,
                        "List the devices libpcap can capture on, numbered as tcpdump -D numbers them.")
                .option("-i, --interface", "IFACE", Accept.word("an interface name or number"), v -> device = v,
                        "Interface name or number from -D (default: the first up, non-loopback one).")
                .option("-r, --read-file", "FILE", Path.class, v -> readFile = v,
                        "Read packets from a pcap or pcapng file, a FIFO, or standard input with '-' (tcpdump -w - | netdiag capture -r -).")
                .option("-f, --filter", "EXPR", String.class, v -> filter = v,
                        "BPF filter expression (or give it after the options).")
                .option("-c, --count", "COUNT", Accept.whole(1L, Long.MAX_VALUE), v -> count = v, "Stop after COUNT packets.")
                .option("-a, --autostop", "duration:SECONDS", Accept.prefixed("duration:", Accept.whole(1L, Integer.MAX_VALUE)),
                        v -> autostopSeconds = v,
                        "Stop after SECONDS (tshark's -a duration:N).")
                .option("-s, --snapshot-length", "SNAPLEN", Accept.whole(0, CaptureRequest.DEFAULT_SNAPLEN), v -> snaplen = v,
                        o -> o.defaultValue("262144"), "Bytes to keep of each packet (default: ${DEFAULT-VALUE}; 0 means the default, as with tcpdump).")
                .option("-B, --buffer-size", "KIB", Accept.whole(1, Integer.MAX_VALUE / 1024), v -> bufferKib = v,
                        "Kernel capture buffer in KiB (as tcpdump -B; netdiag's default is 4 MiB, libpcap's 2 MiB).")
                .flag("--immediate-mode", v -> immediate = v,
                        "Deliver each packet as it arrives instead of within 100 ms; libpcap then keeps one snaplen-sized slot per packet, so bursts can be dropped (netdiag uses a 32 MiB ring unless -B is given).")
                .flag("-n", v -> numeric = v, "No name resolution (the default; accepted for tcpdump's sake).")
                .flag("-l", v -> lineBuffered = v, "Flush standard output after every packet.")
                .flag("-x, --hex", v -> hex = v, "After each packet's line, its bytes in hex and ASCII (as tshark -P -x).")
                .option("-w, --write", "FILE", String.class, v -> writeFile = v,
                        "Write classic pcap to FILE (mode 0600), or to standard output with '-'.")
                .option("-C", "MB", Accept.whole(1L, Long.MAX_VALUE / 1_000_000), v -> fileSizeMb = v,
                        "Start a new output file when it exceeds MB million bytes.")
                .option("-W", "N", Accept.whole(1, Integer.MAX_VALUE), v -> fileCount = v,
                        "With -C: keep at most N files, overwriting the oldest (ring buffer); with -G: stop after N files, as tcpdump does.")
                .option("-G", "SECONDS", Accept.whole(0L, Integer.MAX_VALUE), v -> rotateSeconds = v,
                        "Start a new output file every SECONDS (strftime conversions in the name).")
                .option("-Z, --relinquish-privileges", "USER", String.class, v -> dropUser = v,
                        "When run as root, become USER (and USER's groups) once the capture device is open and before any file "
                                + "is written, as tcpdump -Z does.")
                .flag("--conversations", v -> conversations = v,
                        "After the packets, summarise each TCP/UDP conversation with findings in plain words.")
                .positionals("EXPRESSION", "0..*", v -> expression = v, "BPF filter expression, as tcpdump takes it.");
    }

    @Override
    int execute() throws Exception {
        try {
            return run();
        } catch (CaptureRenderer.OutputClosedException e) {
            // the reader of a pipe stopped reading (| head): nothing went wrong here
            return ExitCodes.OK;
        }
    }

    private int run() throws Exception {
        CaptureRenderer renderer = new CaptureRenderer(out(), json(), lineBuffered).hexDump(hex);
        if (listInterfaces) {
            renderer.interfaces(PacketCapture.interfaces());
            return ExitCodes.OK;
        }
        CaptureRequest request = request();
        if (readFile != null) {
            Findings findings = new Findings(conversations);
            CaptureStatistics stats;
            if (out() instanceof ProcessOutput process) {
                renderer.rawOutput(process.stream());
            }
            try (PacketCapture.FileCapture file = PacketCapture.openFile(request)) {
                renderer.timeDigits(file.timeDigits());
                stats = file.run(findings.sink(renderer, json()));
            } finally {
                renderer.flush();
            }
            findings.print(out(), json());
            if (stats.warning() != null) {
                err().println("netdiag capture: " + stats.warning());
                err().flush();
                return ExitCodes.NEGATIVE;
            }
            return ExitCodes.OK;
        }
        return live(request, renderer);
    }

    private int live(CaptureRequest request, CaptureRenderer renderer) throws InterruptedException {
        DropPrivileges drop = DropPrivileges.of(dropUser);
        io.netdiag.capture.LiveCapture capture = PacketCapture.open(request);
        drop.now(); // -Z, as tcpdump: after opening the device, before opening any savefile
        // Ctrl-C (also in a script's background job) stops the capture; this thread then finishes the file and
        // the statistics, exit 0, as tcpdump. A reader of standard output going away stops it too when the
        // packets go there (summaries, -w -), not when they go to a file.
        try (InterruptHandler ignored = InterruptHandler.install(cause -> {
            if (cause == InterruptHandler.Cause.INTERRUPT || request.writeFile() == null || "-".equals(request.writeFile())) {
                capture.stop();
            }
        })) {
            if (request.writeFile() != null) {
                capture.openOutput(); // before the banner, as tcpdump: a FIFO waits here for its reader
            }
            CaptureRenderer.banner(err(), capture.device(), capture.linkType(), capture.snaplen());
            return run(capture, renderer);
        }
    }

    private int run(io.netdiag.capture.LiveCapture capture, CaptureRenderer renderer) {
        CountDownLatch finished = new CountDownLatch(1);
        // SIGTERM and SIGHUP: stop the capture, let this thread finish the file and the statistics, exit 0. Packets
        // captured before the signal are all printed, as tshark prints what its capture child wrote: a backlog that
        // fills the user-space buffer takes some seconds to decode, so the wait is generous.
        Thread hook = new Thread(() -> {
            capture.stop();
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // exit anyway
            }
            out().flush();
            err().flush();
            Runtime.getRuntime().halt(ExitCodes.OK);
        }, "netdiag-capture-stop");
        io.netdiag.os.ProcessExit.hooksRegistered();
        Runtime.getRuntime().addShutdownHook(hook);
        Findings findings = new Findings(conversations);
        try {
            if (writeFile == null && out() instanceof ProcessOutput process) {
                // summaries as UTF-8 straight into standard output's stream, as capture -r writes them, flushed
                // whenever the printing thread waits for packets
                renderer.rawOutput(process.stream());
            }
            CaptureStatistics stats = capture.run(findings.sink(renderer, json()), renderer::flush);
            if (InterruptHandler.outputClosed() && writeFile == null) {
                return ExitCodes.OK; // the reader of the summaries left (| head): end quietly
            }
            renderer.flush();
            out().flush();
            findings.print(out(), json());
            // tcpdump's order: what went wrong (the interface disappeared, the disk is full), then the statistics
            if (stats.warning() != null) {
                err().println("netdiag capture: " + stats.warning());
            }
            CaptureRenderer.statistics(err(), stats);
            err().flush();
            return stats.warning() != null ? ExitCodes.NEGATIVE : ExitCodes.OK;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it exits once we return
            }
        }
    }

    private CaptureRequest request() {
        String expr = filter;
        if (expression != null && !expression.isEmpty()) {
            if (filter != null) {
                throw NetdiagException.badInput("give the filter either with -f or after the options, not both");
            }
            expr = String.join(" ", expression);
        }
        long duration = autostopSeconds;
        if (snaplen == 0) {
            snaplen = CaptureRequest.DEFAULT_SNAPLEN; // tcpdump -s 0
        }
        if (readFile != null && dropUser != null) {
            throw NetdiagException.badInput("-Z applies to live capture; -r reads a file as the user who runs netdiag");
        }
        if (readFile != null && (device != null || writeFile != null)) {
            throw NetdiagException.badInput("-r reads a file; it does not combine with -i or -w");
        }
        if ((fileSizeMb > 0 || rotateSeconds > 0 || fileCount > 0) && writeFile == null) {
            throw NetdiagException.badInput("-C, -G and -W need -w FILE");
        }
        if ("-".equals(writeFile) && (fileSizeMb > 0 || rotateSeconds > 0)) {
            throw NetdiagException.badInput("-C and -G cannot rotate standard output");
        }
        // Immediate mode gives up libpcap's TPACKET_V3 blocks: every packet takes a snaplen-sized slot, so a
        // default 2 MB ring holds 8 packets and bursts are dropped (tcpdump --immediate-mode drops the same).
        // By default netdiag relies on a 100 ms read timeout instead: output within 0.1 s, nothing dropped.
        return new CaptureRequest(device, readFile, expr, count, duration, snaplen, bufferKib * 1024,
                immediate, writeFile, fileSizeMb, fileCount, rotateSeconds, hex);
    }

    /**
     * {@code -Z USER}: the account is looked up before the device opens (a wrong name costs nothing), and
     * switched to right after, before the output file is created, as tcpdump does. Without root only the
     * user netdiag already runs as can be named (tcpdump ignores -Z then; netdiag says why it cannot).
     */
    private record DropPrivileges(io.netdiag.os.UserAccount account) {
        static DropPrivileges of(String user) {
            if (user == null) {
                return new DropPrivileges(null);
            }
            io.netdiag.os.UserAccount account = io.netdiag.os.UserAccount.lookup(user)
                    .orElseThrow(() -> NetdiagException.badInput("-Z: no such user: " + user));
            int uid = io.netdiag.os.Libc.getuid();
            if (io.netdiag.os.Libc.geteuid() != 0 && account.uid() != uid) {
                throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED,
                        "-Z " + user + " needs root: netdiag runs as uid " + uid,
                        "run the capture as root (sudo netdiag capture -Z " + user + " ...), or leave -Z out", null);
            }
            return new DropPrivileges(account);
        }

        void now() {
            if (account == null || io.netdiag.os.Libc.geteuid() != 0) {
                return;
            }
            try {
                account.become();
            } catch (io.netdiag.os.ErrnoException e) {
                throw new NetdiagException(NetdiagException.Kind.UNSUPPORTED, "cannot become " + account.name(), e);
            }
        }
    }

    /** Collects conversations when --conversations is on, and prints them at the end. */
    private static final class Findings {
        private final io.netdiag.capture.Conversations tracker;

        Findings(boolean on) {
            this.tracker = on ? new io.netdiag.capture.Conversations() : null;
        }

        /** Each packet, read or live: printed (text with --conversations prints the findings alone) and tracked. */
        java.util.function.Consumer<io.netdiag.capture.PacketSummary> sink(CaptureRenderer renderer, boolean json) {
            return p -> {
                if (tracker == null || json) {
                    renderer.packet(p);
                }
                if (tracker != null) {
                    tracker.add(p);
                }
            };
        }

        void print(java.io.PrintWriter out, boolean json) {
            if (tracker != null) {
                io.netdiag.output.ConversationRenderer.render(out, tracker.report(), json);
                out.flush();
            }
        }
    }
}
