package io.netdiag.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** What every subcommand shares: its writers and the global options. Subclasses parse, call, render. */
abstract class BaseCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    NetdiagCommand root;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return root != null && root.json();
    }

    boolean debug() {
        return root != null && root.debug();
    }

    @Override
    public final Integer call() throws Exception {
        return execute();
    }

    /** Runs the command and returns its exit code; failures are thrown and rendered by {@link Failures}. */
    abstract int execute() throws Exception;
}
