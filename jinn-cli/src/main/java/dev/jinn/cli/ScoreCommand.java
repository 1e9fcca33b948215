package dev.jinn.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jinn score}: the log-likelihood of every row of a CSV file under a model (anomaly scoring). */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the log-likelihood of each row of a CSV file under a model, in the data's units"
            + " (low values = unusual rows). The file needs the model's columns (by name, in any order; others are"
            + " ignored) and, for a conditional model, its condition column. Rows are streamed in batches, so files"
            + " of any size take constant memory.",
            "Output: a CSV with the columns line (the row's line in the input) and log_likelihood."},
        footer = {"", "Example:", "  jinn score --model model.safetensors --data new.csv --out scores.csv"})
final class ScoreCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Mixin
    private CommonOptions common;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file.")
    private Path model;
    @Option(names = "--data", required = true, paramLabel = "FILE.csv", description = "The rows to score.")
    private Path data;
    @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "Where to write the scores.")
    private Path out;
    @Option(names = "--batch", paramLabel = "B", defaultValue = "1024",
            description = "Rows per batch (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        common.applyThreads(spec.commandLine().getErr());
        long count = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        long minLine = -1;
        try (ModelRows rows = ModelRows.open(model, data, batch);
                BufferedWriter w = openOut(out)) {
            ModelFile m = rows.model();
            w.write("line,log_likelihood");
            w.newLine();
            for (ModelRows.Item r = rows.next(); r != null; r = rows.next()) {
                double[] ll = Sampler.logLikelihood(m.model(), m.transform(), r.batch());
                for (int i = 0; i < ll.length; i++) {
                    long line = r.chunk().lines().get(i);
                    w.write(line + "," + ll[i]);
                    w.newLine();
                    sum += ll[i];
                    count++;
                    if (ll[i] < min) {
                        min = ll[i];
                        minLine = line;
                    }
                }
            }
        }
        if (count == 0) {
            o.println("no rows to score in " + data + "; wrote only the header to " + out);
            return 0;
        }
        o.printf(Locale.ROOT, "scored %d rows of %s: mean log-likelihood %.4f, lowest %.4f (line %d)%n", count, data,
                sum / count, min, minLine);
        o.println("wrote " + out);
        return 0;
    }

    /** The scores file, its directories created: only once the model and the data have opened. */
    private static BufferedWriter openOut(Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.newBufferedWriter(out, StandardCharsets.UTF_8);
    }
}
