package io.netdiag.cli;

import io.netdiag.testing.Cli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every option and positional parameter of every subcommand, read from the picocli model (so a new option
 * is swept the day it is declared), given values a script or a fuzzer would give: empty, zero, negative,
 * beyond a long, NaN, 1e309, unicode, control characters, 5,000 characters, 5,000 open parentheses.
 *
 * <p>Each run is in-process with captured writers, as the other CLI tests run netdiag, under a time limit.
 * It must end with a documented exit code (never 4), print no stack trace, and when it exits 2 print one
 * line (and at most a hint line). A numeric, byte-count or duration option must refuse every value that is
 * not a number in any range, naming itself on that line.
 *
 * <p>Each subcommand runs with {@link #BASE} arguments that end it quickly whatever the swept value starts
 * (one probe to 127.0.0.1, a capture file instead of an interface, a config file that does not exist).
 * A new subcommand that can run for long needs an entry there; without one it runs with none, and a
 * run that does not end within {@link #LIMIT} fails the sweep.
 */
class BadInputSweepTest {
    /** The most one invocation may take: every base below ends within a few seconds. */
    private static final Duration LIMIT = Duration.ofSeconds(30);

    /** Values no numeric, byte-count or duration option accepts. */
    private static final List<String> NEVER_A_NUMBER = List.of("", "NaN", "1e309", "ünïcødé ✓", "x\n2",
            "%s%n\t;$(id)", "x".repeat(5000));

    private static final List<String> VALUES = Stream.concat(NEVER_A_NUMBER.stream(),
            Stream.of("0", "-1", "99999999999999999999", "(".repeat(5000))).toList();

    private static Path dir;
    private static Map<String, Base> BASE;
    private static InputStream stdin;

    /** Options that end a subcommand quickly, and the positional parameters it needs. */
    private record Base(List<String> options, List<String> positionals) {
        static Base of(String... options) {
            return new Base(List.of(options), List.of());
        }

        Base then(String... positionals) {
            return new Base(options, List.of(positionals));
        }
    }

    @BeforeAll
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("netdiag-sweep");
        Path pcap = dir.resolve("one.pcap");
        Files.write(pcap, onePacketCapture());
        BASE = Map.of(
                "ping", Base.of("-c", "1", "-W", "1", "-w", "2", "-n").then("127.0.0.1"),
                "trace", Base.of("-c", "1", "-W", "0.2", "-m", "2", "-n", "-r", "--no-compare").then("127.0.0.1"),
                "diagnose", Base.of("-t", "0.5").then("127.0.0.1:1"),
                "sockets", Base.of("-t", "--diagnose", "--samples", "2", "--interval", "0", "--count", "1"),
                "fill", Base.of("--sndbuf", "4k", "--rcvbuf", "4k", "--chunk", "1k", "--duration", "200ms"),
                "capture", Base.of("-r", pcap.toString()),
                "explain", Base.of().then("ECONNRESET"),
                "exporter", Base.of("-c", dir.resolve("no-such-config.yaml").toString()));
        // explain - and explain --stdin read standard input: give them an empty one
        stdin = System.in;
        System.setIn(new ByteArrayInputStream(new byte[0]));
    }

    @AfterAll
    static void tearDown() throws IOException {
        System.setIn(stdin);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void everyOptionOfEverySubcommandRefusesBadValuesInOneLine() throws Exception {
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<String> problems = new ArrayList<>();
        int runs = 0;
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "netdiag-sweep");
            t.setDaemon(true); // a run that hangs must not keep the test JVM alive
            return t;
        });
        try {
            for (Map.Entry<String, CommandLine> sub : root.getSubcommands().entrySet()) {
                String name = sub.getKey();
                CommandSpec spec = sub.getValue().getCommandSpec();
                Base base = BASE.getOrDefault(name, Base.of());
                for (ArgSpec arg : spec.args()) {
                    if (arg.arity().max() == 0 || arg.hidden() || arg instanceof OptionSpec o && (o.usageHelp() || o.versionHelp())) {
                        continue;
                    }
                    for (String value : VALUES) {
                        List<String> args = invocation(name, base, arg, value);
                        problems.addAll(check(pool, arg, value, args));
                        runs++;
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(runs > 300, "swept only " + runs + " invocations");
        if (!problems.isEmpty()) {
            fail(problems.size() + " of " + runs + " invocations misbehaved:\n" + String.join("\n\n", problems));
        }
    }

    @Test
    void everySubcommandWithoutItsPositionalParametersSaysSoInOneLine() {
        List<String> problems = new ArrayList<>();
        int runs = 0;
        for (Map.Entry<String, Base> entry : BASE.entrySet()) {
            if (entry.getValue().positionals().isEmpty()) {
                continue;
            }
            List<String> args = new ArrayList<>();
            args.add(entry.getKey());
            args.addAll(entry.getValue().options());
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            runs++;
            List<String> lines = r.err().lines().toList();
            boolean oneLine = lines.size() == 1
                    || lines.size() == 2 && (lines.get(1).startsWith("try: ") || lines.get(1).startsWith("Try '"));
            if (r.exitCode() != ExitCodes.USAGE || !oneLine || r.err().contains("Exception")) {
                problems.add(shown(args) + ": wanted exit 2 and one line saying what is missing\n" + r);
            }
        }
        assertTrue(runs >= 4, "only " + runs + " subcommands take positional parameters");
        if (!problems.isEmpty()) {
            fail(String.join("\n\n", problems));
        }
    }

    /** The subcommand, its base options (without the swept option), the swept option and value, the positionals. */
    private static List<String> invocation(String name, Base base, ArgSpec arg, String value) {
        List<String> args = new ArrayList<>();
        args.add(name);
        List<String> options = new ArrayList<>(base.options());
        if (arg instanceof OptionSpec o) {
            int at = -1;
            for (String n : o.names()) {
                at = Math.max(at, options.indexOf(n));
            }
            if (at >= 0) {
                options.subList(at, Math.min(at + 2, options.size())).clear();
            }
            args.addAll(options);
            args.add(o.longestName());
            args.add(pathLike(arg) ? inDir(value) : value);
            args.addAll(base.positionals());
        } else {
            args.addAll(options);
            args.add(pathLike(arg) ? inDir(value) : value);
        }
        return args;
    }

    /** A file or path option gets its odd names inside the temporary directory, never in the working directory. */
    private static boolean pathLike(ArgSpec arg) {
        String label = arg.paramLabel();
        return label.contains("FILE") || label.contains("PATH");
    }

    private static String inDir(String value) {
        return value.isEmpty() || value.length() > 200 ? value : dir.resolve(value.replace('/', '_')).toString();
    }

    private static List<String> check(ExecutorService pool, ArgSpec arg, String value, List<String> args) throws Exception {
        Future<Cli.Result> run = pool.submit(() -> Cli.run(args.toArray(String[]::new)));
        Cli.Result r;
        try {
            r = run.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            return List.of(shown(args) + ": still running after " + LIMIT.toSeconds() + " s (give the subcommand a base "
                    + "that ends it in BadInputSweepTest.BASE, or refuse the value)");
        }
        List<String> problems = new ArrayList<>();
        if (!Set.of(0, 1, 2, 3).contains(r.exitCode())) {
            problems.add("exit " + r.exitCode());
        }
        if (r.err().contains("\tat ") || r.err().contains("Exception")) {
            problems.add("a stack trace or exception on stderr");
        }
        List<String> lines = r.err().lines().toList();
        if (r.exitCode() == ExitCodes.USAGE) {
            boolean oneLine = lines.size() == 1
                    || lines.size() == 2 && (lines.get(1).startsWith("try: ") || lines.get(1).startsWith("Try '"));
            if (!oneLine) {
                problems.add("exit 2 with " + lines.size() + " lines on stderr (wanted one, and at most a hint)");
            }
        }
        if (typed(arg) && NEVER_A_NUMBER.contains(value)) {
            OptionSpec option = (OptionSpec) arg;
            boolean named = !lines.isEmpty() && Stream.of(option.names()).anyMatch(lines.getFirst()::contains);
            if (r.exitCode() != ExitCodes.USAGE || !named) {
                problems.add("a " + arg.type().getSimpleName() + " option took it (wanted exit 2 and a line naming the option)");
            }
        }
        return problems.isEmpty() ? List.of() : List.of(shown(args) + ": " + String.join("; ", problems) + "\n" + r);
    }

    /** Options whose value is a number, a byte count or a duration: picocli converts them through netdiag's Accept. */
    private static boolean typed(ArgSpec arg) {
        Class<?> t = arg.type();
        return arg instanceof OptionSpec && (Number.class.isAssignableFrom(t) || t == int.class || t == long.class
                || t == double.class || t == Duration.class);
    }

    private static String shown(List<String> args) {
        StringBuilder s = new StringBuilder("netdiag");
        for (String a : args) {
            String cut = a.length() > 30 ? a.substring(0, 30) + "...(" + a.length() + ")" : a;
            s.append(' ').append('\'').append(cut.replace("\n", "\\n").replace("\t", "\\t")).append('\'');
        }
        return s.toString();
    }

    /** A classic pcap file holding one Ethernet/IPv4/UDP packet from 127.0.0.1:9 to 127.0.0.1:9 with 4 bytes of data. */
    private static byte[] onePacketCapture() {
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + 46).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        b.putInt(1_700_000_000).putInt(0).putInt(46).putInt(46);
        b.order(ByteOrder.BIG_ENDIAN);
        b.put(new byte[12]).putShort((short) 0x0800); // zero MACs, as on lo
        b.put((byte) 0x45).put((byte) 0).putShort((short) 32).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0x7f000001).putInt(0x7f000001);
        b.putShort((short) 9).putShort((short) 9).putShort((short) 12).putShort((short) 0).putInt(0x74657374);
        return b.array();
    }
}
