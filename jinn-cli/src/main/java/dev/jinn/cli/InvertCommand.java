package dev.jinn.cli;

import dev.jinn.autograd.Grad;
import dev.jinn.model.ModelFile;
import dev.jinn.flow.inference.BatchInference;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Batch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jinn invert}: how exactly a model's inverse recovers data (a health check of the model). */
@Command(name = "invert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Map each row of a CSV file through the model and back, and report the largest and the mean"
            + " reconstruction error in the data's units (float32 arithmetic: expect about 1e-6 relative).",
            "The file needs the model's columns and, for a conditional model, its condition column."},
        footer = {"", "Example:", "  jinn invert --model model.safetensors --data data.csv"})
final class InvertCommand extends JinnCommand {
    @Mixin
    private RowsInput input;

    @Override
    int run(PrintWriter o, PrintWriter err) throws Exception {
        long count = 0;
        double max = 0;
        double sum = 0;
        double maxZ = 0;
        ModelFile m;
        NonFiniteRows bad = new NonFiniteRows("rows", "line", "round trip");
        try (ModelRows rows = input.open(); var g = Grad.disabled()) {
            m = rows.model();
            m.model().eval();
            Tensor std = Tensors.of(m.transform().std(), 1, m.transform().dims());
            BatchInference inference = new BatchInference(m.model());
            for (ModelRows.Item r = rows.next(); r != null; r = rows.next()) {
                try (TensorScope batch = Tensors.scope()) { // each batch's storages serve the next one
                    Batch b = r.batch();
                    Tensor z = inference.forward(b.x(), b.conditions()).output();
                    Tensor back = inference.inverse(z, b.conditions()).output();
                    // Errors in data units: the standardisation scales each column by its deviation.
                    Tensor error = back.sub(b.x()).to(DType.FLOAT64).abs().mul(std);
                    double[] e = error.toDoubleArray();
                    double[] zs = z.to(DType.FLOAT64).abs().toDoubleArray();
                    int d = m.transform().dims();
                    for (int i = 0; i < r.chunk().size(); i++) {
                        double rowMax = 0;
                        for (int j = 0; j < d; j++) {
                            rowMax = Math.max(rowMax, Math.max(e[i * d + j], zs[i * d + j]));
                        }
                        // Math.max keeps a NaN, so one NaN in the row makes rowMax NaN.
                        if (!Double.isFinite(rowMax)) {
                            bad.add(r.chunk().lines().get(i), rowMax);
                        }
                    }
                    max = Math.max(max, error.max().item());
                    sum += error.sum().item();
                    maxZ = Math.max(maxZ, z.to(DType.FLOAT64).abs().max().item());
                    count += r.chunk().size();
                }
            }
        }
        bad.failIfAny(input.data(), count, "no reconstruction error to report");
        if (count == 0) {
            o.println("no rows in " + input.data());
            return 0;
        }
        long values = count * m.transform().dims();
        o.printf(Locale.ROOT, "inverted %d rows of %s through %s%n", count, input.data(), m.config().describe());
        o.printf(Locale.ROOT, "max reconstruction error:  %.3g%n", max);
        o.printf(Locale.ROOT, "mean reconstruction error: %.3g%n", sum / values);
        o.printf(Locale.ROOT, "largest |z|: %.3g%n", maxZ);
        return 0;
    }
}
