package io.netdiag.cli;

import io.netdiag.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    @Test
    void versionNamesNetdiagAndTheRuntime() {
        Cli.Result r = Cli.run("--version");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("netdiag "), r::toString);
        assertTrue(r.out().contains("Java " + Runtime.version().feature()), r::toString);
        assertEquals("", r.err());
    }

    @Test
    void helpListsEverySubcommand() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.exitCode());
        for (String sub : new String[] {"diagnose", "ping", "trace", "sockets", "fill", "capture", "explain", "doctor", "exporter", "shell", "completion"}) {
            assertTrue(r.out().contains("  " + sub + " "), () -> sub + " missing from\n" + r.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"diagnose", "ping", "trace", "sockets", "fill", "capture", "explain", "doctor", "exporter", "shell", "completion"})
    void everySubcommandHasHelp(String sub) {
        Cli.Result r = Cli.run(sub, "--help");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("Usage: netdiag " + sub), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"diagnose", "ping", "trace", "sockets", "fill", "capture", "explain", "doctor", "exporter", "shell", "completion"})
    void everySubcommandPrintsNetdiagsVersion(String sub) {
        Cli.Result r = Cli.run(sub, "-V");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(Cli.run("--version").out(), r.out());
    }

    @Test
    void aMissingRequiredArgumentIsAUsageError() {
        Cli.Result r = Cli.run("ping", "-c", "1");
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("netdiag ping: Missing required parameter: 'HOST'", r.err().lines().findFirst().orElse(""));
    }

    @Test
    void repeatedOptionsAndDefaultsReachTheCommand() {
        // --state twice (both kept), --source's default "auto" (netlink here), and -H
        Cli.Result r = Cli.run("sockets", "-tH", "--state", "listening", "--state", "established", "--port", "1");
        assertEquals(0, r.exitCode(), r::toString);
        // a bad value is caught wherever it stands, so every value of a repeated option arrives
        for (String[] states : new String[][] {{"listening", "nonsense"}, {"nonsense", "listening"}}) {
            Cli.Result bad = Cli.run("sockets", "-t", "--state", states[0], "--state", states[1]);
            assertEquals(2, bad.exitCode(), bad::toString);
            assertTrue(bad.err().contains("nonsense"), bad::toString);
        }
    }

    @Test
    void unknownOptionIsOneLineAndAHintWithExitTwo() {
        Cli.Result r = Cli.run("doctor", "--no-such-option");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertEquals("netdiag doctor: Unknown option: '--no-such-option'\n"
                + "Try 'netdiag doctor --help' for more information.\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        Cli.Result r = Cli.run("frobnicate");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertEquals(2, r.err().lines().count(), r::toString);
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void noSubcommandOffTerminalIsAUsageError() {
        Cli.Result r = Cli.run();
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().startsWith("netdiag: a subcommand is required"), r::toString);
    }

    @Test
    void globalOptionsAreAcceptedAfterTheSubcommandToo() {
        Cli.Result before = Cli.run("--json", "doctor");
        Cli.Result after = Cli.run("doctor", "--json");
        assertTrue(before.out().startsWith("{"), before::toString);
        assertTrue(after.out().startsWith("{"), after::toString);
    }

    @Test
    void completionScriptCoversSubcommandsAndOptions() {
        Cli.Result r = Cli.run("completion", "bash");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("complete -F _complete_netdiag"), "bash completion function registered");
        assertTrue(r.out().contains("doctor"));
        Cli.Result zsh = Cli.run("completion", "zsh");
        assertEquals(0, zsh.exitCode());
        assertTrue(zsh.out().contains("compinit"), "the script sets zsh up through bashcompinit");
    }
}
