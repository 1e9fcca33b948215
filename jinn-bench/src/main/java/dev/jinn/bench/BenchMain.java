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
 * Entry point of {@code jinn-bench.jar}: runs one suite through JMH and prints one line per case,
 * {@code <suite> <case> jinn_us=<median>}, the median time of one call in microseconds.
 *
 * <pre>
 * java -jar jinn-bench.jar ops [--log FILE] [--json FILE] [JMH options, e.g. -prof gc]
 * java -jar jinn-bench.jar jmh [JMH options]     (JMH's own command line, all benchmarks)
 * </pre>
 *
 * JMH's human-readable report goes to the {@code --log} file (default {@code bench-<suite>.log}), so standard
 * output carries only the result lines.
 */
public final class BenchMain {
    private BenchMain() {
    }

    private static final String USAGE = String.join("\n",
            "usage: jinn-bench <suite> [--log FILE] [--json FILE] [JMH options]",
            "       jinn-bench jmh [JMH options]",
            "suites:",
            "  ops   per-op dispatch overhead: add/mul/exp on [100,2] float32 with and without autograd,",
            "        and a 2-512-2 MLP forward+backward");

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
                runSuite("ops", OpsBenchmark.class.getName(), OpsBenchmark.CASES, rest);
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

    private static void runSuite(String suite, String benchmarkClass, List<String> order, String[] args)
            throws RunnerException {
        String log = "bench-" + suite + ".log";
        String json = null;
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--log") || args[i].equals("--json")) && i + 1 < args.length) {
                if (args[i].equals("--log")) {
                    log = args[++i];
                } else {
                    json = args[++i];
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
            return;
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .parent(cli)
                .include("^" + java.util.regex.Pattern.quote(benchmarkClass) + "\\.")
                .output(log)
                .shouldFailOnError(true);
        if (json != null) {
            options.result(json).resultFormat(ResultFormatType.JSON);
        }
        Collection<RunResult> results = new Runner(options.build()).run();

        Map<String, Double> medians = new LinkedHashMap<>();
        for (String name : order) {
            medians.put(name, null);
        }
        for (RunResult r : results) {
            String full = r.getParams().getBenchmark();
            String method = full.substring(full.lastIndexOf('.') + 1);
            String unit = r.getPrimaryResult().getScoreUnit();
            if (!unit.equals("us/op")) {
                throw new IllegalStateException(full + ": expected us/op, JMH reported " + unit);
            }
            medians.put(method, r.getPrimaryResult().getStatistics().getPercentile(50.0));
        }
        PrintStream out = System.out;
        for (Map.Entry<String, Double> e : medians.entrySet()) {
            if (e.getValue() != null) {
                out.println(String.format(Locale.ROOT, "%s %s jinn_us=%.3f", suite, snakeCase(e.getKey()),
                        e.getValue()));
            }
        }
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
