package dev.jinn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.GradCheck;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvLayersTest {
    /**
     * A direct 2-D convolution (loops over the definition): x [n, cin, h, w], w [cout, cin/groups, kh, kw].
     * Options are {h, w} pairs.
     */
    private static double[] naiveConv(double[] x, int[] xs, double[] w, int[] ws, double[] bias, int[] s, int[] p,
            int[] d, int groups) {
        int n = xs[0];
        int cin = xs[1];
        int cout = ws[0];
        int cg = ws[1];
        int oh = (xs[2] + 2 * p[0] - d[0] * (ws[2] - 1) - 1) / s[0] + 1;
        int ow = (xs[3] + 2 * p[1] - d[1] * (ws[3] - 1) - 1) / s[1] + 1;
        double[] out = new double[n * cout * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sum = bias == null ? 0 : bias[o];
                        for (int c = 0; c < cg; c++) {
                            int ci = o / (cout / groups) * cg + c;
                            for (int a = 0; a < ws[2]; a++) {
                                for (int e = 0; e < ws[3]; e++) {
                                    int y = i * s[0] - p[0] + a * d[0];
                                    int z = j * s[1] - p[1] + e * d[1];
                                    if (y >= 0 && y < xs[2] && z >= 0 && z < xs[3]) {
                                        sum += x[((b * cin + ci) * xs[2] + y) * xs[3] + z]
                                                * w[((o * cg + c) * ws[2] + a) * ws[3] + e];
                                    }
                                }
                            }
                        }
                        out[((b * cout + o) * oh + i) * ow + j] = sum;
                    }
                }
            }
        }
        return out;
    }

    /** A direct 2-D transposed convolution by scattering: w [cin, cout/groups, kh, kw]. */
    private static double[] naiveTranspose(double[] x, int[] xs, double[] w, int[] ws, double[] bias, int[] s,
            int[] p, int[] op, int[] d, int groups) {
        int n = xs[0];
        int cin = xs[1];
        int og = ws[1];
        int cout = og * groups;
        int oh = (xs[2] - 1) * s[0] - 2 * p[0] + d[0] * (ws[2] - 1) + op[0] + 1;
        int ow = (xs[3] - 1) * s[1] - 2 * p[1] + d[1] * (ws[3] - 1) + op[1] + 1;
        double[] out = new double[n * cout * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cout; o++) {
                for (int q = 0; q < oh * ow; q++) {
                    out[(b * cout + o) * oh * ow + q] = bias == null ? 0 : bias[o];
                }
            }
            for (int c = 0; c < cin; c++) {
                int g = c / (cin / groups);
                for (int i = 0; i < xs[2]; i++) {
                    for (int j = 0; j < xs[3]; j++) {
                        double v = x[((b * cin + c) * xs[2] + i) * xs[3] + j];
                        for (int o = 0; o < og; o++) {
                            for (int a = 0; a < ws[2]; a++) {
                                for (int e = 0; e < ws[3]; e++) {
                                    int y = i * s[0] - p[0] + a * d[0];
                                    int z = j * s[1] - p[1] + e * d[1];
                                    if (y >= 0 && y < oh && z >= 0 && z < ow) {
                                        out[((b * cout + g * og + o) * oh + y) * ow + z] +=
                                                v * w[((c * og + o) * ws[2] + a) * ws[3] + e];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void assertClose(double[] actual, double[] expected, double tol) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(tol * (1 + Math.abs(expected[i]))));
        }
    }

    private static double[] values(Module m, String name) {
        return m.parameter(name).toDoubleArray();
    }

    // ------------------------------------------------------------------------------------------------
    // Forward values

    @Test
    void conv2dAppliesItsOptions() {
        Conv2d conv = Conv2d.builder(4, 6, 3, 2).stride(2, 1).padding(1, 0).dilation(1, 2).groups(2)
                .rng(new Rng(1)).build();
        Tensor x = Tensors.randn(new Rng(2), 2, 4, 7, 6);
        Tensor y = conv.forward(x);
        assertThat(y.shape()).containsExactly(2, 6, 4, 4);
        double[] expected = naiveConv(x.toDoubleArray(), x.shape(), values(conv, "weight"),
                conv.parameter("weight").shape(), values(conv, "bias"), new int[] {2, 1}, new int[] {1, 0},
                new int[] {1, 2}, 2);
        assertClose(y.toDoubleArray(), expected, 1e-5);
    }

    @Test
    void conv1dIsAConvolutionAlongTheLastDim() {
        Conv1d conv = Conv1d.builder(2, 3, 3).stride(2).padding(1).dilation(2).rng(new Rng(3)).build();
        Tensor x = Tensors.randn(new Rng(4), 2, 2, 9);
        Tensor y = conv.forward(x);
        assertThat(y.shape()).containsExactly(2, 3, 4);
        int[] ws = conv.parameter("weight").shape();
        double[] expected = naiveConv(x.toDoubleArray(), new int[] {2, 2, 1, 9}, values(conv, "weight"),
                new int[] {ws[0], ws[1], 1, ws[2]}, values(conv, "bias"), new int[] {1, 2}, new int[] {0, 1},
                new int[] {1, 2}, 1);
        assertClose(y.toDoubleArray(), expected, 1e-5);
    }

    @Test
    void convTranspose2dAppliesItsOptions() {
        ConvTranspose2d up = ConvTranspose2d.builder(4, 6, 3).stride(2).padding(1).outputPadding(1, 0).groups(2)
                .rng(new Rng(5)).build();
        Tensor x = Tensors.randn(new Rng(6), 2, 4, 3, 4);
        Tensor y = up.forward(x);
        assertThat(y.shape()).containsExactly(2, 6, 6, 7);
        double[] expected = naiveTranspose(x.toDoubleArray(), x.shape(), values(up, "weight"),
                up.parameter("weight").shape(), values(up, "bias"), new int[] {2, 2}, new int[] {1, 1},
                new int[] {1, 0}, new int[] {1, 1}, 2);
        assertClose(y.toDoubleArray(), expected, 1e-5);
    }

    @Test
    void convTranspose1dUpsamples() {
        ConvTranspose1d up = ConvTranspose1d.builder(3, 2, 4).stride(2).padding(1).rng(new Rng(7)).bias(false)
                .build();
        Tensor x = Tensors.randn(new Rng(8), 2, 3, 5);
        Tensor y = up.forward(x);
        assertThat(y.shape()).containsExactly(2, 2, 10);
        int[] ws = up.parameter("weight").shape();
        double[] expected = naiveTranspose(x.toDoubleArray(), new int[] {2, 3, 1, 5}, values(up, "weight"),
                new int[] {ws[0], ws[1], 1, ws[2]}, null, new int[] {1, 2}, new int[] {0, 1}, new int[] {0, 0},
                new int[] {1, 1}, 1);
        assertClose(y.toDoubleArray(), expected, 1e-5);
    }

    @Test
    void gradientsReachInputsAndParameters() {
        Conv2d conv = Conv2d.builder(2, 3, 3).padding(1).rng(new Rng(9)).build();
        conv.to(DType.FLOAT64);
        Tensor x = Tensors.randn(new Rng(10), DType.FLOAT64, 1, 2, 4, 3).requiresGrad(true);
        GradCheck.withTolerances(1e-6, 1e-5).verify(in -> conv.forward(in[0]).tanh(), x);
        conv.forward(x).square().sum().backward();
        assertThat(conv.parameter("weight").grad().shape()).containsExactly(3, 2, 3, 3);
        assertThat(conv.parameter("bias").grad().shape()).containsExactly(3);
        // d/db of Σ y² is Σ 2y over each output channel
        double[] y = conv.forward(x).toDoubleArray();
        double[] gb = conv.parameter("bias").grad().toDoubleArray();
        for (int o = 0; o < 3; o++) {
            double s = 0;
            for (int k = 0; k < 12; k++) {
                s += 2 * y[o * 12 + k];
            }
            assertThat(gb[o]).isCloseTo(s, within(1e-9));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Parameters, state dicts, initialisation

    @Test
    void parametersHavePyTorchsNamesAndShapes() {
        Conv2d conv = new Conv2d(3, 16, 3, new Rng(11));
        assertThat(conv.stateDict().keySet()).containsExactly("weight", "bias");
        assertThat(conv.parameter("weight").shape()).containsExactly(16, 3, 3, 3);
        assertThat(conv.parameter("bias").shape()).containsExactly(16);
        assertThat(conv.parameterCount()).isEqualTo(16 * 3 * 9 + 16);
        assertThat(conv.parameter("weight").dtype()).isEqualTo(DType.FLOAT32);
        assertThat(conv.parameters()).allMatch(Tensor::requiresGrad);

        ConvTranspose2d up = ConvTranspose2d.builder(8, 6, 2, 3).groups(2).bias(false).build();
        assertThat(up.stateDict().keySet()).containsExactly("weight");
        // The AffineLayer accessors are the registered parameters themselves, and null for an absent bias.
        assertThat(conv.weight()).isSameAs(conv.parameter("weight"));
        assertThat(conv.bias()).isSameAs(conv.parameter("bias"));
        assertThat(up.bias()).isNull();
        assertThat(up.parameter("weight").shape()).containsExactly(8, 3, 2, 3);
        assertThat(new Conv1d(4, 2, 5).parameter("weight").shape()).containsExactly(2, 4, 5);
        assertThat(ConvTranspose1d.builder(4, 6, 5).groups(2).build().parameter("weight").shape())
                .containsExactly(4, 3, 5);
    }

    @Test
    void stateDictRoundTripReproducesTheOutput() {
        Conv2d a = Conv2d.builder(2, 4, 3).stride(2).rng(new Rng(12)).build();
        Conv2d b = Conv2d.builder(2, 4, 3).stride(2).rng(new Rng(13)).build();
        Tensor x = Tensors.randn(new Rng(14), 1, 2, 6, 6);
        assertThat(b.forward(x).toFloatArray()).isNotEqualTo(a.forward(x).toFloatArray());
        b.loadStateDict(Map.copyOf(a.stateDict()), true);
        assertThat(b.forward(x).toFloatArray()).containsExactly(a.forward(x).toFloatArray());
    }

    /**
     * All values lie in [-bound, bound] and reach close to both ends: for n uniform samples, the chance that none
     * lies within 4/n·bound of an end is about e⁻⁴ per end.
     */
    private static void assertUniformWithin(double[] v, double bound) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        double reach = (1 - 8.0 / v.length) * bound;
        assertThat(hi).isLessThanOrEqualTo(bound).isGreaterThan(reach);
        assertThat(lo).isGreaterThanOrEqualTo(-bound).isLessThan(-reach);
    }

    @Test
    void initialisationFollowsPyTorchsKaimingUniformBounds() {
        // Conv2d: fan_in = in/groups · kh · kw = 16/2 · 3 · 3 = 72
        Conv2d conv = Conv2d.builder(16, 32, 3).groups(2).rng(new Rng(15)).build();
        assertUniformWithin(values(conv, "weight"), 1 / Math.sqrt(72));
        assertUniformWithin(values(conv, "bias"), 1 / Math.sqrt(72));
        // ConvTranspose2d: weight [in, out/groups, kh, kw], fan_in = weight.size(1) · kh · kw = 12/2 · 2 · 3 = 36,
        // not in/groups · kh · kw = 48
        ConvTranspose2d up = ConvTranspose2d.builder(16, 12, 2, 3).groups(2).rng(new Rng(16)).build();
        assertUniformWithin(values(up, "weight"), 1 / Math.sqrt(36));
        // Conv1d: fan_in = 8 · 5
        Conv1d c1 = Conv1d.builder(8, 64, 5).rng(new Rng(17)).build();
        assertUniformWithin(values(c1, "weight"), 1 / Math.sqrt(40));
        assertUniformWithin(values(c1, "bias"), 1 / Math.sqrt(40));
        ConvTranspose1d t1 = ConvTranspose1d.builder(64, 8, 5).rng(new Rng(18)).build();
        assertUniformWithin(values(t1, "weight"), 1 / Math.sqrt(40));
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndDefaultLayersDiffer() {
        assertThat(values(new Conv2d(2, 3, 3, new Rng(19)), "weight"))
                .containsExactly(values(new Conv2d(2, 3, 3, new Rng(19)), "weight"));
        assertThat(values(new Conv2d(2, 3, 3), "weight")).isNotEqualTo(values(new Conv2d(2, 3, 3), "weight"));
    }

    // ------------------------------------------------------------------------------------------------
    // Printing and errors

    @Test
    void extraReprMatchesPyTorch() {
        assertThat(Conv2d.builder(3, 16, 3).padding(1).build().toString())
                .isEqualTo("Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))  # 448 parameters");
        assertThat(Conv1d.builder(2, 4, 3).stride(2).dilation(3).groups(2).bias(false).build().toString())
                .startsWith("Conv1d(2, 4, kernel_size=(3,), stride=(2,), dilation=(3,), groups=2, bias=False)");
        assertThat(ConvTranspose2d.builder(4, 2, 4, 2).stride(2).outputPadding(1, 0).build().toString())
                .startsWith("ConvTranspose2d(4, 2, kernel_size=(4, 2), stride=(2, 2), output_padding=(1, 0))");
        assertThat(new ConvTranspose1d(3, 3, 2).toString())
                .startsWith("ConvTranspose1d(3, 3, kernel_size=(2,), stride=(1,))");
    }

    @Test
    void gettersReturnTheOptions() {
        ConvTranspose2d up = ConvTranspose2d.builder(4, 6, 3, 1).stride(2, 1).padding(1, 0).outputPadding(1, 0)
                .dilation(1, 2).groups(2).build();
        assertThat(up.inChannels()).isEqualTo(4);
        assertThat(up.outChannels()).isEqualTo(6);
        assertThat(up.kernelSize()).containsExactly(3, 1);
        assertThat(up.stride()).containsExactly(2, 1);
        assertThat(up.padding()).containsExactly(1, 0);
        assertThat(up.outputPadding()).containsExactly(1, 0);
        assertThat(up.dilation()).containsExactly(1, 2);
        assertThat(up.groups()).isEqualTo(2);
        up.kernelSize()[0] = 99;
        assertThat(up.kernelSize()).containsExactly(3, 1);
    }

    @Test
    void constructionRejectsInconsistentOptions() {
        assertThatThrownBy(() -> Conv2d.builder(3, 4, 3).groups(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Conv2d: in_channels 3 is not divisible by groups 2");
        assertThatThrownBy(() -> Conv1d.builder(4, 3, 3).groups(2).build())
                .hasMessage("Conv1d: out_channels 3 is not divisible by groups 2");
        assertThatThrownBy(() -> new Conv2d(0, 4, 3))
                .hasMessage("Conv2d: in_channels and out_channels must be positive, got 0 and 4");
        assertThatThrownBy(() -> Conv2d.builder(2, 4, 3).groups(0).build())
                .hasMessage("Conv2d: groups must be positive, got 0");
        assertThatThrownBy(() -> Conv2d.builder(2, 4, 3, 0).build())
                .hasMessage("Conv2d: kernel_size must be positive, got (3, 0)");
        assertThatThrownBy(() -> Conv2d.builder(2, 4, 3).stride(1, 0).build())
                .hasMessage("Conv2d: stride must be positive, got (1, 0)");
        assertThatThrownBy(() -> Conv1d.builder(2, 4, 3).padding(-1).build())
                .hasMessage("Conv1d: padding must be non-negative, got (-1,)");
        assertThatThrownBy(() -> Conv2d.builder(2, 4, 3).dilation(0).build())
                .hasMessage("Conv2d: dilation must be positive, got (0, 0)");
        assertThatThrownBy(() -> ConvTranspose2d.builder(2, 4, 3).stride(2).outputPadding(2).build())
                .hasMessage("ConvTranspose2d: output_padding (2, 2) must be smaller than either stride (2, 2) or"
                        + " dilation (1, 1) in every dim");
        assertThatThrownBy(() -> ConvTranspose1d.builder(2, 4, 3).outputPadding(-1).build())
                .hasMessage("ConvTranspose1d: output_padding must be non-negative, got (-1,)");
        assertThatThrownBy(() -> new Conv1d(2, 4, 3, null))
                .hasMessage("Conv1d: rng is null");
    }

    @Test
    void forwardNamesTheShapesOfAMismatchedInput() {
        Conv2d conv = new Conv2d(3, 4, 3, new Rng(20));
        assertThatThrownBy(() -> conv.forward(Tensors.zeros(2, 2, 8, 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conv2d: input [2, 2, 8, 8] has 2 channels but weight [4, 3, 3, 3] with groups=1 expects 3");
        ConvTranspose1d up = new ConvTranspose1d(3, 4, 3, new Rng(21));
        assertThatThrownBy(() -> up.forward(Tensors.zeros(2, 4, 8)))
                .hasMessage("convTranspose1d: input [2, 4, 8] has 4 channels but weight [3, 4, 3] expects 3"
                        + " (weight dim 0 is in_channels)");
    }

    // ------------------------------------------------------------------------------------------------
    // The shared builder

    /** Same printed form, same parameter names and values. */
    private static void assertSameModule(Module actual, Module expected) {
        assertThat(actual.toString()).isEqualTo(expected.toString());
        assertThat(actual.stateDict().keySet()).containsExactlyElementsOf(expected.stateDict().keySet());
        for (String name : expected.stateDict().keySet()) {
            assertThat(actual.parameter(name).shape()).containsExactly(expected.parameter(name).shape());
            assertThat(values(actual, name)).containsExactly(values(expected, name));
        }
    }

    @Test
    void buildersMatchThePyTorchStyleCalls() {
        // nn.Conv2d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False)
        Conv2d c2 = Conv2d.builder(4, 6, 3).stride(2).padding(1).dilation(2).groups(2).bias(false).rng(new Rng(30))
                .build();
        assertThat(c2.toString()).startsWith("Conv2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1),"
                + " dilation=(2, 2), groups=2, bias=False)");
        assertSameModule(c2, Conv2d.builder(4, 6, 3, 3).stride(2, 2).padding(1, 1).dilation(2, 2).groups(2)
                .bias(false).rng(new Rng(30)).build());
        // nn.Conv2d(2, 3, 3): the constructors are the builder with its defaults
        assertSameModule(new Conv2d(2, 3, 3, new Rng(31)), Conv2d.builder(2, 3, 3).rng(new Rng(31)).build());

        // nn.Conv1d(2, 4, 5, stride=3, padding=2, dilation=2)
        Conv1d c1 = Conv1d.builder(2, 4, 5).stride(3).padding(2).dilation(2).rng(new Rng(32)).build();
        assertThat(c1.toString()).startsWith("Conv1d(2, 4, kernel_size=(5,), stride=(3,), padding=(2,),"
                + " dilation=(2,))");
        assertThat(c1.stride()).containsExactly(3);
        assertSameModule(new Conv1d(2, 4, 5, new Rng(33)), Conv1d.builder(2, 4, 5).rng(new Rng(33)).build());

        // nn.ConvTranspose2d(4, 2, (3, 2), stride=(2, 1), padding=1, output_padding=(1, 0), dilation=2, groups=2)
        ConvTranspose2d t2 = ConvTranspose2d.builder(4, 2, 3, 2).stride(2, 1).padding(1).outputPadding(1, 0)
                .dilation(2).groups(2).rng(new Rng(34)).build();
        assertThat(t2.toString()).startsWith("ConvTranspose2d(4, 2, kernel_size=(3, 2), stride=(2, 1),"
                + " padding=(1, 1), dilation=(2, 2), output_padding=(1, 0), groups=2)");
        assertSameModule(t2, ConvTranspose2d.builder(4, 2, 3, 2).stride(2, 1).padding(1, 1).outputPadding(1, 0)
                .dilation(2, 2).groups(2).rng(new Rng(34)).build());
        assertSameModule(new ConvTranspose2d(4, 2, 3, new Rng(35)),
                ConvTranspose2d.builder(4, 2, 3).rng(new Rng(35)).build());

        // nn.ConvTranspose1d(3, 6, 4, stride=2, padding=1, output_padding=1, groups=3, bias=False)
        ConvTranspose1d t1 = ConvTranspose1d.builder(3, 6, 4).stride(2).padding(1).outputPadding(1).groups(3)
                .bias(false).rng(new Rng(36)).build();
        assertThat(t1.toString()).startsWith("ConvTranspose1d(3, 6, kernel_size=(4,), stride=(2,), padding=(1,),"
                + " output_padding=(1,), groups=3, bias=False)");
        assertThat(t1.outputPadding()).containsExactly(1);
        assertThat(t1.forward(Tensors.zeros(1, 3, 5)).shape()).containsExactly(1, 6, 11); // (5-1)·2 − 2 + 3 + 1 + 1
        assertSameModule(new ConvTranspose1d(3, 6, 4, new Rng(37)),
                ConvTranspose1d.builder(3, 6, 4).rng(new Rng(37)).build());
    }

    @Test
    void perDimSettersTakeOneValueOrOnePerDim() {
        assertThatThrownBy(() -> Conv2d.builder(2, 4, 3).stride(1, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Conv2d: stride takes 1 value or 2, got (1, 2, 3)");
        assertThatThrownBy(() -> Conv2d.builder(2, 4, 3).dilation())
                .hasMessage("Conv2d: dilation takes 1 value or 2, got ()");
        assertThatThrownBy(() -> Conv1d.builder(2, 4, 3).padding(1, 1))
                .hasMessage("Conv1d: padding takes 1 value, got (1, 1)");
        assertThatThrownBy(() -> ConvTranspose1d.builder(2, 4, 3).stride((int[]) null))
                .hasMessage("ConvTranspose1d: stride takes 1 value, got null");
        assertThatThrownBy(() -> ConvTranspose2d.builder(2, 4, 3).outputPadding(1, 0, 0))
                .hasMessage("ConvTranspose2d: output_padding takes 1 value or 2, got (1, 0, 0)");
        assertThatThrownBy(() -> Conv2d.builder(2, 4, 3, 3, 3))
                .hasMessage("Conv2d: kernel_size takes 1 value or 2, got (3, 3, 3)");
        assertThatThrownBy(() -> ConvTranspose2d.builder(2, 4))
                .hasMessage("ConvTranspose2d: kernel_size takes 1 value or 2, got ()");
        assertThatThrownBy(() -> ConvTranspose2d.builder(2, 4, 3).rng(null))
                .hasMessage("ConvTranspose2d: rng is null");

        // the builder keeps its own copy of an array it is given
        int[] stride = {2, 1};
        Conv2d.Builder b = Conv2d.builder(2, 4, 3).stride(stride);
        stride[0] = 0;
        assertThat(b.build().stride()).containsExactly(2, 1);
    }
}
