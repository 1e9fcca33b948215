package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.GradCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReductionOpsTest {
    private static final GradCheck CHECK = GradCheck.withTolerances(1e-6, 1e-5);
    private static final GradCheck CHECK2 = CHECK.secondOrder(true);
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    private static Tensor randn(long seed, int... shape) {
        return Tensors.randn(new Rng(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    private static Tensor leaf(double[] values, int... shape) {
        return Tensors.of(values, shape).requiresGrad(true);
    }

    /** A reduction under test: how to call it, and its fold over one group of values, written out by hand. */
    private enum Op {
        SUM((x, d, k) -> x.sum(d, k), v -> {
            double s = 0;
            for (double e : v) {
                s += e;
            }
            return s;
        }),
        MEAN((x, d, k) -> x.mean(d, k), v -> SUM.fold.applyAsDouble(v) / v.length),
        PROD((x, d, k) -> x.prod(d, k), v -> {
            double p = 1;
            for (double e : v) {
                p *= e;
            }
            return p;
        }),
        VAR_UNBIASED((x, d, k) -> x.var(d, true, k), v -> twoPassVar(v, true)),
        VAR_BIASED((x, d, k) -> x.var(d, false, k), v -> twoPassVar(v, false)),
        STD_UNBIASED((x, d, k) -> x.std(d, true, k), v -> Math.sqrt(twoPassVar(v, true))),
        STD_BIASED((x, d, k) -> x.std(d, false, k), v -> Math.sqrt(twoPassVar(v, false))),
        LOGSUMEXP((x, d, k) -> x.logsumexp(d, k), v -> {
            double s = 0;
            for (double e : v) {
                s += Math.exp(e);
            }
            return Math.log(s);
        }),
        NORM1((x, d, k) -> x.norm(1, d, k), v -> {
            double s = 0;
            for (double e : v) {
                s += Math.abs(e);
            }
            return s;
        }),
        NORM2((x, d, k) -> x.norm(2, d, k), v -> {
            double s = 0;
            for (double e : v) {
                s += e * e;
            }
            return Math.sqrt(s);
        }),
        NORM_INF((x, d, k) -> x.norm(Double.POSITIVE_INFINITY, d, k), v -> {
            double m = 0;
            for (double e : v) {
                m = Math.max(m, Math.abs(e));
            }
            return m;
        });

        final Call call;
        final ToDoubleFunction<double[]> fold;

        Op(Call call, ToDoubleFunction<double[]> fold) {
            this.call = call;
            this.fold = fold;
        }
    }

    @FunctionalInterface
    private interface Call {
        Tensor apply(Tensor x, int[] dims, boolean keepDim);
    }

    private static double twoPassVar(double[] v, boolean unbiased) {
        double mean = 0;
        for (double e : v) {
            mean += e;
        }
        mean /= v.length;
        double ss = 0;
        for (double e : v) {
            ss += (e - mean) * (e - mean);
        }
        return ss / (v.length - (unbiased ? 1 : 0));
    }

    /** Which dims a reduction over {@code dims} folds (empty means all), with negative dims resolved. */
    private static boolean[] reducedMask(int[] dims, int nd) {
        boolean[] mask = new boolean[nd];
        if (dims.length == 0) {
            Arrays.fill(mask, true);
        }
        for (int d : dims) {
            mask[d < 0 ? d + nd : d] = true;
        }
        return mask;
    }

    /** The elements of a row-major array grouped by their index in the kept dims (kept dims row-major). */
    private static double[][] groups(double[] values, int[] shape, boolean[] reduced) {
        int outCount = 1;
        int inCount = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                inCount *= shape[d];
            } else {
                outCount *= shape[d];
            }
        }
        double[][] g = new double[outCount][inCount];
        int[] fill = new int[outCount];
        for (int flat = 0; flat < values.length; flat++) {
            int rem = flat;
            int[] idx = new int[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            int o = 0;
            for (int d = 0; d < shape.length; d++) {
                if (!reduced[d]) {
                    o = o * shape[d] + idx[d];
                }
            }
            g[o][fill[o]++] = values[flat];
        }
        return g;
    }

    private static int[] expectedShape(int[] shape, boolean[] reduced, boolean keepDim) {
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            if (!reduced[d]) {
                out.add(shape[d]);
            } else if (keepDim) {
                out.add(1);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static Stream<Arguments> opsDimsKeep() {
        int[][] dimSets = {{}, {0}, {-1}, {1, 2}, {0, -1}, {-3, 1}, {2, 0, 1}};
        List<Arguments> args = new ArrayList<>();
        for (Op op : Op.values()) {
            for (int[] dims : dimSets) {
                args.add(Arguments.of(op, dims, true));
                args.add(Arguments.of(op, dims, false));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} dims={1} keepDim={2}")
    @MethodSource("opsDimsKeep")
    void valuesMatchLoopsOverNonContiguousInput(Op op, int[] dims, boolean keepDim) {
        Tensor base = randn(11, 3, 4, 2);
        Tensor x = base.permute(2, 0, 1);
        assertThat(x.isContiguous()).isFalse();
        Tensor y = op.call.apply(x, dims, keepDim);

        int[] shape = x.shape();
        boolean[] reduced = reducedMask(dims, shape.length);
        assertThat(y.shape()).containsExactly(expectedShape(shape, reduced, keepDim));
        double[][] g = groups(x.toDoubleArray(), shape, reduced);
        double[] actual = y.toDoubleArray();
        assertThat(actual).hasSize(g.length);
        for (int o = 0; o < g.length; o++) {
            assertThat(actual[o]).as("group %d", o).isCloseTo(op.fold.applyAsDouble(g[o]), within(1e-12));
        }
    }

    @ParameterizedTest(name = "{0} dims={1} keepDim={2}")
    @MethodSource("opsDimsKeep")
    void gradcheckOnNonContiguousInput(Op op, int[] dims, boolean keepDim) {
        Tensor x = randn(12, 3, 2, 4);
        CHECK.verify(in -> op.call.apply(in[0].transpose(0, 2), dims, keepDim), x);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SUM", "MEAN", "PROD", "VAR_UNBIASED", "STD_BIASED", "LOGSUMEXP", "NORM2"})
    void secondOrderGradients(String name) {
        Op op = Op.valueOf(name);
        Tensor x = randn(13, 3, 4);
        CHECK2.verify(in -> op.call.apply(in[0].t(), new int[] {-1}, false), x);
        CHECK2.verify(in -> op.call.apply(in[0], new int[0], true), x);
    }

    @Test
    void sumAndMeanOfIntegersPromote() {
        Tensor x = Tensors.of(new long[] {1, 2, 3, 4}, 2, 2);
        assertThat(x.sum().dtype()).isEqualTo(DType.INT64);
        assertThat(x.sum(0).toLongArray()).containsExactly(4, 6);
        assertThat(x.mean().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(x.mean().item()).isEqualTo(2.5);
    }

    // ---------------------------------------------------------------------------------------------- prod

    @Test
    void prodGradientWithZerosIsProductOfTheOthers() {
        double[] v = {2, 0, 3, 0, 0, 5, 1, 2, 4};
        Tensor x = leaf(v, 3, 3);
        Tensor p = x.prod(new int[] {1}, false);
        assertThat(p.toDoubleArray()).containsExactly(0, 0, 8);
        p.backward(Tensors.of(new double[] {1, 2, 3}));
        // row 0: d/dx01 = 2*3 = 6; row 1 has two zeros, so every partial is 0; row 2: 8, 4, 2 (times 3)
        assertThat(x.grad().toDoubleArray()).containsExactly(0, 6, 0, 0, 0, 0, 24, 12, 6);
    }

    @Test
    void prodGradientWithZerosOnTransposedInput() {
        double[] v = {2, 0, 3, 0, 0, 5, 1, 2, 4};
        Tensor x = leaf(v, 3, 3);
        x.t().prod(new int[] {0}, true).sum().backward();
        // columns of x^T are rows of x
        assertThat(x.grad().toDoubleArray()).containsExactly(0, 6, 0, 0, 0, 0, 8, 4, 2);
    }

    @Test
    void prodOverAllWithOneZero() {
        Tensor x = leaf(new double[] {2, 0, 3, 4}, 2, 2);
        Tensor p = x.prod();
        assertThat(p.item()).isZero();
        p.backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(0, 24, 0, 0);
    }

    @Test
    void prodGradientWithoutZerosIsProductOfTheOthers() {
        Tensor x = leaf(new double[] {2, -3, 0.5, 4}, 4);
        x.prod().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(-6, 4, -24, -3);
    }

    @Test
    void gradcheckProdWithZeros() {
        Tensor x = leaf(new double[] {0, 1.5, -2, 0.7, 0, 0, 3, -1, 2, 0.5, 1, 0}, 3, 4);
        CHECK.verify(in -> in[0].prod(new int[] {1}, false), x);
        CHECK.verify(in -> in[0].t().prod(new int[] {0}, true), x);
        CHECK.verify(in -> in[0].prod(), x);
    }

    // ------------------------------------------------------------------------------------------- max/min

    @Test
    void maxAndMinOverAllSplitTheGradientAtTies() {
        Tensor x = leaf(new double[] {1, 3, 3, 2, 3, 0}, 2, 3);
        Tensor m = x.max();
        assertThat(m.item()).isEqualTo(3);
        m.backward();
        double third = 1.0 / 3;
        assertThat(x.grad().toDoubleArray()).containsExactly(new double[] {0, third, third, 0, third, 0},
                within(1e-15));

        Tensor y = leaf(new double[] {-1, 4, -1, 2}, 4);
        Tensor n = y.min();
        assertThat(n.item()).isEqualTo(-1);
        n.backward();
        assertThat(y.grad().toDoubleArray()).containsExactly(0.5, 0, 0.5, 0);
    }

    @Test
    void maxPerDimPicksTheFirstIndexAtTies() {
        Tensor x = leaf(new double[] {1, 3, 3, 2, 2, 1}, 2, 3);
        ValuesIndices r = x.max(1, false);
        assertThat(r.values().toDoubleArray()).containsExactly(3, 2);
        assertThat(r.indices().toLongArray()).containsExactly(1, 0);
        assertThat(r.indices().dtype()).isEqualTo(DType.INT64);
        r.values().sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(0, 1, 0, 1, 0, 0);
    }

    @Test
    void minPerDimPicksTheFirstIndexAtTies() {
        Tensor x = leaf(new double[] {1, 1, 2, 5, 0, 0}, 2, 3);
        ValuesIndices r = x.min(-1, true);
        assertThat(r.values().shape()).containsExactly(2, 1);
        assertThat(r.indices().shape()).containsExactly(2, 1);
        assertThat(r.values().toDoubleArray()).containsExactly(1, 0);
        assertThat(r.indices().toLongArray()).containsExactly(0, 1);
        r.values().backward(Tensors.of(new double[] {2, 3}, 2, 1));
        assertThat(x.grad().toDoubleArray()).containsExactly(2, 0, 0, 0, 3, 0);
    }

    @ParameterizedTest(name = "max={0} dim={1} keepDim={2}")
    @MethodSource("extremeCases")
    void maxMinPerDimMatchLoopsOnNonContiguousInput(boolean max, int dim, boolean keepDim) {
        Tensor x = randn(21, 4, 3, 5).permute(1, 2, 0);
        int[] shape = x.shape();
        int d = dim < 0 ? dim + shape.length : dim;
        boolean[] reduced = new boolean[shape.length];
        reduced[d] = true;
        double[][] g = groups(x.toDoubleArray(), shape, reduced);
        ValuesIndices r = max ? x.max(dim, keepDim) : x.min(dim, keepDim);
        Tensor arg = max ? x.argmax(dim, keepDim) : x.argmin(dim, keepDim);
        int[] expected = expectedShape(shape, reduced, keepDim);
        assertThat(r.values().shape()).containsExactly(expected);
        assertThat(r.indices().shape()).containsExactly(expected);
        assertThat(arg.shape()).containsExactly(expected);
        assertThat(arg.dtype()).isEqualTo(DType.INT64);
        assertThat(arg.requiresGrad()).isFalse();
        double[] vals = r.values().toDoubleArray();
        long[] idx = r.indices().toLongArray();
        long[] argIdx = arg.toLongArray();
        for (int o = 0; o < g.length; o++) {
            int best = 0;
            for (int i = 1; i < g[o].length; i++) {
                if (max ? g[o][i] > g[o][best] : g[o][i] < g[o][best]) {
                    best = i;
                }
            }
            assertThat(vals[o]).isEqualTo(g[o][best]);
            assertThat(idx[o]).isEqualTo(best);
            assertThat(argIdx[o]).isEqualTo(best);
        }
    }

    static Stream<Arguments> extremeCases() {
        List<Arguments> args = new ArrayList<>();
        for (boolean max : new boolean[] {true, false}) {
            for (int dim : new int[] {0, 1, 2, -1, -3}) {
                args.add(Arguments.of(max, dim, true));
                args.add(Arguments.of(max, dim, false));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "max={0} dim={1} keepDim={2}")
    @MethodSource("extremeCases")
    void gradcheckMaxMinPerDim(boolean max, int dim, boolean keepDim) {
        Tensor x = randn(22, 3, 4, 2);
        CHECK.verify(in -> {
            Tensor v = in[0].transpose(0, 1);
            return (max ? v.max(dim, keepDim) : v.min(dim, keepDim)).values();
        }, x);
    }

    @Test
    void gradcheckMaxMinOverAll() {
        Tensor x = randn(23, 3, 4);
        CHECK.verify(in -> in[0].t().max(), x);
        CHECK.verify(in -> in[0].t().min(), x);
    }

    @Test
    void maxOverAnEmptyDimIsRejected() {
        Tensor x = Tensors.zeros(DType.FLOAT64, 2, 0);
        assertThatThrownBy(() -> x.max(1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max")
                .hasMessageContaining("size 0")
                .hasMessageContaining("[2, 0]");
        assertThatThrownBy(() -> x.min())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("min:")
                .hasMessageContaining("[2, 0]");
        assertThatThrownBy(() -> x.argmax(-1, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 0]");
    }

    // ----------------------------------------------------------------------------------------- logsumexp

    @Test
    void logsumexpIgnoresMinusInfinityEntries() {
        Tensor x = leaf(new double[] {NEG_INF, 0, Math.log(3)}, 3);
        Tensor y = x.logsumexp(new int[0], false);
        assertThat(y.item()).isCloseTo(Math.log(4), within(1e-15));
        y.backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(new double[] {0, 0.25, 0.75}, within(1e-15));
    }

    @Test
    void logsumexpOfHugeValuesIsFinite() {
        Tensor x = leaf(new double[] {1000, 1000, 999, -1000, -1000, -1001}, 2, 3);
        Tensor y = x.logsumexp(new int[] {1}, false);
        double[] v = y.toDoubleArray();
        assertThat(v[0]).isCloseTo(1000 + Math.log(2 + Math.exp(-1)), within(1e-12));
        assertThat(v[1]).isCloseTo(-1000 + Math.log(2 + Math.exp(-1)), within(1e-12));
        y.sum().backward();
        double z = 2 + Math.exp(-1);
        assertThat(x.grad().toDoubleArray()).containsExactly(
                new double[] {1 / z, 1 / z, Math.exp(-1) / z, 1 / z, 1 / z, Math.exp(-1) / z}, within(1e-12));
    }

    @Test
    void logsumexpOfAllMinusInfinityIsMinusInfinityAndOfPlusInfinityIsPlusInfinity() {
        Tensor x = Tensors.of(new double[] {NEG_INF, NEG_INF, 1, Double.POSITIVE_INFINITY}, 2, 2);
        assertThat(x.logsumexp(new int[] {-1}, false).toDoubleArray())
                .containsExactly(NEG_INF, Double.POSITIVE_INFINITY);
    }

    @Test
    void gradcheckLogsumexpWithMinusInfinityAndLargeValues() {
        // A -inf entry cannot be perturbed meaningfully, so it is held fixed outside the checked input.
        Tensor fixed = Tensors.of(new double[] {NEG_INF, 0.3, -1.2}, 1, 3);
        Tensor big = leaf(new double[] {800, 801, 799.5}, 1, 3);
        CHECK.verify(in -> Tensor.cat(List.of(fixed, in[0]), 0).logsumexp(new int[] {-1}, false), big);
        Tensor partial = leaf(new double[] {0.3, -1.2}, 2);
        Tensor minusInf = Tensors.of(new double[] {NEG_INF});
        CHECK2.verify(in -> Tensor.cat(List.of(minusInf, in[0]), 0).logsumexp(new int[0], false), partial);
    }

    // ----------------------------------------------------------------------------------- softmax family

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1, -2})
    void softmaxSumsToOneAndMatchesLoop(int dim) {
        Tensor x = Tensors.randn(new Rng(31), DType.FLOAT64, 4, 5).mul(30.0);
        Tensor s = x.softmax(dim);
        Tensor ls = x.logSoftmax(dim);
        int d = dim < 0 ? dim + 2 : dim;
        boolean[] reduced = {d == 0, d == 1};
        int[] shape = x.shape();
        double[] xs = x.toDoubleArray();
        double[] sv = s.toDoubleArray();
        double[] lsv = ls.toDoubleArray();
        double[] rowSums = s.sum(new int[] {dim}, false).toDoubleArray();
        for (double r : rowSums) {
            assertThat(r).isCloseTo(1.0, within(1e-14));
        }
        for (int i = 0; i < shape[0]; i++) {
            for (int j = 0; j < shape[1]; j++) {
                double m = NEG_INF;
                for (int k = 0; k < shape[d]; k++) {
                    m = Math.max(m, reduced[0] ? xs[k * shape[1] + j] : xs[i * shape[1] + k]);
                }
                double z = 0;
                for (int k = 0; k < shape[d]; k++) {
                    z += Math.exp((reduced[0] ? xs[k * shape[1] + j] : xs[i * shape[1] + k]) - m);
                }
                double e = xs[i * shape[1] + j];
                assertThat(sv[i * shape[1] + j]).isCloseTo(Math.exp(e - m) / z, within(1e-14));
                assertThat(lsv[i * shape[1] + j]).isCloseTo(e - m - Math.log(z), within(1e-12));
            }
        }
    }

    @Test
    void softmaxOfHugeValuesHasNoNaN() {
        Tensor s = Tensors.of(new double[] {1000, 0, -1000, 1000}, 4).softmax(0);
        // exp(x - logsumexp) loses ~ulp(1000) = 1.1e-13 absolutely in the subtraction, hence 1e-12.
        assertThat(s.toDoubleArray()).containsExactly(new double[] {0.5, 0, 0, 0.5}, within(1e-12));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, -1})
    void gradcheckSoftmaxAndLogSoftmaxIncludingSecondOrder(int dim) {
        Tensor x = randn(32, 2, 3, 4);
        CHECK2.verify(in -> in[0].permute(1, 2, 0).softmax(dim), x);
        CHECK2.verify(in -> in[0].permute(1, 2, 0).logSoftmax(dim), x);
    }

    // --------------------------------------------------------------------------------------------- cumsum

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, -1, -2})
    void cumsumMatchesRunningSumOnNonContiguousInput(int dim) {
        Tensor x = Tensors.randn(new Rng(41), DType.FLOAT64, 3, 4, 2).transpose(0, 2);
        int[] shape = x.shape();
        int d = dim < 0 ? dim + 3 : dim;
        double[] xs = x.toDoubleArray();
        double[] cs = x.cumsum(dim).toDoubleArray();
        assertThat(x.cumsum(dim).shape()).containsExactly(shape);
        int[] strides = {shape[1] * shape[2], shape[2], 1};
        for (int i = 0; i < shape[0]; i++) {
            for (int j = 0; j < shape[1]; j++) {
                for (int k = 0; k < shape[2]; k++) {
                    int[] at = {i, j, k};
                    double running = 0;
                    for (int t = 0; t <= at[d]; t++) {
                        int[] p = at.clone();
                        p[d] = t;
                        running += xs[p[0] * strides[0] + p[1] * strides[1] + p[2]];
                    }
                    assertThat(cs[i * strides[0] + j * strides[1] + k]).isCloseTo(running, within(1e-13));
                }
            }
        }
    }

    @Test
    void cumsumOfIntegersStaysInteger() {
        Tensor c = Tensors.of(new long[] {1, 2, 3, 4, 5, 6}, 2, 3).cumsum(1);
        assertThat(c.dtype()).isEqualTo(DType.INT64);
        assertThat(c.toLongArray()).containsExactly(1, 3, 6, 4, 9, 15);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1})
    void gradcheckCumsumIncludingSecondOrder(int dim) {
        Tensor x = randn(42, 3, 4);
        CHECK2.verify(in -> in[0].t().cumsum(dim), x);
    }

    // ---------------------------------------------------------------------------------------------- norm

    @ParameterizedTest
    @ValueSource(doubles = {1, 2, Double.POSITIVE_INFINITY})
    void normGradientAtTheZeroVectorIsZero(double p) {
        Tensor x = Tensors.zeros(DType.FLOAT64, 2, 3).requiresGrad(true);
        Tensor n = x.norm(p, new int[0], false);
        assertThat(n.item()).isZero();
        n.backward();
        assertThat(x.grad().toDoubleArray()).containsOnly(0.0);

        Tensor y = leaf(new double[] {0, 0, 3, -4}, 2, 2);
        y.norm(p, new int[] {1}, false).sum().backward();
        double[] g = y.grad().toDoubleArray();
        assertThat(g).doesNotContain(Double.NaN);
        assertThat(g[0]).isZero();
        assertThat(g[1]).isZero();
    }

    @Test
    void normGradientsByHand() {
        Tensor x = leaf(new double[] {3, -4}, 2);
        x.norm().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(new double[] {0.6, -0.8}, within(1e-15));
        Tensor y = leaf(new double[] {3, -4}, 2);
        y.norm(1, new int[0], false).backward();
        assertThat(y.grad().toDoubleArray()).containsExactly(1, -1);
        Tensor z = leaf(new double[] {3, -4}, 2);
        z.norm(Double.POSITIVE_INFINITY, new int[0], false).backward();
        assertThat(z.grad().toDoubleArray()).containsExactly(0, -1);
    }

    @Test
    void normOfHugeAndTinyValuesDoesNotOverflow() {
        assertThat(Tensors.of(new double[] {3e200, 4e200}).norm().item()).isCloseTo(5e200, within(1e186));
        assertThat(Tensors.of(new double[] {3e-200, 4e-200}).norm().item()).isCloseTo(5e-200, within(1e-214));
    }

    @Test
    void normRejectsOtherPowers() {
        assertThatThrownBy(() -> Tensors.ones(DType.FLOAT64, 3).norm(3, new int[0], false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("norm:")
                .hasMessageContaining("3.0");
    }

    // ------------------------------------------------------------------------------ scalars, empty, NaN

    @Test
    void reductionsOfAScalarAcceptDimZeroOrMinusOne() {
        Tensor s = Tensors.scalar(3, DType.FLOAT64).requiresGrad(true);
        assertThat(s.sum(0).shape()).isEmpty();
        assertThat(s.sum(0).item()).isEqualTo(3);
        assertThat(s.mean(new int[] {-1}, true).item()).isEqualTo(3);
        assertThat(s.prod(new int[] {0}, false).item()).isEqualTo(3);
        assertThat(s.logsumexp(new int[] {0}, false).item()).isEqualTo(3);
        assertThat(s.norm(2, new int[] {-1}, false).item()).isEqualTo(3);
        assertThat(s.max(0, false).values().item()).isEqualTo(3);
        assertThat(s.argmin(-1, false).item()).isZero();
        assertThat(s.cumsum(0).item()).isEqualTo(3);
        assertThat(s.softmax(-1).item()).isEqualTo(1);
        CHECK.verify(in -> in[0].sum(0).mul(in[0].logsumexp(new int[] {-1}, true)), s);
        assertThatThrownBy(() -> s.sum(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sum: dim 1 is out of range for a 0-dim tensor (expected -1..0)");
        assertThatThrownBy(() -> s.sum(new int[] {0, -1}, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("sum: dims [0, -1]");
        assertThatThrownBy(() -> s.cumsum(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cumsum: dim 2 is out of range for a 0-dim tensor (expected -1..0)");
        assertThatThrownBy(() -> s.max(-2, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max: dim -2 is out of range for a 0-dim tensor (expected -1..0)");
    }

    @Test
    void reductionsOverNoElementsGiveTheirIdentities() {
        Tensor e = Tensors.zeros(DType.FLOAT64, 0, 3);
        assertThat(e.sum().item()).isZero();
        assertThat(e.sum(0).toDoubleArray()).containsExactly(0, 0, 0);
        assertThat(e.prod(new int[] {0}, false).toDoubleArray()).containsExactly(1, 1, 1);
        assertThat(e.mean().item()).isNaN();
        assertThat(e.logsumexp(new int[] {0}, false).toDoubleArray()).containsOnly(NEG_INF);
        for (double p : new double[] {1, 2, Double.POSITIVE_INFINITY}) {
            assertThat(e.norm(p, new int[0], false).item()).as("p=%s", p).isZero();
            assertThat(e.norm(p, new int[] {0}, true).shape()).containsExactly(1, 3);
        }
        assertThat(e.cumsum(0).shape()).containsExactly(0, 3);
        assertThat(e.max(1, false).values().shape()).containsExactly(0);
    }

    @Test
    void maxAndMinPropagateNaN() {
        Tensor x = Tensors.of(new double[] {1, Double.NaN, 3, 0, 2, 1}, 2, 3);
        assertThat(x.max().item()).isNaN();
        assertThat(x.min().item()).isNaN();
        ValuesIndices r = x.max(1, false);
        assertThat(r.values().toDoubleArray()[0]).isNaN();
        assertThat(r.indices().toLongArray()).containsExactly(1, 1);
        assertThat(x.argmin(1, false).toLongArray()).containsExactly(1, 0);
    }

    // -------------------------------------------------------------------------------------------- errors

    @Test
    void dimOutOfRangeNamesTheOpAndTheDims() {
        Tensor x = Tensors.ones(DType.FLOAT64, 2, 3);
        assertThatThrownBy(() -> x.sum(5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sum: dim 5 is out of range for a tensor with 2 dims (expected -2..1)");
        assertThatThrownBy(() -> x.mean(new int[] {-3}, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mean: dim -3 is out of range for a tensor with 2 dims");
        assertThatThrownBy(() -> x.prod(new int[] {2}, false))
                .hasMessageStartingWith("prod: dim 2 is out of range");
        assertThatThrownBy(() -> x.logsumexp(new int[] {2}, false))
                .hasMessageStartingWith("logsumexp: dim 2 is out of range");
        assertThatThrownBy(() -> x.var(new int[] {2}, true, false))
                .hasMessageStartingWith("var: dim 2 is out of range");
        assertThatThrownBy(() -> x.std(new int[] {2}, true, false))
                .hasMessageStartingWith("std: dim 2 is out of range");
        assertThatThrownBy(() -> x.cumsum(2))
                .hasMessageStartingWith("cumsum: dim 2 is out of range");
        assertThatThrownBy(() -> x.max(2, false))
                .hasMessageStartingWith("max: dim 2 is out of range");
        assertThatThrownBy(() -> x.argmin(-3, false))
                .hasMessageStartingWith("argmin: dim -3 is out of range");
        assertThatThrownBy(() -> x.softmax(2))
                .hasMessageStartingWith("softmax: dim 2 is out of range");
        assertThatThrownBy(() -> x.logSoftmax(2))
                .hasMessageStartingWith("logSoftmax: dim 2 is out of range");
        for (double p : new double[] {1, 2, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> x.norm(p, new int[] {7}, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("norm: dim 7 is out of range");
        }
    }

    @Test
    void repeatedDimsAreRejected() {
        Tensor x = Tensors.ones(DType.FLOAT64, 2, 3);
        assertThatThrownBy(() -> x.sum(new int[] {1, -1}, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sum: dim -1 appears more than once in [1, -1]");
        assertThatThrownBy(() -> x.norm(2, new int[] {0, 0}, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("norm: dim 0 appears more than once");
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 9000})
    void sumKeepingMiddleDimsEqualsTheGeneralPathBitForBit(int inner) {
        // [outer, kept..., inner] summed over outer and inner (a conv bias gradient) is read in place; a permuted
        // copy of the same values goes through the general runs. 2 x 9000 values per result cross a chunk.
        for (DType type : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensors.randn(new Rng(inner), type, 2, 3, 2, inner);
            Tensor strided = x.permute(3, 0, 1, 2).contiguous().permute(1, 2, 3, 0);
            assertThat(strided.isContiguous()).isFalse();
            Tensor fast = x.sum(new int[] {0, 3}, false);
            assertThat(fast.shape()).containsExactly(3, 2);
            assertThat(fast.toDoubleArray()).containsExactly(strided.sum(new int[] {0, 3}, false).toDoubleArray());
            double[] v = x.toDoubleArray();
            double[] expected = new double[6];
            for (int i = 0; i < v.length; i++) {
                expected[(i / inner) % 6] += v[i];
            }
            double[] got = fast.toDoubleArray();
            for (int k = 0; k < 6; k++) {
                assertThat(got[k]).isCloseTo(expected[k], within(1e-4 * Math.sqrt(inner)));
            }
        }
    }
}
