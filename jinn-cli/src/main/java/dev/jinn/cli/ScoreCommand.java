package dev.jinn.cli;

import dev.jinn.model.ModelFile;
import dev.jinn.model.ModelInference;
import dev.jinn.io.AtomicOutput;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jinn score}: the log-likelihood of every row of a CSV file under a model (anomaly scoring). */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the log-likelihood of each row of a CSV file under a model, in the data's units"
            + " (low values = unusual rows). The file needs the model's columns (by name, in any order; others are"
            + " ignored) and, for a conditional model, its condition column. Rows are streamed in batches, so files"
            + " of any size take constant memory.",
            "Output: a CSV with the columns line (the row's line in the input) and log_likelihood."},
        footer = {"", "Example:", "  jinn score --model model.safetensors --data new.csv --out scores.csv"})
final class ScoreCommand extends JinnCommand {
    @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "Where to write the scores.")
    private Path out;
    @Mixin
    private RowsInput input;

    @Override
    int run(PrintWriter o, PrintWriter e) throws Exception {
        input.batch();
        long count = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        long minLine = -1;
        NonFiniteRows bad = new NonFiniteRows("rows", "line", "log-likelihood");
        try (OutputClaim claim = OutputClaim.claim(List.of(new OutputClaim.Named("--model", input.model()),
                        new OutputClaim.Named("--data", input.data())), List.of(new OutputClaim.Named("--out", out)));
                ModelRows rows = input.open();
                AtomicOutput file = AtomicOutput.open(out)) {
            ModelFile m = rows.model();
            ConditionRangeCheck range = new ConditionRangeCheck(m.transform().condition());
            Writer w = file.writer();
            w.write("line,log_likelihood\n");
            for (ModelRows.Item r = rows.next(); r != null; r = rows.next()) {
                double[] ll;
                try (TensorScope batch = Tensors.scope()) { // each batch's storages serve the next one
                    ll = ModelInference.logLikelihood(m.model(), m.transform(), r.batch());
                }
                for (int i = 0; i < ll.length; i++) {
                    long line = r.chunk().lines().get(i);
                    range.check(r.chunk(), i);
                    if (!Double.isFinite(ll[i])) {
                        bad.add(line, ll[i]);
                        continue;
                    }
                    w.write(line + "," + ll[i] + "\n");
                    sum += ll[i];
                    count++;
                    if (ll[i] < min) {
                        min = ll[i];
                        minLine = line;
                    }
                }
            }
            range.warn(e, input.data());
            // A mean over NaN would be NaN, and a file with holes would look complete: no scores at all instead.
            bad.failIfAny(input.data(), count + bad.count(), "nothing was written to " + out);
            file.commit();
        }
        if (count == 0) {
            o.println("no rows to score in " + input.data() + "; wrote only the header to " + out);
            return 0;
        }
        o.printf(Locale.ROOT, "scored %d rows of %s: mean log-likelihood %.4f, lowest %.4f (line %d)%n", count, input.data(),
                sum / count, min, minLine);
        o.println("wrote " + out);
        return 0;
    }
}
