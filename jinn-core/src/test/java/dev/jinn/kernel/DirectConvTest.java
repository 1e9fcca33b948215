package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Direct convolutions and their weight gradients against the definition, summed in double. */
class DirectConvTest {
    private final int savedThreshold = Parallel.threshold();

    @org.junit.jupiter.api.AfterEach
    void restore() {
        Parallel.setThreshold(savedThreshold);
    }

    private static Im2col.Geometry geometry(int c, int h, int w, int kh, int kw, int pad, int dil) {
        int oh = h + 2 * pad - dil * (kh - 1);
        int ow = w + 2 * pad - dil * (kw - 1);
        return new Im2col.Geometry(c, h, w, kh, kw, 1, 1, pad, pad, dil, dil, oh, ow);
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    /** x[b, c, y, x] of images stored with channels last ({@code [N, H, W, C]}), to read through strides. */
    private static float at(float[] x, Im2col.Geometry g, int b, int c, int y, int xx) {
        if (y < 0 || y >= g.height() || xx < 0 || xx >= g.width()) {
            return 0f;
        }
        return x[((b * g.height() + y) * g.width() + xx) * g.channels() + c];
    }

    @ParameterizedTest(name = "C={0} {1}x{2} k{3}x{4} pad {5} dil {6} outputs {7}")
    @CsvSource({
        "3, 7, 9, 3, 3, 1, 1, 2", // same padding, the subnet case
        "5, 6, 6, 3, 3, 0, 1, 1", // valid convolution, one output
        "2, 8, 5, 3, 3, 2, 2, 4", // dilation
        "4, 5, 11, 1, 3, 1, 1, 16", // a 1x3 kernel, the most outputs taken
        "1, 9, 4, 2, 2, 0, 1, 3", // an even kernel
        // Images wide enough for the register-blocked vector loops (pairs of vectors of positions) and their
        // tails: the i-ResNet's 16x16 with a block of four outputs and one left over, then a dilated case whose
        // span is not a multiple of the vector pair.
        "6, 16, 16, 3, 3, 1, 1, 5",
        "3, 13, 21, 3, 3, 1, 2, 8"
    })
    void forwardAndWeightGradientMatchTheDefinition(int c, int h, int w, int kh, int kw, int pad, int dil,
            int outputs) {
        Im2col.Geometry g = geometry(c, h, w, kh, kw, pad, dil);
        assertThat(DirectConv.applies(g, outputs, 1)).isTrue();
        int n = 3;
        int taps = kh * kw;
        // Channels-last storage: the kernel reads it through strides (image h·w·c, channel 1, row w·c, column c).
        float[] x = random(1 + n * h * w * c, 1);
        float[] weight = random(2 + outputs * c * taps, 2);
        int outPlane = g.outH() * g.outW();
        float[] out = new float[n * outputs * outPlane + 1];
        out[out.length - 1] = 77f;
        Parallel.setThreshold(1); // split over images even at this size
        float[] xs = java.util.Arrays.copyOfRange(x, 1, x.length);
        DirectConv.forward(g, n, outputs, x, 1, h * w * c, 1, w * c, c, weight, 2, out, 0);
        float[] gy = random(n * outputs * outPlane, 3);
        float[] gw = new float[outputs * c * taps];
        DirectConv.weightGradient(g, n, outputs, x, 1, h * w * c, 1, w * c, c, gy, 0, gw);
        assertThat(out[out.length - 1]).isEqualTo(77f);
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < outputs; o++) {
                for (int y = 0; y < g.outH(); y++) {
                    for (int xx = 0; xx < g.outW(); xx++) {
                        double exact = 0;
                        double size = 0;
                        for (int ch = 0; ch < c; ch++) {
                            for (int t = 0; t < taps; t++) {
                                double term = (double) weight[2 + (o * c + ch) * taps + t] * at(xs, g, b, ch,
                                        y + (t / kw) * dil - pad, xx + (t % kw) * dil - pad);
                                exact += term;
                                size += Math.abs(term);
                            }
                        }
                        assertThat((double) out[(b * outputs + o) * outPlane + y * g.outW() + xx])
                                .as("out[%d,%d,%d,%d]", b, o, y, xx).isCloseTo(exact, offset(1e-5 * (1 + size)));
                    }
                }
            }
        }
        for (int o = 0; o < outputs; o++) {
            for (int ch = 0; ch < c; ch++) {
                for (int t = 0; t < taps; t++) {
                    double exact = 0;
                    double size = 0;
                    for (int b = 0; b < n; b++) {
                        for (int y = 0; y < g.outH(); y++) {
                            for (int xx = 0; xx < g.outW(); xx++) {
                                double term = (double) gy[(b * outputs + o) * outPlane + y * g.outW() + xx]
                                        * at(xs, g, b, ch, y + (t / kw) * dil - pad, xx + (t % kw) * dil - pad);
                                exact += term;
                                size += Math.abs(term);
                            }
                        }
                    }
                    assertThat((double) gw[(o * c + ch) * taps + t]).as("gw[%d,%d,%d]", o, ch, t)
                            .isCloseTo(exact, offset(1e-5 * (1 + size)));
                }
            }
        }
    }

    @Test
    void declinesWhatItDoesNotCompute() {
        Im2col.Geometry g = geometry(4, 8, 8, 3, 3, 1, 1);
        assertThat(DirectConv.applies(g, 17, 1)).as("too many outputs").isFalse();
        assertThat(DirectConv.applies(g, 4, 2)).as("groups").isFalse();
        assertThat(DirectConv.applies(geometry(4, 8, 8, 1, 1, 0, 1), 4, 1)).as("pointwise").isFalse();
        assertThat(DirectConv.applies(new Im2col.Geometry(4, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1, 4, 4), 4, 1))
                .as("stride 2").isFalse();
        assertThat(DirectConv.applies(new Im2col.Geometry(4, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 9, 9), 4, 1))
                .as("an output larger than the padded input gives").isFalse();
    }
}
