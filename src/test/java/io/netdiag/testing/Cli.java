package io.netdiag.testing;

import io.netdiag.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs netdiag in-process with captured writers, the way a user would see it in a terminal. */
public final class Cli {
    private Cli() {
    }

    /** What one run printed and returned. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
