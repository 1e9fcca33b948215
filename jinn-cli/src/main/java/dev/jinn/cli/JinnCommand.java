package dev.jinn.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every {@code jinn} subcommand shares: the options of {@link CommonOptions}, the kernel thread count set
 * before any tensor work, the command's output and error streams, and usage errors in the command's own terms.
 * A subcommand implements {@link #run(PrintWriter, PrintWriter)}; picocli fills the fields declared here too.
 */
abstract class JinnCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Mixin
    private CommonOptions common;

    @Override
    public final Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        common.applyThreads(err);
        return run(spec.commandLine().getOut(), err);
    }

    /**
     * Runs the command once picocli has filled its options.
     *
     * @param out the command's standard output
     * @param err the command's standard error (warnings, progress)
     * @return the exit code
     * @throws Exception any failure, reported by {@link Main} as one line
     */
    abstract int run(PrintWriter out, PrintWriter err) throws Exception;

    /**
     * A usage error naming the command, as picocli reports a bad option value.
     *
     * @param message what is wrong, with the expected and the given value
     * @return the exception to throw
     */
    final ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
