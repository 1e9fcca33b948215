package dev.jinn.cli;

import dev.jinn.check.Require;
import dev.jinn.kernel.Threads;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** Options every command shares: {@code --verbose} and {@code --threads}. */
final class CommonOptions {
    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Option(names = "--threads", paramLabel = "T",
            description = "Threads for the tensor kernels (default: all processors; results are reproducible for a"
                    + " fixed count).")
    Integer threads;

    /** Sets the kernel thread count before any tensor work; warns when the pool is already running otherwise. */
    void applyThreads(PrintWriter err) {
        if (threads == null) {
            return;
        }
        Require.atLeast(1, threads, "--threads");
        System.setProperty("jinn.threads", Integer.toString(threads));
        if (Threads.count() != threads) {
            err.println("warning: --threads " + threads + " ignored: the kernels already run with " + Threads.count()
                    + " threads in this JVM");
        }
    }
}
