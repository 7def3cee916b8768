package io.netdiag.cli;

import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** What every subcommand shares: its model, its writers and the global options. Subclasses parse, call, render. */
abstract class BaseCommand implements Callable<Integer> {
    private CommandSpec spec;

    /** The command's options and help text, declared once (see {@link Declare}). */
    abstract Declare declare();

    /** The command's model, declared on first use. */
    final CommandSpec spec() {
        if (spec == null) {
            spec = declare().build();
        }
        return spec;
    }

    PrintWriter out() {
        return spec().commandLine().getOut();
    }

    PrintWriter err() {
        return spec().commandLine().getErr();
    }

    boolean json() {
        return spec().root().userObject() instanceof NetdiagCommand root && root.json();
    }

    boolean debug() {
        return spec().root().userObject() instanceof NetdiagCommand root && root.debug();
    }

    @Override
    public final Integer call() throws Exception {
        return execute();
    }

    /** Runs the command and returns its exit code; failures are thrown and rendered by {@link Failures}. */
    abstract int execute() throws Exception;
}
