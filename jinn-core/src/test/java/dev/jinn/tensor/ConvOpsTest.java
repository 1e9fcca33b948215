package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.autograd.GradCheck;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConvOpsTest {
    private static final GradCheck CHECK = GradCheck.withTolerances(1e-6, 1e-5);
    private static final GradCheck CHECK2 = CHECK.secondOrder(true);

    /**
     * One 2-D geometry. For a convolution: input [n, cin, h, w], weight [cout, cin/groups, kh, kw]. For a
     * transposed convolution: input [n, cin, h, w], weight [cin, cout/groups, kh, kw], plus output padding.
     */
    record Case(String name, int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw, int ph, int pw,
            int dh, int dw, int groups, int oph, int opw) {
        int[] stride() {
            return new int[] {sh, sw};
        }

        int[] padding() {
            return new int[] {ph, pw};
        }

        int[] dilation() {
            return new int[] {dh, dw};
        }

        int[] outputPadding() {
            return new int[] {oph, opw};
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Case conv(String name, int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw,
            int ph, int pw, int dh, int dw, int groups) {
        return new Case(name, n, cin, h, w, cout, kh, kw, sh, sw, ph, pw, dh, dw, groups, 0, 0);
    }

    static Stream<Case> convCases() {
        return Stream.of(
                conv("plain 3x3", 1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1),
                conv("batch, stride (2,1), padding (1,0), 3x2 kernel", 2, 3, 7, 6, 4, 3, 2, 2, 1, 1, 0, 1, 1, 1),
                conv("dilation (2,3), padding (2,1)", 2, 2, 9, 8, 3, 3, 2, 1, 1, 2, 1, 2, 3, 1),
                conv("groups 2, stride 2, padding 1", 2, 4, 6, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1, 2),
                conv("depthwise", 1, 3, 5, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3),
                conv("depthwise, multiplier 2", 2, 2, 4, 5, 4, 2, 2, 1, 1, 0, 1, 1, 1, 2),
                conv("pointwise 1x1", 3, 3, 4, 5, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1),
                conv("pointwise 1x1, groups 3", 2, 6, 3, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1, 3),
                conv("1x1, stride 2, padding 1", 1, 2, 5, 4, 3, 1, 1, 2, 2, 1, 1, 1, 1, 1),
                conv("kernel wider than input, padded; stride leaves a remainder", 2, 1, 2, 3, 2, 3, 4, 3, 2, 1, 2,
                        1, 1, 1),
                conv("1x4 kernel, stride (1,3), dilation (1,2)", 1, 2, 3, 9, 2, 1, 4, 1, 3, 0, 2, 1, 2, 1),
                conv("kernel covers the whole input", 2, 2, 3, 4, 3, 3, 4, 1, 1, 0, 0, 1, 1, 1),
                conv("big padding", 1, 1, 2, 2, 2, 2, 2, 1, 1, 3, 2, 1, 1, 1),
                // Same-size stride-1 geometries, where im2col copies each tap's rows as one block
                conv("same size 3x3, groups 2", 3, 4, 5, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2),
                conv("same size 3x5, dilation (2,1)", 2, 2, 6, 5, 3, 3, 5, 1, 1, 2, 2, 2, 1, 1),
                conv("one-row image, 1x3 kernel", 2, 2, 1, 7, 2, 1, 3, 1, 1, 0, 1, 1, 1, 1),
                conv("stride (2,1): output rows as far apart as the input rows they read", 2, 2, 5, 3, 2, 2, 2, 2,
                        1, 1, 2, 1, 1, 1));
    }

    static Stream<Case> transposeCases() {
        return Stream.of(
                new Case("plain 3x3", 1, 1, 3, 3, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, 0, 0),
                new Case("batch, stride 2, padding 1, output padding 1", 2, 3, 4, 3, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1,
                        1),
                new Case("stride (3,2), 2x3 kernel, output padding (2,0)", 2, 2, 3, 4, 3, 2, 3, 3, 2, 0, 1, 1, 1, 1,
                        2, 0),
                new Case("dilation (2,1), padding (1,1)", 1, 2, 4, 4, 2, 3, 2, 1, 1, 1, 1, 2, 1, 1, 0, 0),
                new Case("output padding from dilation (stride 1, dilation 3)", 1, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0, 3,
                        3, 1, 2, 1),
                new Case("groups 2", 2, 4, 3, 3, 6, 3, 2, 2, 1, 1, 0, 1, 1, 2, 1, 0),
                new Case("depthwise", 1, 3, 4, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1, 3, 0, 1),
                new Case("pointwise 1x1", 2, 3, 3, 4, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0),
                new Case("1x1, stride 2", 1, 2, 3, 3, 2, 1, 1, 2, 2, 0, 0, 1, 1, 1, 1, 1));
    }

    // ------------------------------------------------------------------------------------------------
    // Direct reference implementations (loops over the definitions), in double

    static int convOut(int in, int k, int s, int p, int d) {
        return (in + 2 * p - d * (k - 1) - 1) / s + 1;
    }

    static int transposeOut(int in, int k, int s, int p, int d, int op) {
        return (in - 1) * s - 2 * p + d * (k - 1) + op + 1;
    }

    /** out[b][o][i][j] = bias[o] + Σ x[b][g·cg + c][i·sh − ph + a·dh][j·sw − pw + e·dw] · w[o][c][a][e]. */
    static double[] naiveConv(Case k, double[] x, double[] w, double[] bias) {
        int oh = convOut(k.h, k.kh, k.sh, k.ph, k.dh);
        int ow = convOut(k.w, k.kw, k.sw, k.pw, k.dw);
        int cg = k.cin / k.groups;
        int og = k.cout / k.groups;
        double[] out = new double[k.n * k.cout * oh * ow];
        for (int b = 0; b < k.n; b++) {
            for (int o = 0; o < k.cout; o++) {
                int grp = o / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = bias == null ? 0 : bias[o];
                        for (int c = 0; c < cg; c++) {
                            for (int a = 0; a < k.kh; a++) {
                                for (int e = 0; e < k.kw; e++) {
                                    int y = i * k.sh - k.ph + a * k.dh;
                                    int z = j * k.sw - k.pw + e * k.dw;
                                    if (y < 0 || y >= k.h || z < 0 || z >= k.w) {
                                        continue;
                                    }
                                    int ci = grp * cg + c;
                                    s += x[((b * k.cin + ci) * k.h + y) * k.w + z]
                                            * w[((o * cg + c) * k.kh + a) * k.kw + e];
                                }
                            }
                        }
                        out[((b * k.cout + o) * oh + i) * ow + j] = s;
                    }
                }
            }
        }
        return out;
    }

    /**
     * The transposed convolution by its scatter definition: every input pixel x[b][c][i][j] adds
     * x·w[c][o][a][e] to out[b][g·og + o][i·sh − ph + a·dh][j·sw − pw + e·dw], where that lies inside.
     */
    static double[] naiveTranspose(Case k, double[] x, double[] w, double[] bias) {
        int oh = transposeOut(k.h, k.kh, k.sh, k.ph, k.dh, k.oph);
        int ow = transposeOut(k.w, k.kw, k.sw, k.pw, k.dw, k.opw);
        int cg = k.cin / k.groups;
        int og = k.cout / k.groups;
        double[] out = new double[k.n * k.cout * oh * ow];
        for (int b = 0; b < k.n; b++) {
            for (int o = 0; o < k.cout; o++) {
                for (int p = 0; p < oh * ow; p++) {
                    out[(b * k.cout + o) * oh * ow + p] = bias == null ? 0 : bias[o];
                }
            }
            for (int c = 0; c < k.cin; c++) {
                int grp = c / cg;
                for (int i = 0; i < k.h; i++) {
                    for (int j = 0; j < k.w; j++) {
                        double v = x[((b * k.cin + c) * k.h + i) * k.w + j];
                        for (int o = 0; o < og; o++) {
                            for (int a = 0; a < k.kh; a++) {
                                for (int e = 0; e < k.kw; e++) {
                                    int y = i * k.sh - k.ph + a * k.dh;
                                    int z = j * k.sw - k.pw + e * k.dw;
                                    if (y < 0 || y >= oh || z < 0 || z >= ow) {
                                        continue;
                                    }
                                    int oc = grp * og + o;
                                    out[((b * k.cout + oc) * oh + y) * ow + z] +=
                                            v * w[((c * og + o) * k.kh + a) * k.kw + e];
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    static Tensor randn(long seed, DType dtype, int... shape) {
        return Tensors.randn(new Rng(seed), dtype, shape);
    }

    static int[] convWeightShape(Case k) {
        return new int[] {k.cout, k.cin / k.groups, k.kh, k.kw};
    }

    static int[] transposeWeightShape(Case k) {
        return new int[] {k.cin, k.cout / k.groups, k.kh, k.kw};
    }

    static Tensor conv2d(Case k, Tensor x, Tensor w, Tensor b) {
        return Convolutions.conv2d(x, w, b, k.stride(), k.padding(), k.dilation(), k.groups);
    }

    static Tensor convTranspose2d(Case k, Tensor x, Tensor w, Tensor b) {
        return Convolutions.convTranspose2d(x, w, b, k.stride(), k.padding(), k.outputPadding(), k.groups, k.dilation());
    }

    static void assertClose(Tensor actual, double[] expected, double tol) {
        double[] a = actual.toDoubleArray();
        assertThat(a).hasSameSizeAs(expected);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(expected[i], within(tol * (1 + Math.abs(expected[i]))));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Values

    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void conv2dMatchesTheDirectSumInFloat64(Case k) {
        Tensor x = randn(1, DType.FLOAT64, k.n, k.cin, k.h, k.w);
        Tensor w = randn(2, DType.FLOAT64, convWeightShape(k));
        Tensor b = randn(3, DType.FLOAT64, k.cout);
        Tensor y = conv2d(k, x, w, b);
        assertThat(y.shape()).containsExactly(k.n, k.cout, convOut(k.h, k.kh, k.sh, k.ph, k.dh),
                convOut(k.w, k.kw, k.sw, k.pw, k.dw));
        assertClose(y, naiveConv(k, x.toDoubleArray(), w.toDoubleArray(), b.toDoubleArray()), 1e-12);
        assertClose(conv2d(k, x, w, null), naiveConv(k, x.toDoubleArray(), w.toDoubleArray(), null), 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void conv2dMatchesTheDirectSumInFloat32(Case k) {
        Tensor x = randn(4, DType.FLOAT32, k.n, k.cin, k.h, k.w);
        Tensor w = randn(5, DType.FLOAT32, convWeightShape(k));
        Tensor b = randn(6, DType.FLOAT32, k.cout);
        Tensor y = conv2d(k, x, w, b);
        assertThat(y.dtype()).isEqualTo(DType.FLOAT32);
        assertClose(y, naiveConv(k, x.toDoubleArray(), w.toDoubleArray(), b.toDoubleArray()), 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transposeCases")
    void convTranspose2dMatchesTheScatterDefinitionInFloat64(Case k) {
        Tensor x = randn(7, DType.FLOAT64, k.n, k.cin, k.h, k.w);
        Tensor w = randn(8, DType.FLOAT64, transposeWeightShape(k));
        Tensor b = randn(9, DType.FLOAT64, k.cout);
        Tensor y = convTranspose2d(k, x, w, b);
        assertThat(y.shape()).containsExactly(k.n, k.cout, transposeOut(k.h, k.kh, k.sh, k.ph, k.dh, k.oph),
                transposeOut(k.w, k.kw, k.sw, k.pw, k.dw, k.opw));
        assertClose(y, naiveTranspose(k, x.toDoubleArray(), w.toDoubleArray(), b.toDoubleArray()), 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transposeCases")
    void convTranspose2dMatchesTheScatterDefinitionInFloat32(Case k) {
        Tensor x = randn(10, DType.FLOAT32, k.n, k.cin, k.h, k.w);
        Tensor w = randn(11, DType.FLOAT32, transposeWeightShape(k));
        Tensor y = convTranspose2d(k, x, w, null);
        assertClose(y, naiveTranspose(k, x.toDoubleArray(), w.toDoubleArray(), null), 1e-5);
    }

    @Test
    void nonContiguousInputsAndWeightsGiveTheSameValues() {
        Case k = conv("strided", 2, 3, 5, 6, 4, 3, 2, 2, 1, 1, 1, 1, 2, 1);
        // x as a permuted view of [n, h, cin, w] and as every other column of a wider tensor
        Tensor xp = randn(12, DType.FLOAT64, k.n, k.h, k.cin, k.w).permute(0, 2, 1, 3);
        Tensor xs = randn(13, DType.FLOAT64, k.n, k.cin, k.h, 2 * k.w).slice(3, 0, 2 * k.w, 2);
        Tensor wp = randn(14, DType.FLOAT64, k.cin, k.cout, k.kh, k.kw).transpose(0, 1);
        assertThat(xp.isContiguous()).isFalse();
        assertThat(xs.isContiguous()).isFalse();
        assertThat(wp.isContiguous()).isFalse();
        for (Tensor x : List.of(xp, xs)) {
            assertClose(conv2d(k, x, wp, null), naiveConv(k, x.toDoubleArray(), wp.toDoubleArray(), null), 1e-12);
        }
        // the pointwise fast path with a permuted input, and a transposed conv of a view
        Case p = conv("pointwise", 2, 3, 4, 5, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1);
        Tensor x1 = randn(15, DType.FLOAT64, p.n, p.h, p.w, p.cin).permute(0, 3, 1, 2);
        Tensor w1 = randn(16, DType.FLOAT64, convWeightShape(p));
        assertClose(conv2d(p, x1, w1, null), naiveConv(p, x1.toDoubleArray(), w1.toDoubleArray(), null), 1e-12);
        Case t = new Case("t", 2, 3, 3, 4, 2, 2, 2, 2, 1, 0, 1, 1, 1, 1, 1, 0);
        Tensor xt = randn(17, DType.FLOAT64, t.n, t.h, t.cin, t.w).permute(0, 2, 1, 3);
        Tensor wt = randn(18, DType.FLOAT64, t.cout, t.cin, t.kh, t.kw).transpose(0, 1);
        assertClose(convTranspose2d(t, xt, wt, null), naiveTranspose(t, xt.toDoubleArray(), wt.toDoubleArray(), null),
                1e-12);
    }

    @Test
    void shortOverloadsUseDefaults() {
        Tensor x = randn(19, DType.FLOAT64, 2, 2, 5, 5);
        Tensor w = randn(20, DType.FLOAT64, 3, 2, 3, 3);
        Tensor b = randn(21, DType.FLOAT64, 3);
        Case plain = conv("plain", 2, 2, 5, 5, 3, 3, 3, 1, 1, 0, 0, 1, 1, 1);
        assertClose(Convolutions.conv2d(x, w, b), naiveConv(plain, x.toDoubleArray(), w.toDoubleArray(),
                b.toDoubleArray()), 1e-12);
        Case strided = conv("strided", 2, 2, 5, 5, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1);
        assertClose(Convolutions.conv2d(x, w, b, 2, 1), naiveConv(strided, x.toDoubleArray(), w.toDoubleArray(),
                b.toDoubleArray()), 1e-12);
        Tensor wt = randn(22, DType.FLOAT64, 2, 3, 3, 3);
        Case tp = new Case("t", 2, 2, 5, 5, 3, 3, 3, 1, 1, 0, 0, 1, 1, 1, 0, 0);
        assertClose(Convolutions.convTranspose2d(x, wt, b), naiveTranspose(tp, x.toDoubleArray(), wt.toDoubleArray(),
                b.toDoubleArray()), 1e-12);
        Case ts = new Case("ts", 2, 2, 5, 5, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1);
        assertClose(Convolutions.convTranspose2d(x, wt, b, 2, 1, 1), naiveTranspose(ts, x.toDoubleArray(),
                wt.toDoubleArray(), b.toDoubleArray()), 1e-12);
    }

    @Test
    void unbatchedInputsDropTheBatchDim() {
        Tensor x = randn(23, DType.FLOAT64, 2, 4, 5);
        Tensor w = randn(24, DType.FLOAT64, 3, 2, 2, 2);
        Tensor y = Convolutions.conv2d(x, w, null);
        assertThat(y.shape()).containsExactly(3, 3, 4);
        assertThat(y.toDoubleArray()).containsExactly(Convolutions.conv2d(x.unsqueeze(0), w, null).toDoubleArray());
        Tensor wt = randn(25, DType.FLOAT64, 2, 3, 2, 2);
        assertThat(Convolutions.convTranspose2d(x, wt, null).shape()).containsExactly(3, 5, 6);
        Tensor x1 = randn(26, DType.FLOAT64, 2, 7);
        assertThat(Convolutions.conv1d(x1, randn(27, DType.FLOAT64, 4, 2, 3), null).shape()).containsExactly(4, 5);
        assertThat(Convolutions.convTranspose1d(x1, randn(28, DType.FLOAT64, 2, 4, 3), null).shape()).containsExactly(4, 9);
    }

    @Test
    void anEmptyBatchGivesAnEmptyOutputAndZeroWeightGradient() {
        Tensor x = Tensors.zeros(DType.FLOAT64, 0, 2, 5, 5).requiresGrad(true);
        Tensor w = randn(70, DType.FLOAT64, 3, 2, 3, 3).requiresGrad(true);
        Tensor y = Convolutions.conv2d(x, w, null, 2, 1);
        assertThat(y.shape()).containsExactly(0, 3, 3, 3);
        y.sum().backward();
        assertThat(w.grad().shape()).containsExactly(3, 2, 3, 3);
        assertThat(w.grad().toDoubleArray()).containsOnly(0.0);
        assertThat(Convolutions.convTranspose2d(y.detach(), w.detach(), null, 2, 1, 0).shape()).containsExactly(0, 2, 5, 5);
    }

    @Test
    void conv1dMatchesTheDirectSum() {
        // [n=2, cin=4, L=9], weight [6, 2, 3], stride 2, padding 2, dilation 2, groups 2
        Tensor x = randn(29, DType.FLOAT64, 2, 4, 9);
        Tensor w = randn(30, DType.FLOAT64, 6, 2, 3);
        Tensor b = randn(31, DType.FLOAT64, 6);
        Tensor y = Convolutions.conv1d(x, w, b, 2, 2, 2, 2);
        int lout = (9 + 4 - 2 * 2 - 1) / 2 + 1;
        assertThat(y.shape()).containsExactly(2, 6, lout);
        double[] xv = x.toDoubleArray();
        double[] wv = w.toDoubleArray();
        double[] bv = b.toDoubleArray();
        double[] expected = new double[2 * 6 * lout];
        for (int n = 0; n < 2; n++) {
            for (int o = 0; o < 6; o++) {
                for (int l = 0; l < lout; l++) {
                    double s = bv[o];
                    for (int c = 0; c < 2; c++) {
                        for (int t = 0; t < 3; t++) {
                            int pos = l * 2 - 2 + t * 2;
                            if (pos >= 0 && pos < 9) {
                                s += xv[(n * 4 + (o / 3) * 2 + c) * 9 + pos] * wv[(o * 2 + c) * 3 + t];
                            }
                        }
                    }
                    expected[(n * 6 + o) * lout + l] = s;
                }
            }
        }
        assertClose(y, expected, 1e-12);
        assertClose(Convolutions.conv1d(x.narrow(1, 0, 2), w.narrow(0, 0, 3), null),
                naive1dPlain(x.narrow(1, 0, 2).toDoubleArray(), w.narrow(0, 0, 3).toDoubleArray()), 1e-12);
    }

    /** Stride 1, no padding: x [2, 2, 9], w [3, 2, 3]. */
    private static double[] naive1dPlain(double[] x, double[] w) {
        double[] out = new double[2 * 3 * 7];
        for (int n = 0; n < 2; n++) {
            for (int o = 0; o < 3; o++) {
                for (int l = 0; l < 7; l++) {
                    double s = 0;
                    for (int c = 0; c < 2; c++) {
                        for (int t = 0; t < 3; t++) {
                            s += x[(n * 2 + c) * 9 + l + t] * w[(o * 2 + c) * 3 + t];
                        }
                    }
                    out[(n * 3 + o) * 7 + l] = s;
                }
            }
        }
        return out;
    }

    @Test
    void convTranspose1dMatchesTheScatterDefinition() {
        // [n=2, cin=2, L=4], weight [2, 3, 3], stride 3, padding 1, output padding 2, dilation 1
        Tensor x = randn(32, DType.FLOAT64, 2, 2, 4);
        Tensor w = randn(33, DType.FLOAT64, 2, 3, 3);
        Tensor b = randn(34, DType.FLOAT64, 3);
        Tensor y = Convolutions.convTranspose1d(x, w, b, 3, 1, 2, 1, 1);
        int lout = (4 - 1) * 3 - 2 + 2 + 2 + 1;
        assertThat(y.shape()).containsExactly(2, 3, lout);
        double[] xv = x.toDoubleArray();
        double[] wv = w.toDoubleArray();
        double[] expected = new double[2 * 3 * lout];
        for (int n = 0; n < 2; n++) {
            for (int o = 0; o < 3; o++) {
                for (int l = 0; l < lout; l++) {
                    expected[(n * 3 + o) * lout + l] = b.toDoubleArray()[o];
                }
            }
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 4; i++) {
                    for (int o = 0; o < 3; o++) {
                        for (int t = 0; t < 3; t++) {
                            int pos = i * 3 - 1 + t;
                            if (pos >= 0 && pos < lout) {
                                expected[(n * 3 + o) * lout + pos] += xv[(n * 2 + c) * 4 + i] * wv[(c * 3 + o) * 3 + t];
                            }
                        }
                    }
                }
            }
        }
        assertClose(y, expected, 1e-12);
    }

    // ------------------------------------------------------------------------------------------------
    // Adjointness

    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void convTranspose2dIsTheAdjointOfConv2d(Case k) {
        Tensor x = randn(35, DType.FLOAT64, k.n, k.cin, k.h, k.w);
        Tensor w = randn(36, DType.FLOAT64, convWeightShape(k));
        Tensor cx = conv2d(k, x, w, null);
        Tensor y = randn(37, DType.FLOAT64, cx.shape());
        // conv's weight [cout, cin/g, ...] is the transposed conv's [in_channels, out_channels/g, ...]; the output
        // padding restores the input size that the floor in the conv's size formula lost.
        int oph = (k.h + 2 * k.ph - k.dh * (k.kh - 1) - 1) % k.sh;
        int opw = (k.w + 2 * k.pw - k.dw * (k.kw - 1) - 1) % k.sw;
        Tensor ty = Convolutions.convTranspose2d(y, w, null, k.stride(), k.padding(), new int[] {oph, opw}, k.groups,
                k.dilation());
        assertThat(ty.shape()).containsExactly(x.shape());
        double lhs = cx.mul(y).sum().item();
        double rhs = x.mul(ty).sum().item();
        assertThat(lhs).isCloseTo(rhs, within(1e-10 * (1 + Math.abs(lhs))));
    }

    // ------------------------------------------------------------------------------------------------
    // Gradients

    static Stream<Case> gradCases() {
        return Stream.of(
                conv("stride (2,1), padding (1,0)", 2, 2, 5, 4, 2, 3, 2, 2, 1, 1, 0, 1, 1, 1),
                conv("dilation 2, groups 2", 1, 4, 5, 5, 2, 2, 2, 1, 2, 1, 0, 2, 2, 2),
                conv("pointwise", 2, 3, 2, 3, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gradCases")
    void conv2dGradientsMatchFiniteDifferences(Case k) {
        Tensor x = randn(40, DType.FLOAT64, k.n, k.cin, k.h, k.w).requiresGrad(true);
        Tensor w = randn(41, DType.FLOAT64, convWeightShape(k)).requiresGrad(true);
        Tensor b = randn(42, DType.FLOAT64, k.cout).requiresGrad(true);
        CHECK.verify(in -> conv2d(k, in[0], in[1], in[2]), x, w, b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transposeCases")
    void convTranspose2dGradientsMatchFiniteDifferences(Case k) {
        Tensor x = randn(43, DType.FLOAT64, k.n, k.cin, k.h, k.w).requiresGrad(true);
        Tensor w = randn(44, DType.FLOAT64, transposeWeightShape(k)).requiresGrad(true);
        Tensor b = randn(45, DType.FLOAT64, k.cout).requiresGrad(true);
        CHECK.verify(in -> convTranspose2d(k, in[0], in[1], in[2]), x, w, b);
    }

    @Test
    void gradientsFlowThroughNonContiguousViews() {
        Tensor x = randn(46, DType.FLOAT64, 2, 4, 2, 5).requiresGrad(true);
        Tensor w = randn(47, DType.FLOAT64, 2, 3, 2, 2).requiresGrad(true);
        CHECK.verify(in -> Convolutions.conv2d(in[0].permute(0, 2, 1, 3), in[1].transpose(0, 1), null,
                new int[] {1, 2}, new int[] {1, 0}, new int[] {1, 1}, 1), x, w);
    }

    @Test
    void conv1dAndConvTranspose1dGradientsMatchFiniteDifferences() {
        Tensor x = randn(48, DType.FLOAT64, 2, 2, 6).requiresGrad(true);
        Tensor w = randn(49, DType.FLOAT64, 4, 1, 3).requiresGrad(true);
        Tensor b = randn(50, DType.FLOAT64, 4).requiresGrad(true);
        CHECK.verify(in -> Convolutions.conv1d(in[0], in[1], in[2], 2, 1, 1, 2), x, w, b);
        Tensor wt = randn(51, DType.FLOAT64, 2, 3, 2).requiresGrad(true);
        Tensor bt = randn(52, DType.FLOAT64, 3).requiresGrad(true);
        CHECK.verify(in -> Convolutions.convTranspose1d(in[0], in[1], in[2], 2, 1, 1, 1, 2), x, wt, bt);
    }

    @Test
    void conv2dSecondDerivativesMatchFiniteDifferences() {
        Tensor x = randn(53, DType.FLOAT64, 2, 2, 3, 4).requiresGrad(true);
        Tensor w = randn(54, DType.FLOAT64, 2, 1, 2, 2).requiresGrad(true);
        Tensor b = randn(55, DType.FLOAT64, 2).requiresGrad(true);
        // a nonlinear head makes the second derivatives in x and w nonzero
        CHECK2.verify(in -> Convolutions.conv2d(in[0], in[1], in[2], new int[] {2, 1}, new int[] {1, 1},
                new int[] {1, 2}, 2).square(), x, w, b);
    }

    @Test
    void convTranspose2dSecondDerivativesMatchFiniteDifferences() {
        Tensor x = randn(56, DType.FLOAT64, 1, 2, 2, 3).requiresGrad(true);
        Tensor w = randn(57, DType.FLOAT64, 2, 2, 2, 2).requiresGrad(true);
        Tensor b = randn(58, DType.FLOAT64, 2).requiresGrad(true);
        CHECK2.verify(in -> Convolutions.convTranspose2d(in[0], in[1], in[2], new int[] {2, 1}, new int[] {1, 0},
                new int[] {1, 0}, 1, new int[] {1, 1}).square(), x, w, b);
    }

    @Test
    void pointwiseAndOneDimSecondDerivativesMatchFiniteDifferences() {
        Tensor x = randn(59, DType.FLOAT64, 2, 2, 2, 2).requiresGrad(true);
        Tensor w = randn(60, DType.FLOAT64, 3, 2, 1, 1).requiresGrad(true);
        CHECK2.verify(in -> Convolutions.conv2d(in[0], in[1], null).square(), x, w);
        Tensor x1 = randn(61, DType.FLOAT64, 1, 2, 4).requiresGrad(true);
        Tensor w1 = randn(62, DType.FLOAT64, 2, 2, 2).requiresGrad(true);
        CHECK2.verify(in -> Convolutions.conv1d(in[0], in[1], null, 1, 1, 2, 1).tanh(), x1, w1);
        CHECK2.verify(in -> Convolutions.convTranspose1d(in[0], in[1], null, 2, 0, 1, 1, 1).tanh(), x1, w1);
    }

    @Test
    void backwardRecordsTheConvolutionNodes() {
        Tensor x = randn(63, DType.FLOAT64, 1, 1, 3, 3).requiresGrad(true);
        Tensor w = randn(64, DType.FLOAT64, 1, 1, 2, 2).requiresGrad(true);
        assertThat(Convolutions.conv2d(x, w, null).gradFnName()).isEqualTo("ConvolutionBackward");
        assertThat(Convolutions.convTranspose2d(x, w, null).gradFnName()).isEqualTo("ConvolutionTransposeBackward");
        try (Grad.Scope s = Grad.disabled()) {
            assertThat(Convolutions.conv2d(x, w, null).requiresGrad()).isFalse();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Pixel shuffles

    @Test
    void pixelShuffle2dFollowsPyTorchsIndexFormula() {
        int n = 2;
        int c = 3;
        int r = 2;
        int h = 3;
        int w = 4;
        Tensor x = randn(65, DType.FLOAT64, n, c * r * r, h, w);
        Tensor y = PixelShuffles.pixelShuffle2d(x, r);
        assertThat(y.shape()).containsExactly(n, c, h * r, w * r);
        double[] xv = x.toDoubleArray();
        double[] yv = y.toDoubleArray();
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h * r; i++) {
                    for (int j = 0; j < w * r; j++) {
                        // out[b][ch][i][j] = in[b][ch·r² + (i mod r)·r + (j mod r)][i / r][j / r]
                        int src = ((b * c * r * r + ch * r * r + (i % r) * r + j % r) * h + i / r) * w + j / r;
                        assertThat(yv[((b * c + ch) * h * r + i) * w * r + j]).isEqualTo(xv[src]);
                    }
                }
            }
        }
        assertThat(PixelShuffles.pixelUnshuffle2d(y, r).toDoubleArray()).containsExactly(xv);
    }

    @Test
    void pixelShuffle1dInterleavesChannels() {
        Tensor x = randn(66, DType.FLOAT64, 2, 6, 5);
        Tensor y = PixelShuffles.pixelShuffle1d(x, 3);
        assertThat(y.shape()).containsExactly(2, 2, 15);
        double[] xv = x.toDoubleArray();
        double[] yv = y.toDoubleArray();
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < 2; ch++) {
                for (int l = 0; l < 15; l++) {
                    assertThat(yv[(b * 2 + ch) * 15 + l]).isEqualTo(xv[(b * 6 + ch * 3 + l % 3) * 5 + l / 3]);
                }
            }
        }
        assertThat(PixelShuffles.pixelUnshuffle1d(y, 3).toDoubleArray()).containsExactly(xv);
    }

    @Test
    void unshuffleThenShuffleIsTheIdentityWithLeadingDims() {
        Tensor x = randn(67, DType.FLOAT32, 2, 3, 2, 4, 6);
        Tensor u = PixelShuffles.pixelUnshuffle2d(x, 2);
        assertThat(u.shape()).containsExactly(2, 3, 8, 2, 3);
        assertThat(PixelShuffles.pixelShuffle2d(u, 2).toFloatArray()).containsExactly(x.toFloatArray());
        Tensor x1 = randn(68, DType.FLOAT32, 4, 8);
        assertThat(PixelShuffles.pixelUnshuffle1d(x1, 4).shape()).containsExactly(16, 2);
        assertThat(PixelShuffles.pixelShuffle1d(PixelShuffles.pixelUnshuffle1d(x1, 4), 4).toFloatArray())
                .containsExactly(x1.toFloatArray());
        assertThat(PixelShuffles.pixelShuffle2d(x, 1).toFloatArray()).containsExactly(x.toFloatArray());
    }

    @Test
    void pixelShufflesAreDifferentiable() {
        Tensor x = randn(69, DType.FLOAT64, 1, 4, 2, 3).requiresGrad(true);
        CHECK.verify(in -> PixelShuffles.pixelShuffle2d(in[0], 2).tanh(), x);
        CHECK.verify(in -> PixelShuffles.pixelUnshuffle2d(in[0].reshape(1, 1, 4, 6), 2).tanh(), x);
        CHECK.verify(in -> PixelShuffles.pixelShuffle1d(in[0].reshape(1, 4, 6), 2).tanh(), x);
        CHECK.verify(in -> PixelShuffles.pixelUnshuffle1d(in[0].reshape(1, 4, 6), 3).tanh(), x);
    }

    // ------------------------------------------------------------------------------------------------
    // Errors

    @Test
    void conv2dRejectsInconsistentShapes() {
        Tensor x = Tensors.zeros(2, 3, 8, 8);
        assertThatThrownBy(() -> Convolutions.conv2d(x, Tensors.zeros(4, 2, 3, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conv2d: input [2, 3, 8, 8] has 3 channels but weight [4, 2, 3, 3] with groups=1 expects 2");
        assertThatThrownBy(() -> Convolutions.conv2d(x, Tensors.zeros(4, 1, 3, 3), null, new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 2))
                .hasMessage("conv2d: input [2, 3, 8, 8] has 3 channels but weight [4, 1, 3, 3] with groups=2 expects 2");
        assertThatThrownBy(() -> Convolutions.conv2d(Tensors.zeros(2, 6, 8, 8), Tensors.zeros(4, 2, 3, 3), null,
                new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 3))
                .hasMessage("conv2d: weight [4, 2, 3, 3] has 4 output channels, not divisible by groups=3");
        assertThatThrownBy(() -> Convolutions.conv2d(Tensors.zeros(8, 8), Tensors.zeros(4, 3, 3, 3), null))
                .hasMessage("conv2d: expected input with 3 (unbatched) or 4 (batched) dims, got shape [8, 8]");
        assertThatThrownBy(() -> Convolutions.conv2d(x, Tensors.zeros(4, 3, 3), null))
                .hasMessage("conv2d: expected weight with 4 dims [out_channels, in_channels/groups, kernel_h, kernel_w],"
                        + " got shape [4, 3, 3]");
        assertThatThrownBy(() -> Convolutions.conv2d(x, Tensors.zeros(4, 3, 3, 3), Tensors.zeros(3)))
                .hasMessage("conv2d: bias must have shape [4] (one value per output channel), got [3]");
        assertThatThrownBy(() -> Convolutions.conv2d(x, Tensors.zeros(4, 3, 0, 3), null))
                .hasMessage("conv2d: weight [4, 3, 0, 3] has an empty kernel");
    }

    @Test
    void conv2dRejectsAKernelLargerThanThePaddedInput() {
        assertThatThrownBy(() -> Convolutions.conv2d(Tensors.zeros(1, 1, 4, 6), Tensors.zeros(1, 1, 3, 3), null,
                new int[] {1, 1}, new int[] {0, 0}, new int[] {2, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conv2d: kernel (3, 3) with dilation (2, 1) spans (5, 3), more than the padded input (4, 6)"
                        + " (input [1, 1, 4, 6], weight [1, 1, 3, 3], padding (0, 0))");
        assertThatThrownBy(() -> Convolutions.conv1d(Tensors.zeros(1, 1, 2), Tensors.zeros(1, 1, 5), null, 1, 1, 1, 1))
                .hasMessage("conv1d: kernel (5) with dilation (1) spans (5), more than the padded input (4)"
                        + " (input [1, 1, 2], weight [1, 1, 5], padding (1))");
    }

    @Test
    void convRejectsBadOptionsAndTypes() {
        Tensor x = Tensors.zeros(1, 2, 5, 5);
        Tensor w = Tensors.zeros(2, 2, 3, 3);
        assertThatThrownBy(() -> Convolutions.conv2d(x, w, null, new int[] {0, 1}, new int[] {0, 0}, new int[] {1, 1}, 1))
                .hasMessage("conv2d: stride must hold 2 values >= 1, got [0, 1]");
        assertThatThrownBy(() -> Convolutions.conv2d(x, w, null, new int[] {1}, new int[] {0, 0}, new int[] {1, 1}, 1))
                .hasMessage("conv2d: stride must hold 2 values >= 1, got [1]");
        assertThatThrownBy(() -> Convolutions.conv2d(x, w, null, new int[] {1, 1}, new int[] {-1, 0}, new int[] {1, 1}, 1))
                .hasMessage("conv2d: padding must hold 2 values >= 0, got [-1, 0]");
        assertThatThrownBy(() -> Convolutions.conv2d(x, w, null, new int[] {1, 1}, new int[] {0, 0}, null, 1))
                .hasMessage("conv2d: dilation must hold 2 values >= 1, got null");
        assertThatThrownBy(() -> Convolutions.conv2d(x, w, null, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 0))
                .hasMessage("conv2d: groups must be positive, got 0");
        assertThatThrownBy(() -> Convolutions.conv1d(Tensors.zeros(1, 2, 5), Tensors.zeros(2, 2, 3), null, 1, 0, 0, 1))
                .hasMessage("conv1d: dilation must hold 1 value >= 1, got [0]");
        assertThatThrownBy(() -> Convolutions.conv2d(x, w.to(DType.FLOAT64), null))
                .hasMessage("conv2d: input, weight and bias must have one dtype, got input float32, weight float64");
        assertThatThrownBy(() -> Convolutions.conv2d(x, w, Tensors.zeros(DType.FLOAT64, 2)))
                .hasMessage("conv2d: input, weight and bias must have one dtype, got input float32, weight float32,"
                        + " bias float64");
        assertThatThrownBy(() -> Convolutions.conv2d(x.to(DType.INT64), w, null))
                .hasMessage("conv2d: expected a floating-point input, got int64");
    }

    @Test
    void convTransposeRejectsInconsistentShapesAndSizes() {
        Tensor x = Tensors.zeros(2, 3, 4, 4);
        assertThatThrownBy(() -> Convolutions.convTranspose2d(x, Tensors.zeros(4, 2, 3, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("convTranspose2d: input [2, 3, 4, 4] has 3 channels but weight [4, 2, 3, 3] expects 4"
                        + " (weight dim 0 is in_channels)");
        assertThatThrownBy(() -> Convolutions.convTranspose2d(x, Tensors.zeros(3, 2, 3, 3), null, new int[] {1, 1},
                new int[] {0, 0}, new int[] {0, 0}, 2, new int[] {1, 1}))
                .hasMessage("convTranspose2d: weight [3, 2, 3, 3] has 3 input channels, not divisible by groups=2");
        assertThatThrownBy(() -> Convolutions.convTranspose2d(x, Tensors.zeros(3, 2, 3, 3), null, 2, 0, 2))
                .hasMessage("convTranspose2d: output padding (2, 2) must be smaller than either stride (2, 2) or"
                        + " dilation (1, 1) in every dim");
        assertThatThrownBy(() -> Convolutions.convTranspose2d(x, Tensors.zeros(3, 2, 3, 3), null, 1, 3, 0))
                .hasMessage("convTranspose2d: output size (0, 0) is not positive (input [2, 3, 4, 4], weight"
                        + " [3, 2, 3, 3], stride (1, 1), padding (3, 3), output padding (0, 0), dilation (1, 1))");
        assertThatThrownBy(() -> Convolutions.convTranspose2d(x, Tensors.zeros(3, 2, 3, 3), Tensors.zeros(3)))
                .hasMessage("convTranspose2d: bias must have shape [2] (one value per output channel), got [3]");
        assertThatThrownBy(() -> Convolutions.convTranspose1d(Tensors.zeros(2, 3, 4), Tensors.zeros(3, 2, 3, 3), null))
                .hasMessage("convTranspose1d: expected weight with 3 dims [in_channels, out_channels/groups,"
                        + " kernel_size], got shape [3, 2, 3, 3]");
        assertThatThrownBy(() -> Convolutions.convTranspose1d(Tensors.zeros(2, 3, 4), Tensors.zeros(3, 2, 3), null, 1, 0,
                -1, 1, 1))
                .hasMessage("convTranspose1d: output padding must hold 1 value >= 0, got [-1]");
    }

    @Test
    void pixelShufflesRejectBadFactorsAndShapes() {
        assertThatThrownBy(() -> PixelShuffles.pixelShuffle2d(Tensors.zeros(1, 6, 2, 2), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pixelShuffle2d: input [1, 6, 2, 2] has 6 channels, not divisible by factor² = 4");
        assertThatThrownBy(() -> PixelShuffles.pixelShuffle2d(Tensors.zeros(4, 2, 2), 0))
                .hasMessage("pixelShuffle2d: factor must be positive, got 0");
        assertThatThrownBy(() -> PixelShuffles.pixelShuffle2d(Tensors.zeros(4, 2), 2))
                .hasMessage("pixelShuffle2d: expected at least 3 dims (..., C, H, W), got shape [4, 2]");
        assertThatThrownBy(() -> PixelShuffles.pixelUnshuffle2d(Tensors.zeros(1, 1, 4, 5), 2))
                .hasMessage("pixelUnshuffle2d: height 4 and width 5 of input [1, 1, 4, 5] must both be divisible by"
                        + " factor 2");
        assertThatThrownBy(() -> PixelShuffles.pixelShuffle1d(Tensors.zeros(1, 5, 3), 2))
                .hasMessage("pixelShuffle1d: input [1, 5, 3] has 5 channels, not divisible by factor 2");
        assertThatThrownBy(() -> PixelShuffles.pixelUnshuffle1d(Tensors.zeros(1, 2, 5), 2))
                .hasMessage("pixelUnshuffle1d: length 5 of input [1, 2, 5] is not divisible by factor 2");
        assertThatThrownBy(() -> PixelShuffles.pixelUnshuffle1d(Tensors.zeros(5), 5))
                .hasMessage("pixelUnshuffle1d: expected at least 2 dims (..., C, L), got shape [5]");
    }
}
