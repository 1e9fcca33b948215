package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tiled perceptron against a naive triple loop in double precision, with strided weights and offsets. */
class TiledPerceptronTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void matchesTheNaiveLayersOnRandomShapesAndLayouts(int seed) {
        Random r = new Random(seed);
        int rows = 1 + r.nextInt(seed % 2 == 0 ? 1200 : 30);
        int in = 1 + r.nextInt(seed % 3 == 0 ? 1 : 40);
        int hidden = 1 + r.nextInt(seed % 5 == 0 ? 6 : 700);
        int out = 1 + r.nextInt(seed % 2 == 1 ? 3 : 50);
        boolean transposed = seed % 4 < 2;
        boolean biases = seed % 7 != 0;
        int off = r.nextInt(5);
        double[] x = random(r, off + rows * in);
        double[] w1 = random(r, off + hidden * in);
        double[] b1 = biases ? random(r, off + hidden) : null;
        double[] w2 = random(r, off + out * hidden);
        double[] b2 = biases ? random(r, off + out) : null;
        // Weights stored [hidden, in] / [out, hidden], or as their transposes ([in, hidden] read with swapped strides).
        int w1r = transposed ? 1 : in;
        int w1c = transposed ? hidden : 1;
        int w2r = transposed ? 1 : hidden;
        int w2c = transposed ? out : 1;
        double[] expected = new double[rows * out];
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < out; o++) {
                double acc = biases ? b2[off + o] : 0;
                for (int h = 0; h < hidden; h++) {
                    double pre = biases ? b1[off + h] : 0;
                    for (int k = 0; k < in; k++) {
                        pre += x[off + i * in + k] * w1[off + h * w1r + k * w1c];
                    }
                    acc += Math.max(pre, 0) * w2[off + o * w2r + h * w2c];
                }
                expected[i * out + o] = acc;
            }
        }
        double[] y = new double[off + rows * out];
        TiledPerceptron.run(rows, in, hidden, out, x, off, w1, off, w1r, w1c, b1, off, w2, off, w2r, w2c, b2, off, y,
                off);
        float[] yf = new float[off + rows * out];
        TiledPerceptron.run(rows, in, hidden, out, floats(x), off, floats(w1), off, w1r, w1c, floats(b1), off,
                floats(w2), off, w2r, w2c, floats(b2), off, yf, off);
        for (int i = 0; i < rows * out; i++) {
            double scale = Math.max(1, Math.abs(expected[i])) * Math.sqrt(hidden * (in + 1.0));
            assertThat(y[off + i]).as("float64 element %d of %dx%d->%d->%d", i, rows, in, hidden, out)
                    .isCloseTo(expected[i], within(1e-13 * scale));
            assertThat((double) yf[off + i]).as("float32 element %d", i).isCloseTo(expected[i], within(1e-5 * scale));
        }
    }

    private static double[] random(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    private static float[] floats(double[] a) {
        if (a == null) {
            return null;
        }
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
