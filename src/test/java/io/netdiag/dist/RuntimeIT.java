package io.netdiag.dist;

import io.netdiag.testing.Host;
import io.netdiag.testing.Jar;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The runtime that ./netdiag and the release run on (src/main/dist/make-runtime.sh): with an AOT cache made on it,
 * a sockets listing links its netlink call without spinning a single DirectMethodHandle lambda form, where the JDK it
 * was made from spins them. The spun classes are counted in the JVM's class-loading log, no timing.
 */
class RuntimeIT {
    private static final Path PROJECT = Path.of(System.getProperty("netdiag.project.dir", ".")).toAbsolutePath();
    /** The flags the launcher starts every JVM with that an AOT cache must be made and used with alike. */
    private static final List<String> FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
            "-XX:-UsePerfData");

    @Test
    void theRuntimeHoldsTheLambdaFormsOfASocketsListing() throws IOException {
        Path dir = Files.createTempDirectory("netdiag-runtime-it");
        try {
            Path runtime = dir.resolve("runtime");
            Host.Run made = Host.run(List.of("bash", PROJECT.resolve("src/main/dist/make-runtime.sh").toString(),
                    System.getProperty("java.home"), Jar.jar().toString(), runtime.toString()), 300);
            if (made.exitCode() == 1 && !Host.inCi()) {
                Assumptions.abort("this JDK cannot make a runtime: " + made.err().strip());
            }
            assertEquals(0, made.exitCode(), made.err());
            String classlist = Files.readString(runtime.resolve("lib/classlist"));
            assertTrue(classlist.contains("@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.Invokers$Holder invokeExact_MT"),
                    "netdiag's invokers are not in the runtime's classlist");
            assertTrue(Files.isExecutable(runtime.resolve("bin/java")));

            int spunOnRuntime = spunDirectHandleForms(runtime.resolve("bin/java"), dir.resolve("runtime.aot"));
            int spunOnJdk = spunDirectHandleForms(Jar.java(), dir.resolve("jdk.aot"));
            // the control: the same listing on the JDK itself spins them (should a JDK pregenerate them one day, this
            // says that make-runtime.sh's classlist lines are no longer needed)
            assertTrue(spunOnJdk > 0, "the JDK itself spun no DirectMethodHandle form: the control shows nothing");
            assertEquals(0, spunOnRuntime, "DirectMethodHandle forms spun on the runtime (the JDK itself: " + spunOnJdk + ")");
        } finally {
            Host.run("rm", "-rf", dir.toString());
        }
    }

    /** Makes a sockets AOT cache with {@code java}, lists TCP sockets with it, and counts the DMH forms spun. */
    private static int spunDirectHandleForms(Path java, Path cache) throws IOException {
        List<String> train = new ArrayList<>(List.of(java.toString()));
        train.addAll(FLAGS);
        train.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-Xlog:aot=off", "-Xlog:cds=off", "-cp", Jar.jar().toString(),
                "io.netdiag.cli.AotTraining", "sockets"));
        Host.Run trained = Host.run(train, 300);
        assertTrue(Files.size(cache) > 0, "no AOT cache made by " + java + ": " + trained.err());

        Path log = cache.resolveSibling(cache.getFileName() + ".classes");
        List<String> list = new ArrayList<>(List.of(java.toString()));
        list.addAll(FLAGS);
        list.addAll(List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on", "-Xlog:class+load=info:file=" + log,
                "-cp", Jar.jar().toString(), "io.netdiag.cli.Main", "sockets", "-tan"));
        Host.Run run = Host.run(list, 120);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("State"), run.out());
        List<String> loaded = Files.readAllLines(log);
        if (loaded.stream().noneMatch(l -> l.contains("io.netdiag.os.Netlink ") && l.contains("shared objects file"))) {
            fail("the listing did not load netdiag's classes from the AOT cache " + cache);
        }
        // spun at run time, not the forms the AOT cache holds (as it does those of archived lambdas)
        return (int) loaded.stream()
                .filter(l -> l.contains("java.lang.invoke.LambdaForm$DMH/") && !l.contains("shared objects file")).count();
    }
}
