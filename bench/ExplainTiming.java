import io.netdiag.explain.Classifier;
import io.netdiag.explain.Lookup;
import io.netdiag.explain.Numbering;
import io.netdiag.os.Platform;
import io.netdiag.output.ExplainRenderer;

import java.util.List;

/**
 * In-process timing of what {@code netdiag explain ARG} does after parsing its arguments, in a cold JVM:
 * Classifier.standard(), the first lookup, and the text rendering, each with System.nanoTime. Each further
 * argument is timed as a second (warmer) lookup in the same JVM. The laps go to stderr; the rendered text goes
 * to stdout only with -p; --json renders JSON instead of text. The numbers that matter are those of a cold JVM
 * with the AOT cache, as the launcher runs it. From the worktree root, after `mvn -q -B -DskipTests package`:
 *
 *   J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 *   O="--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:-UsePerfData -XX:TieredStopAtLevel=1"
 *   /usr/lib/jvm/temurin-25-jdk-amd64/bin/javac -cp target/netdiag.jar -d /tmp/et bench/ExplainTiming.java
 *   /usr/lib/jvm/temurin-25-jdk-amd64/bin/jar --create --file /tmp/timing.jar -C /tmp/et .
 *   $J $O -XX:AOTCacheOutput=/tmp/ex.aot -cp target/netdiag.jar:/tmp/timing.jar ExplainTiming EAGAIN   # trains
 *   $J $O -XX:AOTCache=/tmp/ex.aot -cp target/netdiag.jar:/tmp/timing.jar ExplainTiming EAGAIN         # measures
 *
 * (bench/explain-timing.sh does all of this and prints the minimum over several runs.)
 */
public final class ExplainTiming {
    public static void main(String[] args) {
        int first = 0;
        boolean print = false;
        boolean json = false;
        // options come first; "-2" (a negative number) is a query
        for (; first < args.length && args[first].startsWith("-") && args[first].length() > 1
                && !Character.isDigit(args[first].charAt(1)); first++) {
            print |= args[first].equals("-p");
            json |= args[first].equals("--json");
        }
        String query = args.length > first ? args[first] : "EAGAIN";
        long t0 = System.nanoTime();
        Classifier classifier = Classifier.standard();
        long t1 = System.nanoTime();
        Lookup lookup = classifier.lookup(query, Numbering.of(Platform.current()));
        long t2 = System.nanoTime();
        String text = json ? ExplainRenderer.json(List.of(lookup), lookup.numbering()) : ExplainRenderer.text(lookup);
        long t3 = System.nanoTime();
        StringBuilder laps = new StringBuilder();
        laps.append("standard ").append(ms(t1 - t0)).append(" ms; lookup ").append(ms(t2 - t1))
                .append(" ms; render ").append(ms(t3 - t2)).append(" ms; total ").append(ms(t3 - t0))
                .append(" ms; found ").append(lookup.found()).append('\n');
        for (int i = first + 1; i < args.length; i++) {
            long s = System.nanoTime();
            Lookup next = classifier.lookup(args[i], Numbering.of(Platform.current()));
            long m = System.nanoTime();
            ExplainRenderer.text(next);
            long e = System.nanoTime();
            laps.append("  then ").append(args[i]).append(": lookup ").append(ms(m - s)).append(" ms; render ")
                    .append(ms(e - m)).append(" ms\n");
        }
        System.err.print(laps);
        if (print) {
            System.out.print(text);
        }
    }

    private static String ms(long nanos) {
        long tenths = nanos / 100_000;
        return tenths / 10 + "." + tenths % 10;
    }
}
