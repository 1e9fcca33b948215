package dev.jinn.cli;

import dev.jinn.model.ModelFile;
import dev.jinn.model.ConditionEncoding;
import dev.jinn.cli.plot.Plots;
import dev.jinn.tensor.Rng;
import dev.jinn.io.AtomicOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jinn sample}: draws samples from a model file into a CSV file or a picture. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw samples from a trained model, in the data's own units.",
            "A .csv output gets one row per sample (with the condition column for conditional models); a .png output"
                + " gets a scatter plot of the first two columns, or for image models (digits) a grid with one row"
                + " of N samples per class."},
        footer = {"", "Examples:", "  jinn sample --model jinn-out/demo/model.safetensors -n 1000 --out samples.csv",
            "  jinn sample --model jinn-out/digits/model.safetensors -n 10 --out digits.png",
            "  jinn sample --model jinn-out/digits/model.safetensors -n 10 --condition 7 --out sevens.png"})
final class SampleCommand extends JinnCommand {
    @Mixin
    private ModelOption model;
    @Option(names = "-n", paramLabel = "N", defaultValue = "1000",
            description = "Samples (per class for a categorical condition without --condition; default: ${DEFAULT-VALUE}).")
    private int n;
    @Option(names = "--condition", paramLabel = "VALUE", description = "The condition: a category or a number.")
    private String condition;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;
    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0",
            description = "Standard deviation of the latent samples; < 1 gives more typical, less varied samples"
                    + " (default: ${DEFAULT-VALUE}).")
    private double temperature;
    @Option(names = "--out", required = true, paramLabel = "FILE.csv|FILE.png", description = "Where to write.")
    private Path out;

    @Override
    int run(PrintWriter o, PrintWriter err) throws Exception {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean png = name.endsWith(".png");
        if (!png && !name.endsWith(".csv")) {
            throw usage("--out must end in .csv or .png, got '" + out + "'");
        }
        if (!(temperature > 0 && temperature <= 10)) {
            throw usage("--temperature must be in (0, 10], got " + temperature);
        }
        if (n < 1 || n > 10_000_000) {
            throw usage("-n must be between 1 and 10000000, got " + n);
        }
        try (OutputClaim claim = OutputClaim.claim(List.of(new OutputClaim.Named("--model", model.path())),
                List.of(new OutputClaim.Named("--out", out)))) {
            return sample(o, err, png);
        }
    }

    private int sample(PrintWriter o, PrintWriter err, boolean png) throws IOException {
        ModelFile m = ModelFile.load(model.path());
        ConditionEncoding enc = m.transform().condition();
        if (enc.kind() == ConditionEncoding.Kind.NONE && condition != null) {
            throw usage("the model is unconditional; drop --condition");
        }
        if (enc.kind() == ConditionEncoding.Kind.NUMERIC && condition == null) {
            throw usage("the model is conditioned on the number '" + enc.column()
                    + "'; give --condition VALUE");
        }
        // Validate the condition before any work, so a typo is a usage error naming the known categories.
        List<String> values = new ArrayList<>();
        if (condition != null) {
            try {
                Sampler.condition(m.transform(), condition);
            } catch (IllegalArgumentException e) {
                throw usage("--condition: " + e.getMessage());
            }
            values.add(condition.strip());
            if (enc.outsideTraining(condition)) {
                err.println("warning: --condition " + condition.strip() + " is outside the"
                        + " range of '" + enc.column() + "' the model was trained on, " + enc.trainingRange()
                        + "; its samples are extrapolation");
            }
        } else if (enc.kind() == ConditionEncoding.Kind.CATEGORICAL) {
            values.addAll(enc.categories());
        }
        Rng rng = new Rng(seed);
        if (png && Sampler.isImageGrid(m.transform())) {
            Sampler.digitsGrid(m.model(), m.transform(), Math.min(n, 50), condition, temperature, rng, out);
            o.println("wrote " + out + " (" + values.size() + " rows of " + Math.min(n, 50) + " samples)");
            return 0;
        }
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (values.isEmpty()) {
            rows.addAll(Sampler.sample(m.model(), m.transform(), n, null, temperature, rng));
        } else {
            for (String v : values) {
                List<double[]> s = Sampler.sample(m.model(), m.transform(), n, Sampler.condition(m.transform(), v),
                        temperature, rng);
                rows.addAll(s);
                for (int i = 0; i < s.size(); i++) {
                    labels.add(v);
                }
            }
        }
        NonFiniteRows bad = new NonFiniteRows("samples", "sample", "value");
        bad.addRows(rows);
        bad.failIfAny(model.path(), rows.size(), "nothing was written to " + out);
        if (png) {
            List<String> cols = m.transform().columns();
            Plots.scatter(rows, cols.get(0), cols.get(1), out);
        } else {
            writeCsv(m, rows, labels, out);
        }
        o.println("wrote " + out + " (" + rows.size() + " samples)");
        return 0;
    }

    private static void writeCsv(ModelFile m, List<double[]> rows, List<String> labels, Path out) throws IOException {
        boolean integers = m.transform().dequantizeLevels() > 0;
        try (AtomicOutput file = AtomicOutput.open(out)) {
            Writer w = file.writer();
            List<String> header = new ArrayList<>();
            for (String c : m.transform().columns()) {
                header.add(csvField(c));
            }
            if (!labels.isEmpty()) {
                header.add(csvField(m.transform().condition().column()));
            }
            w.write(String.join(",", header));
            w.write('\n');
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < rows.size(); i++) {
                sb.setLength(0);
                for (int j = 0; j < rows.get(i).length; j++) {
                    double v = rows.get(i)[j];
                    sb.append(j == 0 ? "" : ",").append(integers ? Long.toString((long) v) : Float.toString((float) v));
                }
                if (!labels.isEmpty()) {
                    sb.append(',').append(csvField(labels.get(i)));
                }
                w.write(sb.append('\n').toString());
            }
            file.commit();
        }
    }

    static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
