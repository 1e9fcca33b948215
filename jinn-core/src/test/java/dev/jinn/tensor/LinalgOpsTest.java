package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.GradCheck;
import java.util.Arrays;
import java.util.function.BinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LinalgOpsTest {
    private static final GradCheck CHECK = GradCheck.withTolerances(1e-6, 1e-5);
    private static final GradCheck CHECK2 = CHECK.secondOrder(true);

    private static Tensor randn(long seed, int... shape) {
        return Tensors.randn(new Rng(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    private static Tensor iota(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return Tensors.of(v, shape);
    }

    /** A plain triple loop with NumPy's matmul rules (1-D promotion, broadcast batch dims), in double. */
    private static double[] naiveMatmul(double[] a, int[] as, double[] b, int[] bs, int[] outShape) {
        int[] pa = as.length == 1 ? new int[] {1, as[0]} : as;
        int[] pb = bs.length == 1 ? new int[] {bs[0], 1} : bs;
        int m = pa[pa.length - 2];
        int k = pa[pa.length - 1];
        int n = pb[pb.length - 1];
        int nb = Math.max(pa.length, pb.length) - 2;
        int[] batch = new int[nb];
        for (int i = 0; i < nb; i++) {
            int da = sizeFromRight(pa, nb - i + 1);
            int db = sizeFromRight(pb, nb - i + 1);
            batch[i] = Math.max(da, db);
        }
        int batches = 1;
        for (int s : batch) {
            batches *= s;
        }
        double[] out = new double[batches * m * n];
        int[] bi = new int[nb];
        for (int t = 0; t < batches; t++) {
            int rem = t;
            for (int i = nb - 1; i >= 0; i--) {
                bi[i] = rem % batch[i];
                rem /= batch[i];
            }
            int aBase = batchOffset(pa, bi) * m * k;
            int bBase = batchOffset(pb, bi) * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a[aBase + i * k + p] * b[bBase + p * n + j];
                    }
                    out[(t * m + i) * n + j] = s;
                }
            }
        }
        int expected = 1;
        for (int s : outShape) {
            expected *= s;
        }
        assertThat(out).as("reference size").hasSize(expected);
        return out;
    }

    /** The size of the dim {@code fromRight} places from the end (1 where the shape is shorter). */
    private static int sizeFromRight(int[] shape, int fromRight) {
        int i = shape.length - 1 - fromRight;
        return i >= 0 ? shape[i] : 1;
    }

    /** The flat index of the matrix for batch index {@code bi} in an operand whose size-1 dims broadcast. */
    private static int batchOffset(int[] shape, int[] bi) {
        int nbOwn = shape.length - 2;
        int lead = bi.length - nbOwn;
        int flat = 0;
        for (int i = 0; i < nbOwn; i++) {
            int size = shape[i];
            flat = flat * size + (size == 1 ? 0 : bi[lead + i]);
        }
        return flat;
    }

    static Stream<Arguments> matmulShapes() {
        return Stream.of(
                Arguments.of(new int[] {3}, new int[] {3}, new int[] {}),
                Arguments.of(new int[] {3}, new int[] {3, 4}, new int[] {4}),
                Arguments.of(new int[] {3, 4}, new int[] {4}, new int[] {3}),
                Arguments.of(new int[] {2, 3}, new int[] {3, 4}, new int[] {2, 4}),
                Arguments.of(new int[] {2, 1, 3, 4}, new int[] {5, 4, 2}, new int[] {2, 5, 3, 2}),
                Arguments.of(new int[] {3}, new int[] {2, 3, 4}, new int[] {2, 4}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {4}, new int[] {2, 3}),
                Arguments.of(new int[] {1, 3, 4}, new int[] {2, 4, 5}, new int[] {2, 3, 5}),
                Arguments.of(new int[] {2, 2, 3}, new int[] {3, 1}, new int[] {2, 2, 1}),
                Arguments.of(new int[] {1, 4}, new int[] {4, 1}, new int[] {1, 1}));
    }

    @ParameterizedTest(name = "{0} @ {1}")
    @MethodSource("matmulShapes")
    void matmulMatchesTripleLoop(int[] as, int[] bs, int[] outShape) {
        Tensor a = randn(1, as);
        Tensor b = randn(2, bs);
        Tensor c = a.matmul(b);
        assertThat(c.shape()).containsExactly(outShape);
        double[] expected = naiveMatmul(a.toDoubleArray(), as, b.toDoubleArray(), bs, outShape);
        assertThat(c.toDoubleArray()).containsExactly(expected, within(1e-12));

        // float32 operands: accumulated in double, rounded once
        Tensor c32 = a.to(DType.FLOAT32).matmul(b.to(DType.FLOAT32));
        assertThat(c32.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(c32.toDoubleArray()).containsExactly(expected, within(1e-5));
    }

    @ParameterizedTest(name = "{0} @ {1}")
    @MethodSource("matmulShapes")
    void gradcheckMatmul(int[] as, int[] bs, int[] outShape) {
        CHECK2.verify(in -> in[0].matmul(in[1]), randn(3, as), randn(4, bs));
    }

    @Test
    void matmulOfTransposedOperandsReadsStrides() {
        Tensor a = randn(5, 4, 3);
        Tensor b = randn(6, 5, 4);
        Tensor at = a.t();
        Tensor bt = b.t();
        Tensor c = at.matmul(bt);
        assertThat(at.isContiguous()).isFalse();
        assertThat(c.shape()).containsExactly(3, 5);
        double[] expected = naiveMatmul(at.toDoubleArray(), at.shape(), bt.toDoubleArray(), bt.shape(),
                new int[] {3, 5});
        assertThat(c.toDoubleArray()).containsExactly(expected, within(1e-12));

        // batched with permuted batch dims and a strided slice
        Tensor x = randn(7, 3, 2, 4).permute(1, 0, 2); // [2, 3, 4], non-contiguous batch
        Tensor y = randn(8, 2, 9, 5).slice(1, 0, Integer.MAX_VALUE, 2); // [2, 5, 5] with stride 2 rows
        Tensor z = x.matmul(y.narrow(1, 1, 4));
        double[] ref = naiveMatmul(x.toDoubleArray(), x.shape(), y.narrow(1, 1, 4).toDoubleArray(),
                new int[] {2, 4, 5}, new int[] {2, 3, 5});
        assertThat(z.toDoubleArray()).containsExactly(ref, within(1e-12));

        CHECK2.verify(in -> in[0].t().matmul(in[1].t()), a, b);
        CHECK.verify(in -> in[0].permute(1, 0, 2).matmul(in[1].slice(1, 0, Integer.MAX_VALUE, 2).narrow(1, 1, 4)),
                randn(9, 3, 2, 4), randn(10, 2, 9, 5));
    }

    @Test
    void matmulPromotesMixedFloatTypes() {
        Tensor a = Tensors.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensors.of(new double[] {0.5, 0.25}, 2, 1);
        Tensor c = a.matmul(b);
        assertThat(c.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(c.toDoubleArray()).containsExactly(1.0, 2.5);
    }

    @Test
    void matmulGradientsByHand() {
        Tensor a = Tensors.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensors.of(new double[] {1, 0, -1}).requiresGrad(true);
        a.matmul(b).backward(Tensors.of(new double[] {1, 2}));
        // d/da[i][p] = g[i] b[p]; d/db[p] = sum_i g[i] a[i][p]
        assertThat(a.grad().toDoubleArray()).containsExactly(1, 0, -1, 2, 0, -2);
        assertThat(b.grad().toDoubleArray()).containsExactly(9, 12, 15);
    }

    @Test
    void matmulErrorsNameTheOperandShapes() {
        Tensor m23 = Tensors.zeros(DType.FLOAT64, 2, 3);
        assertThatThrownBy(() -> m23.matmul(Tensors.zeros(DType.FLOAT64, 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [2, 3] @ [4, 5]: inner dims 3 and 4 differ");
        assertThatThrownBy(() -> Tensors.zeros(DType.FLOAT64, 3).matmul(Tensors.zeros(DType.FLOAT64, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [3] @ [4]: inner dims 3 and 4 differ");
        assertThatThrownBy(() -> Tensors.zeros(DType.FLOAT64, 3).matmul(Tensors.zeros(DType.FLOAT64, 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [3] @ [4, 5]: inner dims 3 and 4 differ");
        assertThatThrownBy(() -> m23.matmul(Tensors.zeros(DType.FLOAT64, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [2, 3] @ [4]: inner dims 3 and 4 differ");
        assertThatThrownBy(() -> Tensors.zeros(DType.FLOAT64, 2, 3, 4).matmul(Tensors.zeros(DType.FLOAT64, 3, 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [2, 3, 4] @ [3, 4, 5]: batch dims [2] and [3] do not broadcast");
        assertThatThrownBy(() -> m23.matmul(Tensors.scalar(2, DType.FLOAT64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: both operands need at least 1 dim, got [2, 3] @ []");
        assertThatThrownBy(() -> Tensors.zeros(DType.INT64, 2, 2).matmul(Tensors.zeros(2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: expected floating-point operands, got int64 @ float32");
    }

    // ---------------------------------------------------------------------------------------------- outer

    @Test
    void outerProduct() {
        Tensor o = Tensors.of(new double[] {1, 2, 3}).outer(Tensors.of(new double[] {10, -1}));
        assertThat(o.shape()).containsExactly(3, 2);
        assertThat(o.toDoubleArray()).containsExactly(10, -1, 20, -2, 30, -3);
        CHECK2.verify(in -> in[0].outer(in[1].flip(0)), randn(11, 3), randn(12, 4));
        assertThatThrownBy(() -> iota(2, 2).outer(iota(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outer: expected two 1-D tensors, got [2, 2] and [2]");
    }

    // --------------------------------------------------------------------------------------- diag/trace

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, -1, -3})
    void diagOfAVectorPlacesItOnTheKthDiagonal(int k) {
        Tensor v = Tensors.of(new double[] {1, 2, 3});
        Tensor d = v.diag(k);
        int n = 3 + Math.abs(k);
        assertThat(d.shape()).containsExactly(n, n);
        double[] dv = d.toDoubleArray();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int along = k >= 0 ? i : j;
                double expected = j - i == k ? along + 1 : 0;
                assertThat(dv[i * n + j]).as("[%d][%d]", i, j).isEqualTo(expected);
            }
        }
        CHECK2.verify(in -> in[0].flip(0).diag(k), randn(13, 3));
    }

    static Stream<Arguments> matrixDiagonals() {
        return Stream.of(
                Arguments.of(3, 5, 0), Arguments.of(3, 5, 1), Arguments.of(3, 5, 3), Arguments.of(3, 5, -1),
                Arguments.of(5, 3, 0), Arguments.of(5, 3, -3), Arguments.of(5, 3, 2), Arguments.of(5, 3, 4),
                Arguments.of(4, 4, -5));
    }

    @ParameterizedTest(name = "{0}x{1} k={2}")
    @MethodSource("matrixDiagonals")
    void diagOfAMatrixIsTheKthDiagonal(int rows, int cols, int k) {
        Tensor x = iota(rows, cols);
        Tensor d = x.diag(k);
        StringBuilder picked = new StringBuilder();
        double[] expected = new double[Math.max(rows, cols)];
        int len = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (j - i == k) {
                    expected[len++] = i * cols + j;
                    picked.append(i).append(',').append(j).append(' ');
                }
            }
        }
        assertThat(d.shape()).containsExactly(len);
        assertThat(d.toDoubleArray()).as(picked.toString()).containsExactly(Arrays.copyOf(expected, len));
        if (len > 1) {
            assertThat(d.data()).as("diag of a matrix is a view").isSameAs(x.data());
        }
        // transposed input: the k-th diagonal of x^T is the (-k)-th of x
        assertThat(x.t().diag(-k).toDoubleArray()).containsExactly(Arrays.copyOf(expected, len));
        CHECK2.verify(in -> in[0].t().diag(-k).square(), randn(14, rows, cols));
    }

    @Test
    void diagRoundTripsAndRejectsOtherRanks() {
        Tensor v = Tensors.of(new double[] {4, 5});
        assertThat(v.diag(-1).diag(-1).toDoubleArray()).containsExactly(4, 5);
        assertThat(v.diag().diag(1).toDoubleArray()).containsExactly(0);
        assertThatThrownBy(() -> Tensors.zeros(DType.FLOAT64, 2, 2, 2).diag())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("diag: expected a 1-D or 2-D tensor, got shape [2, 2, 2]");
        assertThatThrownBy(() -> Tensors.scalar(1).diag(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("diag: expected a 1-D or 2-D tensor, got shape []");
    }

    @Test
    void traceSumsTheMainDiagonal() {
        Tensor x = iota(3, 4).requiresGrad(true);
        Tensor t = x.trace();
        assertThat(t.shape()).isEmpty();
        assertThat(t.item()).isEqualTo(0 + 5 + 10);
        t.backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0);
        CHECK2.verify(in -> in[0].t().matmul(in[0]).trace(), randn(15, 3, 2));
        assertThatThrownBy(() -> iota(3).trace())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trace: expected a 2-D tensor, got shape [3]");
    }

    // ------------------------------------------------------------------------------------------ tril/triu

    @ParameterizedTest
    @ValueSource(ints = {-2, -1, 0, 1, 3})
    void trilAndTriuKeepTheirTriangles(int k) {
        Tensor x = iota(2, 3, 4).add(1.0);
        checkTriangle(x.tril(k), x, (i, j) -> j - i <= k);
        checkTriangle(x.triu(k), x, (i, j) -> j - i >= k);
        Tensor xt = iota(2, 4, 3).add(1.0).transpose(1, 2);
        checkTriangle(xt.tril(k), xt, (i, j) -> j - i <= k);
        CHECK.verify(in -> in[0].transpose(-1, -2).tril(k), randn(16, 2, 4, 3));
        CHECK.verify(in -> in[0].triu(k), randn(17, 3, 4));
    }

    private interface Keep {
        boolean at(int i, int j);
    }

    private static void checkTriangle(Tensor out, Tensor x, Keep keep) {
        assertThat(out.shape()).containsExactly(x.shape());
        double[] ov = out.toDoubleArray();
        double[] xv = x.toDoubleArray();
        int rows = x.size(-2);
        int cols = x.size(-1);
        for (int f = 0; f < ov.length; f++) {
            int i = (f / cols) % rows;
            int j = f % cols;
            assertThat(ov[f]).isEqualTo(keep.at(i, j) ? xv[f] : 0.0);
        }
    }

    @Test
    void trilTriuTriangleGradientsAndErrors() {
        Tensor x = Tensors.ones(DType.FLOAT64, 2, 3).requiresGrad(true);
        x.tril(0).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(1, 0, 0, 1, 1, 0);
        BinaryOperator<Tensor> both = (a, b) -> a.tril(-1).add(b.triu(0));
        Tensor m = iota(3, 3);
        assertThat(both.apply(m, m).toDoubleArray()).containsExactly(m.toDoubleArray());
        assertThatThrownBy(() -> iota(3).tril(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tril: expected at least 2 dims, got shape [3]");
        assertThatThrownBy(() -> iota(3).triu(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("triu: expected at least 2 dims, got shape [3]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch", "nested", "vector", "no bias", "no outputs"})
    void linearIsTheProductWithTheTransposedWeightPlusTheBias(String layout) {
        int out = layout.equals("no outputs") ? 0 : 5;
        Tensor w = randn(31, out, 3).detach();
        Tensor b = layout.equals("no bias") ? null : randn(32, out).detach();
        Tensor x = switch (layout) {
            case "nested" -> randn(33, 2, 4, 3).detach();
            case "vector" -> randn(34, 3).detach();
            default -> randn(35, 3, 6).detach().transpose(0, 1); // a strided input
        };
        Tensor expected = b == null ? x.matmul(w.t()) : x.matmul(w.t()).add(b);
        Tensor actual = x.linear(w, b);
        assertThat(actual.shape()).containsExactly(expected.shape());
        assertThat(actual.allClose(expected, 0, 1e-15)).isTrue();
        if (b == null) {
            CHECK2.verify(in -> in[0].linear(in[1], null), x.requiresGrad(true), w.requiresGrad(true));
        } else {
            CHECK2.verify(in -> in[0].linear(in[1], in[2]), x.requiresGrad(true), w.requiresGrad(true),
                    b.requiresGrad(true));
        }
    }

    @Test
    void linearInFloat32MatchesFloat64() {
        Tensor x = randn(36, 7, 4);
        Tensor w = randn(37, 9, 4);
        Tensor b = randn(38, 9);
        Tensor single = x.to(DType.FLOAT32).linear(w.to(DType.FLOAT32), b.to(DType.FLOAT32));
        assertThat(single.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(single.to(DType.FLOAT64).allClose(x.linear(w, b), 1e-5, 1e-5)).isTrue();
    }

    @Test
    void linearNamesMismatchedShapesAndDtypes() {
        Tensor w = randn(39, 5, 3);
        assertThatThrownBy(() -> randn(40, 2, 4).linear(w, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear: expected input [..., 3] for weight [5, 3], got [2, 4]");
        assertThatThrownBy(() -> randn(41, 2, 3).linear(w, randn(42, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected bias [5] for weight [5, 3], got [4]");
        assertThatThrownBy(() -> randn(43, 2, 3).to(DType.FLOAT32).linear(w, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one floating dtype, got float32, float64");
    }
}
