package dev.jinn.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the jinn command line in-process and captures its exit code, standard output and standard error. */
record CliRunner(int code, String out, String err) {
    static CliRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRunner(code, out.toString(), err.toString());
    }
}
