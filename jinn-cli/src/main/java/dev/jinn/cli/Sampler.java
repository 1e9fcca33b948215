package dev.jinn.cli;

import dev.jinn.model.ConditionEncoding;
import dev.jinn.model.DataTransform;
import dev.jinn.model.ModelInference;
import dev.jinn.cli.data.Digits;
import dev.jinn.cli.plot.DigitsGrid;
import dev.jinn.cli.plot.Plots;
import dev.jinn.flow.SequenceINN;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Batch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Draws samples from a trained model and evaluates its density, in the data's units; draws the pictures. */
final class Sampler {
    private Sampler() {
    }

    /**
     * Draws samples: {@code z ~ N(0, I)} pushed through the inverse flow, mapped back to data units.
     *
     * @param model     the flow
     * @param transform its data transform
     * @param n         the number of samples
     * @param condition the encoded condition vector, or null for an unconditional model
     * @param temperature the standard deviation of {@code z} (1 samples the model; below 1 trades diversity for
     *                  typical-looking samples, as Glow's "temperature")
     * @param rng       the generator of {@code z}
     * @return the rows
     */
    static List<double[]> sample(SequenceINN model, DataTransform transform, int n, float[] condition,
            double temperature, Rng rng) {
        Tensor z = Tensors.randn(rng, n, transform.dims()).mul(temperature);
        List<Tensor> conds = condition == null ? List.of()
                : List.of(Tensors.of(condition, 1, condition.length).expand(n, condition.length));
        return ModelInference.sample(model, transform, z, conds);
    }

    /**
     * Encodes one condition value.
     *
     * @param transform the data transform
     * @param value     the value as text (a category or a number)
     * @return the condition vector
     */
    static float[] condition(DataTransform transform, String value) {
        ConditionEncoding c = transform.condition();
        float[] v = new float[c.dims()];
        c.encode(value, v, 0);
        return v;
    }

    /**
     * The log-density in data units on a grid (2-D unconditional models).
     *
     * @param model     the flow
     * @param transform its transform
     * @param xs        the grid's x values
     * @param ys        the grid's y values
     * @return {@code logp[i][j]} at {@code (xs[j], ys[i])}
     */
    static double[][] logDensityGrid(SequenceINN model, DataTransform transform, double[] xs, double[] ys) {
        List<double[]> pts = new ArrayList<>();
        for (double y : ys) {
            for (double x : xs) {
                pts.add(new double[] {x, y});
            }
        }
        double[] ll = ModelInference.logLikelihood(model, transform, Batch.of(transform.toModel(pts)));
        double[][] out = new double[ys.length][xs.length];
        for (int i = 0; i < ys.length; i++) {
            System.arraycopy(ll, i * xs.length, out[i], 0, xs.length);
        }
        return out;
    }

    /** Whether a model draws 8×8 images with class labels (the digits). */
    static boolean isImageGrid(DataTransform t) {
        return t.dims() == Digits.PIXELS && t.dequantizeLevels() > 0
                && t.condition().kind() == ConditionEncoding.Kind.CATEGORICAL;
    }

    /**
     * Writes a grid with one row of {@code perClass} samples per category.
     *
     * @param model     the flow
     * @param transform its transform (8×8 images)
     * @param perClass  samples per row
     * @param only      a single category to draw, or null for all
     * @param temperature the standard deviation of {@code z}
     * @param rng       the generator
     * @param out       the PNG file
     * @throws IOException when it cannot be written
     */
    static void digitsGrid(SequenceINN model, DataTransform transform, int perClass, String only, double temperature,
            Rng rng, Path out) throws IOException {
        List<List<double[]>> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (String c : transform.condition().categories()) {
            if (only == null || only.strip().equals(c)) {
                rows.add(sample(model, transform, perClass, condition(transform, c), temperature, rng));
                labels.add(c);
            }
        }
        NonFiniteRows bad = new NonFiniteRows("samples", "sample", "pixel");
        List<double[]> all = new ArrayList<>();
        rows.forEach(all::addAll);
        bad.addRows(all);
        bad.failIfAny("the model", all.size(), "nothing was written to " + out);
        DigitsGrid.write(rows, labels, 8, transform.dequantizeLevels() - 1, out);
    }

    /**
     * Writes the data-vs-samples and density pictures of a 2-D unconditional model.
     *
     * @param model     the flow
     * @param transform its transform
     * @param data      data rows for comparison
     * @param rng       the generator of the samples
     * @param samples   the samples PNG
     * @param density   the density PNG
     * @throws IOException when a file cannot be written
     */
    static void twoDimensional(SequenceINN model, DataTransform transform, List<double[]> data, Rng rng, Path samples,
            Path density) throws IOException {
        List<double[]> drawn = sample(model, transform, Math.max(1000, data.size()), null, 1.0, rng);
        String xName = transform.columns().get(0);
        String yName = transform.columns().get(1);
        Plots.samples(data, drawn, xName, yName, samples);
        double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double[] r : data) {
            for (int j = 0; j < 2; j++) {
                lo[j] = Math.min(lo[j], r[j]);
                hi[j] = Math.max(hi[j], r[j]);
            }
        }
        int n = 100;
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int k = 0; k < n; k++) {
            double mx = 0.15 * (hi[0] - lo[0]);
            double my = 0.15 * (hi[1] - lo[1]);
            xs[k] = lo[0] - mx + (hi[0] - lo[0] + 2 * mx) * k / (n - 1);
            ys[k] = lo[1] - my + (hi[1] - lo[1] + 2 * my) * k / (n - 1);
        }
        Plots.density(xs, ys, Sampler.logDensityGrid(model, transform, xs, ys), "learned log-density", xName, yName,
                density);
    }
}
