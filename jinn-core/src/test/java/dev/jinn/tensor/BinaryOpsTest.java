package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.GradCheck;
import java.util.function.BinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BinaryOpsTest {
    /** One binary op under test, with the ranges its two operands are drawn from. */
    record Case(String name, BinaryOperator<Tensor> f, double aLo, double aHi, double bLo, double bHi) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("add", Tensor::add, -2, 2, -2, 2),
                new Case("sub", Tensor::sub, -2, 2, -2, 2),
                new Case("mul", Tensor::mul, -2, 2, -2, 2),
                new Case("div", Tensor::div, -2, 2, 0.5, 2),
                new Case("pow", Tensor::pow, 0.3, 2.5, -1.5, 2),
                new Case("maximum", Tensor::maximum, -2, 2, -2, 2),
                new Case("minimum", Tensor::minimum, -2, 2, -2, 2),
                new Case("atan2", Tensor::atan2, -2, 2, 0.2, 2),
                new Case("atan2LeftHalf", Tensor::atan2, 0.2, 2, -2, 2),
                new Case("whereMask", (a, b) -> Tensor.where(
                        Tensors.of(new boolean[] {true, false, false, true}), a, b), -2, 2, -2, 2));
    }

    /** Shapes of the two operands and whether each is non-contiguous (built inside the checked function). */
    record Layout(String name, int[] aShape, int[] bShape) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Layout> layouts() {
        return Stream.of(
                new Layout("same [3,4]", new int[] {3, 4}, new int[] {3, 4}),
                new Layout("[3,1,4] with [2,4]", new int[] {3, 1, 4}, new int[] {2, 4}),
                new Layout("[2,4] with [3,1,4]", new int[] {2, 4}, new int[] {3, 1, 4}),
                new Layout("[3,4] with scalar", new int[] {3, 4}, new int[] {}),
                new Layout("scalar with [3,4]", new int[] {}, new int[] {3, 4}),
                new Layout("[4] with [3,1]", new int[] {4}, new int[] {3, 1}),
                new Layout("scalars", new int[] {}, new int[] {}));
    }

    static Stream<Arguments> casesAndLayouts() {
        return cases().flatMap(c -> layouts().map(l -> Arguments.of(c, l)));
    }

    static Tensor uniform(long seed, double lo, double hi, int... shape) {
        Rng rng = new Rng(seed);
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return Tensors.of(v).reshape(shape).requiresGrad(true);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesAndLayouts")
    void gradientMatchesFiniteDifferencesUnderBroadcasting(Case c, Layout l) {
        Tensor a = uniform(11, c.aLo, c.aHi, l.aShape);
        Tensor b = uniform(12, c.bLo, c.bHi, l.bShape);
        GradCheck.check(in -> c.f.apply(in[0], in[1]), a, b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientWithOneOperandConstant(Case c) {
        Tensor a = uniform(13, c.aLo, c.aHi, 3, 4);
        Tensor b = uniform(14, c.bLo, c.bHi, 4).detach();
        GradCheck.check(in -> c.f.apply(in[0], b), a);
        Tensor a2 = a.detach();
        GradCheck.check(in -> c.f.apply(a2, in[0]), uniform(15, c.bLo, c.bHi, 3, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientOfNonContiguousViews(Case c) {
        // a: [4,3] transposed to [3,4]; b: [2,9] sliced with step 2 to [2,... ] then broadcast
        Tensor a = uniform(16, c.aLo, c.aHi, 4, 3);
        Tensor b = uniform(17, c.bLo, c.bHi, 3, 9);
        GradCheck.check(in -> {
            Tensor av = in[0].transpose(0, 1);
            Tensor bv = in[1].slice(1, 1, 9, 2);
            assertThat(av.isContiguous()).isFalse();
            assertThat(bv.isContiguous()).isFalse();
            return c.f.apply(av, bv);
        }, a, b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void secondDerivativeMatchesFiniteDifferences(Case c) {
        Tensor a = uniform(18, c.aLo, c.aHi, 3, 1, 4);
        Tensor b = uniform(19, c.bLo, c.bHi, 2, 4);
        GradCheck.withTolerances(1e-5, 1e-3).secondOrder(true).verify(in -> c.f.apply(in[0], in[1]), a, b);
    }

    @Test
    void secondDerivativeOfScalarOperandOps() {
        Tensor a = uniform(20, 0.5, 2, 2, 3);
        GradCheck.withTolerances(1e-5, 1e-3).secondOrder(true)
                .verify(in -> in[0].mul(0.5).add(1.5).sub(0.25).div(3.0).mul(in[0]), a);
    }

    @Test
    void whereGradientWithBroadcastMask() {
        Tensor mask = Tensors.of(new boolean[] {true, false, true, false, false, true, true, false}, 2, 4);
        Tensor a = uniform(21, -2, 2, 3, 1, 4);
        Tensor b = uniform(22, -2, 2);
        GradCheck.withTolerances(1e-5, 1e-3).secondOrder(true)
                .verify(in -> Tensor.where(mask, in[0], in[1]).mul(in[0]), a, b);
        Tensor x = Tensors.of(new double[] {1, 2, 3, 4}).requiresGrad(true);
        Tensor y = Tensors.of(new double[] {10}).requiresGrad(true);
        Tensor.where(Tensors.of(new boolean[] {true, false, false, true}), x, y).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(1, 0, 0, 1);
        assertThat(y.grad().toDoubleArray()).containsExactly(2);
    }

    // ---------------------------------------------------------------------------------------------------
    // Values

    private static double[] apply(BinaryOperator<Tensor> f, double[] a, double[] b) {
        return f.apply(Tensors.of(a), Tensors.of(b)).toDoubleArray();
    }

    @Test
    void arithmeticValuesWithBroadcasting() {
        Tensor a = Tensors.of(new double[] {1, 2, 3}, 3, 1);
        Tensor b = Tensors.of(new double[] {10, 20}, 2);
        assertThat(a.add(b).shape()).containsExactly(3, 2);
        assertThat(a.add(b).toDoubleArray()).containsExactly(11, 21, 12, 22, 13, 23);
        assertThat(a.sub(b).toDoubleArray()).containsExactly(-9, -19, -8, -18, -7, -17);
        assertThat(a.mul(b).toDoubleArray()).containsExactly(10, 20, 20, 40, 30, 60);
        assertThat(b.div(a).toDoubleArray()).containsExactly(10, 20, 5, 10, 10 / 3.0, 20 / 3.0);
        assertThat(a.maximum(Tensors.of(new double[] {2})).toDoubleArray()).containsExactly(2, 2, 3);
        assertThat(a.minimum(Tensors.of(new double[] {2})).toDoubleArray()).containsExactly(1, 2, 2);
        assertThat(a.add(2.5).toDoubleArray()).containsExactly(3.5, 4.5, 5.5);
        assertThat(a.sub(1).toDoubleArray()).containsExactly(0, 1, 2);
        assertThat(a.div(4).toDoubleArray()).containsExactly(0.25, 0.5, 0.75);
        assertThat(Tensors.of(new double[] {1, -1, 0}).div(Tensors.of(new double[] {0})).toDoubleArray())
                .containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN);
    }

    @Test
    void nanPropagatesThroughMaximumAndMinimum() {
        double[] a = {Double.NaN, 1, 2};
        double[] b = {0, Double.NaN, 1};
        assertThat(apply(Tensor::maximum, a, b)).containsExactly(Double.NaN, Double.NaN, 2);
        assertThat(apply(Tensor::minimum, a, b)).containsExactly(Double.NaN, Double.NaN, 1);
    }

    @Test
    void atan2Quadrants() {
        double[] y = {1, 1, -1, -1, 0, 0, 1, -1, 0, -0.0};
        double[] x = {1, -1, -1, 1, 1, -1, 0, 0, 0, -1};
        double q = Math.PI / 4;
        assertThat(apply(Tensor::atan2, y, x)).containsExactly(q, 3 * q, -3 * q, -q, 0, Math.PI, Math.PI / 2,
                -Math.PI / 2, 0, -Math.PI);
        double r = Math.atan(0.5);
        assertThat(apply(Tensor::atan2, new double[] {1, 1, -1, -1}, new double[] {2, -2, -2, 2}))
                .containsExactly(r, Math.PI - r, -(Math.PI - r), -r);
    }

    @Test
    void powTensorSpecialCases() {
        // C99 / IEEE pow, which PyTorch follows: pow(1, y) = 1 even for NaN y, pow(-1, ±inf) = 1, pow(x, 0) = 1
        double inf = Double.POSITIVE_INFINITY;
        double[] a = {2, 2, 0, 0, 0, -8, -2, 1, Double.NaN, 4, -1, -1, 0.5, 2};
        double[] b = {10, -2, 0, 3, -1, 1.0 / 3, 3, Double.NaN, 0, 0.5, inf, -inf, inf, -inf};
        assertThat(apply(Tensor::pow, a, b)).containsExactly(1024, 0.25, 1, 0, inf, Double.NaN,
                -8, 1, 1, 2, 1, 1, 0, 0);
    }

    @Test
    void powGradientsAtZeroBase() {
        // d/db 0^b is 0 for b >= 0 (the limit, as PyTorch); d/da a^0 is 0 everywhere, including a = 0
        Tensor a = Tensors.of(new double[] {0, 0, 3}).requiresGrad(true);
        Tensor b = Tensors.of(new double[] {2, 0, 0}).requiresGrad(true);
        a.pow(b).sum().backward();
        assertThat(a.grad().toDoubleArray()).containsExactly(0, 0, 0);
        assertThat(b.grad().toDoubleArray()).containsExactly(0, 0, Math.log(3));
    }

    @Test
    void maximumAndMinimumSplitTiesEvenly() {
        Tensor a = Tensors.of(new double[] {1, 2, 3}).requiresGrad(true);
        Tensor b = Tensors.of(new double[] {1, 5, 0}).requiresGrad(true);
        a.maximum(b).sum().backward();
        assertThat(a.grad().toDoubleArray()).containsExactly(0.5, 0, 1);
        assertThat(b.grad().toDoubleArray()).containsExactly(0.5, 1, 0);
        a.zeroGrad();
        b.zeroGrad();
        a.minimum(b).sum().backward();
        assertThat(a.grad().toDoubleArray()).containsExactly(0.5, 1, 0);
        assertThat(b.grad().toDoubleArray()).containsExactly(0.5, 0, 1);
    }

    @Test
    void broadcastGradientsAreSummedToOperandShape() {
        Tensor a = Tensors.of(new double[] {1, 2, 3}, 3, 1).requiresGrad(true);
        Tensor b = Tensors.of(new double[] {10, 20}).requiresGrad(true);
        Tensor s = Tensors.scalar(2, DType.FLOAT64).requiresGrad(true);
        a.mul(b).mul(s).sum().backward();
        assertThat(a.grad().shape()).containsExactly(3, 1);
        assertThat(a.grad().toDoubleArray()).containsExactly(60, 60, 60);
        assertThat(b.grad().toDoubleArray()).containsExactly(12, 12);
        assertThat(s.grad().shape()).isEmpty();
        assertThat(s.grad().item()).isEqualTo(180);
    }

    @Test
    void mixedPrecisionGradientHasOperandType() {
        Tensor a = Tensors.of(new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensors.of(new double[] {3, 4}).requiresGrad(true);
        Tensor y = a.mul(b);
        assertThat(y.dtype()).isEqualTo(DType.FLOAT64);
        y.sum().backward();
        assertThat(a.grad().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(a.grad().toFloatArray()).containsExactly(3f, 4f);
        assertThat(b.grad().dtype()).isEqualTo(DType.FLOAT64);
    }

    // ---------------------------------------------------------------------------------------------------
    // Comparisons and logic

    @Test
    void comparisonsGiveBoolWithNanFalseExceptNe() {
        Tensor a = Tensors.of(new double[] {1, 2, 3, Double.NaN, Double.NaN});
        Tensor b = Tensors.of(new double[] {2, 2, 2, 1, Double.NaN});
        assertThat(a.gt(b).dtype()).isEqualTo(DType.BOOL);
        assertThat(a.gt(b).toBooleanArray()).containsExactly(false, false, true, false, false);
        assertThat(a.ge(b).toBooleanArray()).containsExactly(false, true, true, false, false);
        assertThat(a.lt(b).toBooleanArray()).containsExactly(true, false, false, false, false);
        assertThat(a.le(b).toBooleanArray()).containsExactly(true, true, false, false, false);
        assertThat(a.eq(b).toBooleanArray()).containsExactly(false, true, false, false, false);
        assertThat(a.ne(b).toBooleanArray()).containsExactly(true, false, true, true, true);
        assertThat(a.gt(1.5).toBooleanArray()).containsExactly(false, true, true, false, false);
        assertThat(a.ge(2).toBooleanArray()).containsExactly(false, true, true, false, false);
        assertThat(a.lt(2).toBooleanArray()).containsExactly(true, false, false, false, false);
        assertThat(a.le(2).toBooleanArray()).containsExactly(true, true, false, false, false);
        assertThat(a.eq(3).toBooleanArray()).containsExactly(false, false, true, false, false);
        assertThat(a.ne(3).toBooleanArray()).containsExactly(true, true, false, true, true);
        assertThat(a.gt(b).requiresGrad()).isFalse();
    }

    @Test
    void comparisonsBroadcastAndMixTypes() {
        Tensor a = Tensors.of(new long[] {1, 2, 3}, 3, 1);
        Tensor b = Tensors.of(new float[] {1.5f, 2.5f});
        Tensor gt = a.gt(b);
        assertThat(gt.shape()).containsExactly(3, 2);
        assertThat(gt.toBooleanArray()).containsExactly(false, false, true, false, true, true);
        // a float32 value compares with a double literal after rounding the literal to float32, as in PyTorch
        assertThat(Tensors.of(new float[] {0.1f}).eq(0.1).toBooleanArray()).containsExactly(true);
    }

    @Test
    void logicalConnectivesTreatNonzeroAndNanAsTrue() {
        Tensor a = Tensors.of(new double[] {0, 0, 2, Double.NaN});
        Tensor b = Tensors.of(new double[] {0, -1, 0, 3});
        assertThat(a.logicalAnd(b).dtype()).isEqualTo(DType.BOOL);
        assertThat(a.logicalAnd(b).toBooleanArray()).containsExactly(false, false, false, true);
        assertThat(a.logicalOr(b).toBooleanArray()).containsExactly(false, true, true, true);
        assertThat(a.logicalNot().toBooleanArray()).containsExactly(true, true, false, false);
        Tensor m = Tensors.of(new boolean[] {true, false});
        assertThat(m.logicalNot().dtype()).isEqualTo(DType.BOOL);
        assertThat(m.logicalNot().toBooleanArray()).containsExactly(false, true);
        assertThat(m.logicalAnd(Tensors.of(new boolean[] {true})).toBooleanArray()).containsExactly(true, false);
    }

    @Test
    void whereSelectsAndBroadcasts() {
        Tensor mask = Tensors.of(new boolean[] {true, false}, 2, 1);
        Tensor a = Tensors.of(new double[] {1, 2, 3});
        Tensor b = Tensors.scalar(-1, DType.FLOAT64);
        Tensor w = Tensor.where(mask, a, b);
        assertThat(w.shape()).containsExactly(2, 3);
        assertThat(w.toDoubleArray()).containsExactly(1, 2, 3, -1, -1, -1);
        // a float mask selects where nonzero
        assertThat(Tensor.where(Tensors.of(new double[] {0, 0.5, -1}), a, b).toDoubleArray()).containsExactly(-1, 2, 3);
    }

    @Test
    void denseComparisonsAndWhereAgreeWithTheStridedPath() {
        // Dense (and offset) operands take a direct-array path; transposed views take the strided one.
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Rng rng = new Rng(3);
            Tensor a = Tensors.randn(rng, dt, 5, 4);
            Tensor b = Tensors.randn(rng, dt, 5, 4);
            Tensor at = a.t().contiguous().t();
            Tensor bt = b.t().contiguous().t();
            assertThat(at.isContiguous()).isFalse();
            assertThat(a.gt(b).toBooleanArray()).containsExactly(at.gt(bt).toBooleanArray());
            assertThat(a.le(0.1).toBooleanArray()).containsExactly(at.le(0.1).toBooleanArray());
            Tensor rows = Tensors.randn(rng, dt, 6, 4).narrow(0, 1, 5); // a dense view with an offset
            assertThat(rows.lt(b).toBooleanArray()).containsExactly(rows.contiguous().t().contiguous().t().lt(bt)
                    .toBooleanArray());
            Tensor mask = a.gt(0.0);
            Tensor zero = Tensors.zeros(dt);
            assertThat(Tensor.where(mask, a, b).toDoubleArray()).containsExactly(Tensor.where(mask, at, bt)
                    .toDoubleArray());
            assertThat(Tensor.where(mask, rows, zero).toDoubleArray()).containsExactly(Tensor.where(mask,
                    rows.contiguous().t().contiguous().t(), zero).toDoubleArray());
            assertThat(Tensor.where(mask, zero, b).toDoubleArray()).containsExactly(Tensor.where(mask, zero, bt)
                    .toDoubleArray());
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Type promotion

    @Test
    void dtypePromotionFollowsPytorch() {
        Tensor f32 = Tensors.of(new float[] {1, 2});
        Tensor f64 = Tensors.of(new double[] {1, 2});
        Tensor i64 = Tensors.of(new long[] {3, 4});
        Tensor bool = Tensors.of(new boolean[] {true, false});
        assertThat(f32.mul(f64).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(f64.mul(f32).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(f32.mul(Tensors.scalar(2, DType.FLOAT64)).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensors.scalar(2, DType.FLOAT64).mul(f32).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensors.scalar(2, DType.FLOAT32).mul(Tensors.scalar(2, DType.FLOAT64)).dtype())
                .isEqualTo(DType.FLOAT64);
        assertThat(f32.mul(0.5).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f64.mul(0.5).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(i64.add(i64).dtype()).isEqualTo(DType.INT64);
        assertThat(i64.add(i64).toLongArray()).containsExactly(6, 8);
        assertThat(i64.mul(2).dtype()).isEqualTo(DType.INT64);
        assertThat(i64.mul(0.5).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(i64.mul(0.5).toFloatArray()).containsExactly(1.5f, 2f);
        assertThat(i64.div(i64).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensors.of(new long[] {7, -7}).div(Tensors.of(new long[] {2})).toFloatArray())
                .containsExactly(3.5f, -3.5f);
        assertThat(i64.add(f32).dtype()).isEqualTo(DType.FLOAT32);
        // a 0-dim tensor of a higher category does decide the type (as PyTorch)
        assertThat(i64.mul(Tensors.scalar(0.5, DType.FLOAT64)).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(i64.add(bool).dtype()).isEqualTo(DType.INT64);
        assertThat(i64.add(bool).toLongArray()).containsExactly(4, 4);
        assertThat(i64.pow(Tensors.of(new long[] {2})).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(i64.atan2(i64).dtype()).isEqualTo(DType.FLOAT32);
    }

    @Test
    void float32ArithmeticRoundsOnce() {
        float x = 16777216f; // 2^24: x + 1 is not representable, so the float32 sum rounds back to x
        Tensor a = Tensors.of(new float[] {x, 0.1f});
        Tensor b = Tensors.of(new float[] {1f, 0.2f});
        assertThat(a.add(b).toFloatArray()).containsExactly(x, 0.1f + 0.2f);
        assertThat(a.mul(b).toFloatArray()).containsExactly(x, 0.1f * 0.2f);
        assertThat(a.div(b).toFloatArray()).containsExactly(x, 0.1f / 0.2f);
        // strided float32 path rounds the same way
        Tensor at = Tensors.of(new float[] {x, 0.1f, 3f, 0.7f}, 2, 2).t();
        Tensor bt = Tensors.of(new float[] {1f, 0.2f, 0.3f, 3f}, 2, 2).t();
        assertThat(at.add(bt).toFloatArray()).containsExactly(x, 3f + 0.3f, 0.1f + 0.2f, 0.7f + 3f);
    }

    @Test
    void int64ArithmeticIsExactBeyondDoublePrecision() {
        long big = (1L << 53) + 1;
        Tensor a = Tensors.of(new long[] {big, Long.MAX_VALUE - 1});
        assertThat(a.add(Tensors.of(new long[] {2, 1})).toLongArray()).containsExactly(big + 2, Long.MAX_VALUE);
        assertThat(a.sub(Tensors.of(new long[] {1})).toLongArray()).containsExactly(big - 1, Long.MAX_VALUE - 2);
        assertThat(Tensors.of(new long[] {big}).mul(Tensors.of(new long[] {3})).toLongArray()).containsExactly(big * 3);
        assertThat(a.maximum(Tensors.of(new long[] {big - 1})).toLongArray())
                .containsExactly(big, Long.MAX_VALUE - 1);
        assertThat(Tensors.of(new long[] {big}).add(1).toLongArray()).containsExactly(big + 1);
    }

    // ---------------------------------------------------------------------------------------------------
    // Errors

    @Test
    void broadcastErrorNamesOpAndShapes() {
        Tensor a = Tensors.zeros(3, 4);
        Tensor b = Tensors.zeros(5);
        assertThatThrownBy(() -> a.add(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("add: cannot broadcast [3, 4] with [5]");
        assertThatThrownBy(() -> a.mul(b)).hasMessage("mul: cannot broadcast [3, 4] with [5]");
        assertThatThrownBy(() -> b.sub(a)).hasMessage("sub: cannot broadcast [5] with [3, 4]");
        assertThatThrownBy(() -> a.div(b)).hasMessage("div: cannot broadcast [3, 4] with [5]");
        assertThatThrownBy(() -> a.pow(b)).hasMessage("pow: cannot broadcast [3, 4] with [5]");
        assertThatThrownBy(() -> a.maximum(b)).hasMessage("maximum: cannot broadcast [3, 4] with [5]");
        assertThatThrownBy(() -> a.atan2(b)).hasMessage("atan2: cannot broadcast [3, 4] with [5]");
        assertThatThrownBy(() -> a.gt(b)).hasMessage("gt: cannot broadcast [3, 4] with [5]");
        assertThatThrownBy(() -> Tensor.where(Tensors.zeros(DType.BOOL, 3, 4), a, b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("where: cannot broadcast [3, 4] with [5]");
    }

    @Test
    void requiresGradRejectsIntegerTensors() {
        assertThatThrownBy(() -> Tensors.of(new long[] {1}).requiresGrad(true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requiresGrad: only floating-point tensors can require gradients, this one is int64");
        assertThatThrownBy(() -> Tensors.of(new boolean[] {true}).requiresGrad(true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void operandsAreUnchanged() {
        Tensor a = Tensors.of(new double[] {1, 2});
        Tensor b = Tensors.of(new double[] {3, 4});
        a.add(b);
        a.mul(b).div(a);
        assertThat(a.toDoubleArray()).containsExactly(1, 2);
        assertThat(b.toDoubleArray()).containsExactly(3, 4);
        assertThat(a.add(b).toDoubleArray()).containsExactly(4, 6);
    }
}
