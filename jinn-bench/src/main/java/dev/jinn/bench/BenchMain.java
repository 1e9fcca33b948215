package dev.jinn.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Entry point of {@code jinn-bench.jar}: runs one suite through JMH and prints one line per case.
 *
 * <pre>
 * java -jar jinn-bench.jar ops     [--threads N] [--log FILE] [--json FILE] [JMH options, e.g. -prof gc]
 * java -jar jinn-bench.jar kernels [--threads N] [--log FILE] [--json FILE] [JMH options]
 * java -jar jinn-bench.jar iresnet [--threads N] [--log FILE] [--json FILE] [JMH options]
 * java -jar jinn-bench.jar step    [--threads N] [--log FILE] [--json FILE] [JMH options]
 * java -jar jinn-bench.jar jmh [JMH options]     (JMH's own command line, all benchmarks)
 * </pre>
 *
 * <ul>
 *   <li>{@code ops}: {@code ops <case> jinn_us=<median>}, the median time of one call in microseconds;</li>
 *   <li>{@code kernels}: {@code kernel <case> jinn_ms=<median> torch_ms=<median> ratio=<jinn/torch>}, median
 *       times of one call in milliseconds, {@code NA} where libtorch could not run;</li>
 *   <li>{@code step}: {@code step <model> jinn_ms=<mean> alloc_bytes=<B per step>}, one training step of the
 *       e2e suite's model with JMH's GC profiler ({@code gc.alloc.rate.norm}).</li>
 * </ul>
 *
 * <p>Each forked JVM gets {@code -Djinn.threads=N}, {@code -Dai.djl.pytorch.num_threads=N},
 * {@code -Dai.djl.pytorch.num_interop_threads=N} (N from {@code --threads}, default: the available processors)
 * {@code --add-modules jdk.incubator.vector} (jinn's float32 kernels then use the vector API) and
 * {@code -Dai.djl.offline=true}, so DJL loads the libtorch binaries bundled in the jar and downloads nothing;
 * DJL logs errors only.
 * JMH's human-readable report goes to the {@code --log} file (default {@code bench-<suite>.log}), so standard
 * output carries only the result lines.
 */
public final class BenchMain {
    private BenchMain() {
    }

    private static final String USAGE = String.join("\n",
            "usage: jinn-bench <suite> [--threads N] [--log FILE] [--json FILE] [JMH options]",
            "       jinn-bench jmh [JMH options]",
            "suites:",
            "  ops       per-op dispatch overhead: add/mul/exp on [100,2] float32 with and without autograd,",
            "            and a 2-512-2 MLP forward+backward; median microseconds per call",
            "  kernels   jinn next to libtorch (DJL, offline): gemm 1024x1024x1024, 256x512x784, 100x512x2,",
            "            100x1x512, conv2d [8,16,32,32]*[256,16,3,3] pad 1 fwd+bwd, exp of 1M float32;",
            "            median milliseconds per call and their ratio jinn/torch",
            "  iresnet   one i-ResNet training step (fcn: 10 blocks on 2-D points; conv2d: 4 blocks on 3x16x16),",
            "            jinn next to PyTorch (jinn-bench/scripts/torch_iresnet.py with /usr/bin/python3)",
            "  step      one training step of the e2e moons and digits models under JMH's GC profiler: mean",
            "            milliseconds and bytes allocated per step",
            "--threads N   threads of jinn and libtorch in the forked JVMs (default: available processors)");

    /**
     * Runs the suite named by the first argument.
     *
     * @param args the suite name, then options
     * @throws Exception when JMH fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            return;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "ops":
                printOps(runSuite("ops", OpsBenchmark.class.getName(), "us/op", true, rest));
                break;
            case "kernels":
                printKernels(runSuite("kernels", KernelsBenchmark.class.getName(), "ms/op", false, rest));
                break;
            case "iresnet":
                printIResNet(runSuite("iresnet", IResNetBenchmark.class.getName(), "ms/op", false, rest), rest);
                break;
            case "step":
                printSteps(runSuite("step", StepBenchmark.class.getName(), "ms/op", true, withGcProfiler(rest)));
                break;
            case "jmh":
                org.openjdk.jmh.Main.main(rest);
                break;
            default:
                System.err.println("unknown suite: " + args[0]);
                usage();
        }
    }

    private static void usage() {
        System.err.println(USAGE);
        System.exit(2);
    }

    /**
     * Runs every benchmark of one class through JMH.
     *
     * @param failOnError stop at the first failing benchmark; otherwise the others still run and the failing
     *                    ones are missing from the results
     * @return the results, or null when the options were bad (usage was printed)
     */
    private static Collection<RunResult> runSuite(String suite, String benchmarkClass, String unit,
            boolean failOnError, String[] args) throws RunnerException {
        String log = "bench-" + suite + ".log";
        String json = null;
        int threads = Runtime.getRuntime().availableProcessors();
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            boolean hasValue = i + 1 < args.length;
            if (args[i].equals("--log") && hasValue) {
                log = args[++i];
            } else if (args[i].equals("--json") && hasValue) {
                json = args[++i];
            } else if (args[i].equals("--threads") && hasValue) {
                try {
                    threads = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    threads = 0;
                }
                if (threads < 1) {
                    System.err.println("--threads: expected a positive integer, got " + args[i]);
                    usage();
                }
            } else {
                jmhArgs.add(args[i]);
            }
        }
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(jmhArgs.toArray(new String[0]));
        } catch (CommandLineOptionException e) {
            System.err.println("bad JMH options: " + e.getMessage());
            usage();
            return null;
        }
        String n = Integer.toString(threads);
        // The builder's JVM arguments replace the command line's -jvmArgsAppend: pass those on after ours.
        List<String> extra = new ArrayList<>(cli.getJvmArgsAppend().orElse(List.of()));
        ChainedOptionsBuilder options = new OptionsBuilder()
                .parent(cli)
                .include("^" + java.util.regex.Pattern.quote(benchmarkClass) + "\\.")
                .jvmArgsAppend(jvmArgs(extra, "-Djinn.threads=" + n, "-Dai.djl.pytorch.num_threads=" + n,
                        "-Dai.djl.pytorch.num_interop_threads=" + n, "-Dai.djl.offline=true",
                        // jinn's float32 kernels take their vector API path, as a library user enables it.
                        "--add-modules", "jdk.incubator.vector",
                        // JMH passes a fork's own output to the console, not to the log: keep DJL's start-up
                        // chatter (no GPU found, threads set) out of it; its failures still reach the log as
                        // exceptions.
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"))
                .output(log)
                .shouldFailOnError(failOnError);
        if (json != null) {
            options.result(json).resultFormat(ResultFormatType.JSON);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult r : results) {
            String got = r.getPrimaryResult().getScoreUnit();
            if (!got.equals(unit)) {
                throw new IllegalStateException(r.getParams().getBenchmark() + ": expected " + unit
                        + ", JMH reported " + got);
            }
        }
        return results;
    }

    /** Our JVM arguments followed by the command line's. */
    private static String[] jvmArgs(List<String> fromCommandLine, String... ours) {
        List<String> all = new ArrayList<>(List.of(ours));
        all.addAll(fromCommandLine);
        return all.toArray(new String[0]);
    }

    private static String method(RunResult r) {
        String full = r.getParams().getBenchmark();
        return full.substring(full.lastIndexOf('.') + 1);
    }

    private static double median(RunResult r) {
        return r.getPrimaryResult().getStatistics().getPercentile(50.0);
    }

    private static void printOps(Collection<RunResult> results) {
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String name : OpsBenchmark.CASES) {
            medians.put(name, null);
        }
        for (RunResult r : results) {
            medians.put(method(r), median(r));
        }
        PrintStream out = System.out;
        for (Map.Entry<String, Double> e : medians.entrySet()) {
            if (e.getValue() != null) {
                out.println(String.format(Locale.ROOT, "ops %s jinn_us=%.3f", snakeCase(e.getKey()),
                        e.getValue()));
            }
        }
    }

    /** The suite's options with JMH's GC profiler added (once). */
    private static String[] withGcProfiler(String[] args) {
        List<String> all = new ArrayList<>(List.of(args));
        for (int i = 0; i + 1 < all.size(); i++) {
            if (all.get(i).equals("-prof") && all.get(i + 1).equals("gc")) {
                return args;
            }
        }
        all.add("-prof");
        all.add("gc");
        return all.toArray(new String[0]);
    }

    private static void printSteps(Collection<RunResult> results) {
        for (String c : StepBenchmark.CASES) {
            for (RunResult r : results) {
                if (c.equals(r.getParams().getParam("model"))) {
                    var alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
                    System.out.println(String.format(Locale.ROOT, "step %s jinn_ms=%s alloc_bytes=%s", c,
                            ms(r.getPrimaryResult().getScore()),
                            alloc == null ? "NA" : String.format(Locale.ROOT, "%.0f", alloc.getScore())));
                }
            }
        }
    }

    private static void printKernels(Collection<RunResult> results) {
        Map<String, Double> jinn = new LinkedHashMap<>();
        Map<String, Double> torch = new LinkedHashMap<>();
        for (RunResult r : results) {
            String kernel = r.getParams().getParam("kernel");
            (method(r).equals("torch") ? torch : jinn).put(kernel, median(r));
        }
        PrintStream out = System.out;
        boolean missing = false;
        for (String kernel : KernelsBenchmark.CASES) {
            Double j = jinn.get(kernel);
            Double t = torch.get(kernel);
            if (j == null && t == null) {
                continue; // not selected (-p kernel=...), or failed in both libraries
            }
            missing |= j == null || t == null;
            String ratio = j != null && t != null ? String.format(Locale.ROOT, "%.2f", j / t) : "NA";
            out.println(String.format(Locale.ROOT, "kernel %s jinn_ms=%s torch_ms=%s ratio=%s", kernel, ms(j),
                    ms(t), ratio));
        }
        if (missing || jinn.isEmpty() && torch.isEmpty()) {
            System.err.println("kernels: some measurements failed (NA or missing); JMH's log says why");
        }
    }

    private static void printIResNet(Collection<RunResult> results, String[] args) {
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--threads")) {
                threads = Integer.parseInt(args[i + 1]);
            }
        }
        Map<String, Double> jinn = new LinkedHashMap<>();
        for (RunResult r : results) {
            jinn.put(r.getParams().getParam("model"), median(r));
        }
        // PyTorch measures the cases jinn measured (all of them when jinn measured none, e.g. after a failure).
        List<String> only = new ArrayList<>();
        for (String c : jinn.keySet()) {
            only.add("--case");
            only.add(c);
        }
        Map<String, Double> torch = TorchReference.medians("jinn-bench/scripts/torch_iresnet.py", threads, only);
        for (String c : IResNetBenchmark.CASES) {
            Double j = jinn.get(c);
            Double t = torch.get(c);
            if (j == null && t == null) {
                continue;
            }
            String ratio = j != null && t != null ? String.format(Locale.ROOT, "%.2f", j / t) : "NA";
            System.out.println(String.format(Locale.ROOT, "iresnet %s jinn_ms=%s torch_ms=%s ratio=%s", c, ms(j), ms(t),
                    ratio));
        }
    }

    /** Milliseconds with four significant digits at least down to 0.0001 ms, or NA. */
    static String ms(Double value) {
        if (value == null) {
            return "NA";
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.1f" : value >= 10 ? "%.2f" : value >= 1 ? "%.3f"
                : "%.4f", value);
    }

    /** {@code addNograd} → {@code add_nograd}. */
    static String snakeCase(String camel) {
        StringBuilder s = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                s.append('_').append(Character.toLowerCase(c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
