package dev.asnet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the asnet command in this JVM and captures what it prints. */
final class CliRunner {
    /** What one command run printed and returned. */
    record Result(int exitCode, String out, String err) {
        /** The non-empty lines of stderr. */
        String[] errLines() {
            return err.isBlank() ? new String[0] : err.strip().split("\\R");
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private CliRunner() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
