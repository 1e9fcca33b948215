package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.autograd.GradCheck;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnaryOpsTest {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    /**
     * One unary op under test: its domain for random inputs, the points where it has a kink (inputs are kept
     * at least 0.05 away from them), and whether its second derivative is checked too.
     */
    record Case(String name, UnaryOperator<Tensor> f, double lo, double hi, double[] kinks) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final double[] NONE = {};
    private static final double[] ZERO = {0.0};

    static Stream<Case> cases() {
        return Stream.of(
                new Case("neg", Tensor::neg, -2, 2, NONE),
                new Case("abs", Tensor::abs, -2, 2, ZERO),
                new Case("sign", Tensor::sign, -2, 2, ZERO),
                new Case("exp", Tensor::exp, -2, 2, NONE),
                new Case("expm1", Tensor::expm1, -2, 2, NONE),
                new Case("log", Tensor::log, 0.2, 3, NONE),
                new Case("log1p", Tensor::log1p, -0.7, 3, NONE),
                new Case("sqrt", Tensor::sqrt, 0.2, 3, NONE),
                new Case("rsqrt", Tensor::rsqrt, 0.2, 3, NONE),
                new Case("square", Tensor::square, -2, 2, NONE),
                new Case("reciprocal", Tensor::reciprocal, 0.3, 3, NONE),
                new Case("pow(3)", t -> t.pow(3.0), -2, 2, NONE),
                new Case("pow(2)", t -> t.pow(2.0), -2, 2, NONE),
                new Case("pow(-1.5)", t -> t.pow(-1.5), 0.3, 3, NONE),
                new Case("pow(0.5)", t -> t.pow(0.5), 0.3, 3, NONE),
                new Case("pow(0)", t -> t.pow(0.0), -2, 2, NONE),
                new Case("sin", Tensor::sin, -3, 3, NONE),
                new Case("cos", Tensor::cos, -3, 3, NONE),
                new Case("tanh", Tensor::tanh, -2.5, 2.5, NONE),
                new Case("sigmoid", Tensor::sigmoid, -4, 4, NONE),
                new Case("logSigmoid", Tensor::logSigmoid, -4, 4, NONE),
                new Case("softplus", Tensor::softplus, -4, 4, NONE),
                // beta 2, threshold 3: βx > 3 where x > 1.5, so both branches are exercised
                new Case("softplus(2,3)", t -> t.softplus(2.0, 3.0), -1, 3, new double[] {1.5}),
                new Case("softplus(-1,2)", t -> t.softplus(-1.0, 2.0), -4, 3, new double[] {-2.0}),
                new Case("atan", Tensor::atan, -3, 3, NONE),
                new Case("erf", Tensor::erf, -2.5, 2.5, NONE),
                new Case("relu", Tensor::relu, -2, 2, ZERO),
                new Case("leakyRelu", t -> t.leakyRelu(0.2), -2, 2, ZERO),
                new Case("elu", t -> t.elu(1.3), -2, 2, ZERO),
                new Case("gelu", Tensor::gelu, -3, 3, NONE),
                new Case("geluTanh", t -> t.gelu(true), -3, 3, NONE),
                new Case("silu", Tensor::silu, -3, 3, NONE),
                new Case("clamp", t -> t.clamp(-0.5, 0.7), -2, 2, new double[] {-0.5, 0.7}));
    }

    static Stream<Arguments> casesAndSeeds() {
        return cases().flatMap(c -> Stream.of(1L, 2L).map(s -> Arguments.of(c, s)));
    }

    /** Uniform float64 values in [lo, hi), nudged at least 0.05 away from every kink. */
    static double[] values(Case c, long seed, int n) {
        Rng rng = new Rng(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x = c.lo + (c.hi - c.lo) * rng.nextDouble();
            for (double k : c.kinks) {
                if (Math.abs(x - k) < 0.05) {
                    x = x < k ? k - 0.05 - (k - x) : k + 0.05 + (x - k);
                }
            }
            v[i] = x;
        }
        return v;
    }

    static Tensor input(Case c, long seed, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return Tensors.of(values(c, seed, n), shape).requiresGrad(true);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("casesAndSeeds")
    void gradientMatchesFiniteDifferences(Case c, long seed) {
        GradCheck.check(in -> c.f.apply(in[0]), input(c, seed, 3, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientOfTransposedView(Case c) {
        Tensor x = input(c, 3, 4, 3);
        GradCheck.check(in -> {
            Tensor v = in[0].transpose(0, 1);
            assertThat(v.isContiguous()).isFalse();
            return c.f.apply(v);
        }, x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientOfSteppedSlice(Case c) {
        Tensor x = input(c, 4, 2, 7);
        GradCheck.check(in -> c.f.apply(in[0].slice(1, 1, 7, 2)), x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientOfScalarInput(Case c) {
        Tensor x = Tensors.scalar(values(c, 5, 1)[0], DType.FLOAT64).requiresGrad(true);
        GradCheck.check(in -> c.f.apply(in[0]), x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void secondDerivativeMatchesFiniteDifferences(Case c) {
        GradCheck.withTolerances(1e-5, 1e-3).secondOrder(true).verify(in -> c.f.apply(in[0]), input(c, 6, 2, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float32ResultIsFloat64ResultRounded(Case c) {
        // The elementwise kernels compute in double and round once, so float32 must be exactly the rounding
        // of the float64 result on the same (float-representable) inputs. The tanh form of gelu is composed
        // of several ops, each rounding, so it is only close; float32 exp works in float (FloatExp, vectorised)
        // and is within 1 ulp.
        double[] v = values(c, 7, 24);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
            v[i] = f[i];
        }
        float[] single = c.f.apply(Tensors.of(f, 4, 6)).toFloatArray();
        double[] dbl = c.f.apply(Tensors.of(v, 4, 6)).toDoubleArray();
        assertThat(c.f.apply(Tensors.of(f, 4, 6)).dtype()).isEqualTo(DType.FLOAT32);
        for (int i = 0; i < v.length; i++) {
            if (c.name.equals("geluTanh")) {
                assertThat((double) single[i]).isCloseTo(dbl[i], within(1e-6 * (1 + Math.abs(dbl[i]))));
            } else if (c.name.equals("exp")) {
                int ulps = Math.abs(Float.floatToIntBits(single[i]) - Float.floatToIntBits((float) dbl[i]));
                assertThat(ulps).as("ulps between float32 and rounded float64 exp(%s)", f[i]).isLessThanOrEqualTo(1);
            } else {
                assertThat(single[i]).as("%s(%s)", c.name, f[i]).isEqualTo((float) dbl[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stridedInputGivesSameValuesAsContiguous(Case c) {
        double[] v = values(c, 8, 12);
        Tensor x = Tensors.of(v, 3, 4);
        Tensor viaView = c.f.apply(x.t().contiguous().t());
        assertThat(viaView.toDoubleArray()).containsExactly(c.f.apply(x).toDoubleArray());
        float[] f = new float[12];
        for (int i = 0; i < 12; i++) {
            f[i] = (float) v[i];
        }
        Tensor xf = Tensors.of(f, 3, 4);
        assertThat(c.f.apply(xf.t().contiguous().t()).toFloatArray()).containsExactly(c.f.apply(xf).toFloatArray());
    }

    // ---------------------------------------------------------------------------------------------------
    // Values against closed forms and known constants

    private static double[] apply(UnaryOperator<Tensor> f, double... xs) {
        return f.apply(Tensors.of(xs)).toDoubleArray();
    }

    private static double one(UnaryOperator<Tensor> f, double x) {
        return f.apply(Tensors.scalar(x, DType.FLOAT64)).item();
    }

    @Test
    void basicValues() {
        assertThat(apply(Tensor::neg, 1.5, -2, 0)).containsExactly(-1.5, 2, -0.0);
        assertThat(apply(Tensor::abs, -3.25, 2, -0.0)).containsExactly(3.25, 2, 0);
        assertThat(apply(Tensor::sign, -3.25, 2, 0)).containsExactly(-1, 1, 0);
        assertThat(apply(Tensor::square, -3, 0.5)).containsExactly(9, 0.25);
        assertThat(apply(Tensor::reciprocal, 4, -0.5)).containsExactly(0.25, -2);
        assertThat(apply(Tensor::sqrt, 16, 2.25)).containsExactly(4, 1.5);
        assertThat(apply(Tensor::rsqrt, 16, 0.25)).containsExactly(0.25, 2);
        assertThat(one(Tensor::exp, 1)).isEqualTo(Math.E);
        assertThat(one(Tensor::log, Math.E)).isCloseTo(1, within(1e-16));
        assertThat(one(Tensor::log, 0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(one(Tensor::log, -1)).isNaN();
        assertThat(one(Tensor::sqrt, -1)).isNaN();
        assertThat(one(Tensor::atan, 1)).isCloseTo(Math.PI / 4, within(1e-16));
        assertThat(one(Tensor::atan, Double.POSITIVE_INFINITY)).isEqualTo(Math.PI / 2);
        assertThat(one(Tensor::sin, Math.PI / 6)).isCloseTo(0.5, within(1e-15));
        assertThat(one(Tensor::cos, Math.PI / 3)).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void expm1AndLog1pKeepPrecisionNearZero() {
        // exp(x) - 1 = x + x²/2 + ..., log(1 + x) = x - x²/2 + ...: both exact to double rounding at 1e-10
        assertThat(one(Tensor::expm1, 1e-10)).isEqualTo(1e-10 + 5e-21);
        assertThat(one(Tensor::log1p, 1e-10)).isEqualTo(1e-10 - 5e-21);
        assertThat(one(Tensor::log1p, -1)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void powSpecialCases() {
        assertThat(apply(t -> t.pow(0.0), 0, -3, Double.NaN)).containsExactly(1, 1, 1);
        assertThat(apply(t -> t.pow(0.5), 9, 0, -1)).containsExactly(3, 0, Double.NaN);
        assertThat(apply(t -> t.pow(-1.0), 0, -0.0, 4)).containsExactly(Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 0.25);
        assertThat(apply(t -> t.pow(3.0), -2, 1.5)).containsExactly(-8, 3.375);
        assertThat(apply(t -> t.pow(1.0), -2, 1.5)).containsExactly(-2, 1.5);
        // C99 pow, as PyTorch: 1^y = 1 even for NaN y, (-1)^±inf = 1
        assertThat(apply(t -> t.pow(Double.NaN), 1, 2)).containsExactly(1, Double.NaN);
        assertThat(apply(t -> t.pow(Double.POSITIVE_INFINITY), -1, 0.5, 2)).containsExactly(1, 0, Double.POSITIVE_INFINITY);
    }

    @Test
    void powGradientAtZeroExponent() {
        Tensor x = Tensors.of(new double[] {0, 2, -3}).requiresGrad(true);
        x.pow(0.0).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(0, 0, 0);
    }

    @Test
    void tanhMatchesExponentialForm() {
        for (double x : new double[] {-3, -0.7, 0.2, 0.5, 1.9}) {
            double e = Math.exp(2 * x);
            assertThat(one(Tensor::tanh, x)).isCloseTo((e - 1) / (e + 1), within(1e-15));
        }
        assertThat(one(Tensor::tanh, 0.5)).isCloseTo(0.46211715726000974, within(1e-16));
        assertThat(apply(Tensor::tanh, 1000, -1000)).containsExactly(1, -1);
    }

    @Test
    void sigmoidIsSymmetricAndStable() {
        double[] xs = {-30, -5, -1, -0.25, 0, 0.3, 2, 17};
        double[] pos = apply(Tensor::sigmoid, xs);
        double[] neg = apply(t -> t.neg().sigmoid(), xs);
        for (int i = 0; i < xs.length; i++) {
            assertThat(pos[i] + neg[i]).isCloseTo(1.0, within(1e-15));
            assertThat(pos[i]).isCloseTo(1 / (1 + Math.exp(-xs[i])), within(1e-15));
        }
        assertThat(one(Tensor::sigmoid, 0)).isEqualTo(0.5);
        assertThat(apply(Tensor::sigmoid, 1000, -1000)).containsExactly(1, 0);
        // deep in the left tail sigmoid(x) = e^x to double precision, not 0 from 1 - 1
        assertThat(one(Tensor::sigmoid, -700)).isCloseTo(Math.exp(-700), within(Math.exp(-700) * 1e-15));
    }

    @Test
    void logSigmoidIsMinusSoftplusOfMinusX() {
        double[] xs = {-30, -5, -1, 0, 0.3, 2, 19, 25};
        double[] ls = apply(Tensor::logSigmoid, xs);
        // without a threshold: above it softplus is the identity by design, so the identity would be approximate
        double[] sp = apply(t -> t.neg().softplus(1, Double.POSITIVE_INFINITY), xs);
        for (int i = 0; i < xs.length; i++) {
            assertThat(ls[i]).isCloseTo(-sp[i], within(1e-15 * (1 + Math.abs(sp[i]))));
        }
        assertThat(one(Tensor::logSigmoid, 0)).isCloseTo(-Math.log(2), within(1e-16));
        assertThat(one(Tensor::logSigmoid, -1000)).isEqualTo(-1000);
        double right = one(Tensor::logSigmoid, 1000);
        assertThat(right).isFinite().isLessThanOrEqualTo(0).isGreaterThan(-1e-300);
        // log(sigmoid(40)) = -log1p(e^-40) ≈ -e^-40, far below 1 - sigmoid's resolution
        assertThat(one(Tensor::logSigmoid, 40)).isCloseTo(-Math.exp(-40), within(1e-30));
    }

    @Test
    void logSigmoidGradientIsStableAtExtremes() {
        Tensor x = Tensors.of(new double[] {-1000, 1000}).requiresGrad(true);
        x.logSigmoid().sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(1, 0);
    }

    @Test
    void softplusIsIdentityAboveThresholdAndLog1pExpBelow() {
        // default beta 1, threshold 20
        double[] xs = {20.5, 25, 100, 1e6};
        assertThat(apply(Tensor::softplus, xs)).containsExactly(xs);
        for (double x : new double[] {-30, -2, 0, 1.5, 19.5}) {
            assertThat(one(Tensor::softplus, x)).isCloseTo(Math.log1p(Math.exp(x)), within(1e-15 * (1 + x * x)));
        }
        assertThat(one(Tensor::softplus, 0)).isCloseTo(Math.log(2), within(1e-16));
        // beta 2, threshold 3: the identity above x = 1.5, log(1 + e^(2x)) / 2 below
        assertThat(one(t -> t.softplus(2, 3), 1.6)).isEqualTo(1.6);
        assertThat(one(t -> t.softplus(2, 3), 1.4)).isCloseTo(Math.log1p(Math.exp(2.8)) / 2, within(1e-15));
        assertThat(one(t -> t.softplus(2, 3), -1)).isCloseTo(Math.log1p(Math.exp(-2)) / 2, within(1e-16));
    }

    @Test
    void softplusGradientOnBothSidesOfThreshold() {
        Tensor x = Tensors.of(new double[] {1.4, 1.6, -1}).requiresGrad(true);
        x.softplus(2, 3).sum().backward();
        double[] g = x.grad().toDoubleArray();
        assertThat(g[0]).isCloseTo(1 / (1 + Math.exp(-2.8)), within(1e-15));
        assertThat(g[1]).isEqualTo(1.0);
        assertThat(g[2]).isCloseTo(1 / (1 + Math.exp(2)), within(1e-15));
    }

    @Test
    void erfKnownValues() {
        assertRel(one(Tensor::erf, 0.5), 0.5204998778130465, 1e-15);
        assertRel(one(Tensor::erf, 1), 0.8427007929497149, 1e-15);
        assertRel(one(Tensor::erf, 2), 0.9953222650189527, 1e-15);
        assertRel(one(Tensor::erf, 3), 0.9999779095030014, 1e-15);
        assertRel(one(Tensor::erf, -1), -0.8427007929497149, 1e-15);
        assertThat(one(Tensor::erf, 0)).isEqualTo(0);
        assertThat(apply(Tensor::erf, 10, -10, Double.POSITIVE_INFINITY)).containsExactly(1, -1, 1);
    }

    @Test
    void geluKnownValuesAndTanhForm() {
        // gelu(x) = x Φ(x), Φ(1) = 0.8413447460685429
        assertRel(one(Tensor::gelu, 1), 0.8413447460685429, 1e-15);
        assertRel(one(Tensor::gelu, -1), -(1 - 0.8413447460685429), 1e-14);
        assertThat(one(Tensor::gelu, 0)).isEqualTo(0);
        assertThat(apply(Tensor::gelu, 50, -50)).containsExactly(50, -0.0);
        for (double x : new double[] {-2.5, -0.4, 0.7, 1, 3}) {
            double expected = 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            assertThat(one(t -> t.gelu(true), x)).isCloseTo(expected, within(1e-15));
        }
    }

    @Test
    void siluAndActivationValues() {
        for (double x : new double[] {-4, -0.5, 0, 1.2, 6}) {
            assertThat(one(Tensor::silu, x)).isCloseTo(x / (1 + Math.exp(-x)), within(1e-15));
            assertThat(one(t -> t.elu(1.3), x)).isEqualTo(x > 0 ? x : 1.3 * Math.expm1(x));
            assertThat(one(t -> t.leakyRelu(0.2), x)).isEqualTo(x > 0 ? x : 0.2 * x);
            assertThat(one(Tensor::relu, x)).isEqualTo(Math.max(x, 0));
        }
        assertThat(apply(t -> t.clamp(-0.5, 0.7), -2, -0.5, 0.1, 0.7, 3)).containsExactly(-0.5, -0.5, 0.1, 0.7, 0.7);
        assertThat(apply(t -> t.clamp(1, 1), -2, 5)).containsExactly(1, 1);
    }

    @Test
    void nanPropagates() {
        for (UnaryOperator<Tensor> f : java.util.List.<UnaryOperator<Tensor>>of(Tensor::relu, Tensor::exp,
                Tensor::sigmoid, Tensor::tanh, Tensor::erf, Tensor::gelu, Tensor::softplus, t -> t.clamp(0, 1),
                t -> t.leakyRelu(0.1), Tensor::abs, Tensor::logSigmoid)) {
            assertThat(one(f, Double.NaN)).isNaN();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Subgradients at kinks

    private static double[] gradAt(UnaryOperator<Tensor> f, double... xs) {
        Tensor x = Tensors.of(xs).requiresGrad(true);
        f.apply(x).sum().backward();
        return x.grad().toDoubleArray();
    }

    @Test
    void documentedSubgradientsAtKinks() {
        assertThat(gradAt(Tensor::relu, 0, -1, 2)).containsExactly(0, 0, 1);
        assertThat(gradAt(Tensor::abs, 0, -1, 2)).containsExactly(0, -1, 1);
        assertThat(gradAt(Tensor::sign, 0, -1, 2)).containsExactly(0, 0, 0);
        assertThat(gradAt(t -> t.leakyRelu(0.2), 0, -1, 2)).containsExactly(0.2, 0.2, 1);
        assertThat(gradAt(t -> t.elu(1.3), 0, 1)).containsExactly(1.3, 1);
        // clamp passes the gradient at the bounds, inclusive
        assertThat(gradAt(t -> t.clamp(-0.5, 0.7), -0.5, 0.7, -0.6, 0.71, 0.1)).containsExactly(1, 1, 0, 0, 1);
    }

    /** ELU's gradient {@code f'(x)·1}, recorded, so that its own derivatives can be checked. */
    private static Tensor eluSlope(Tensor x) {
        // GradCheck evaluates the function once without recording, only for its output shape.
        try (Grad.Scope s = Grad.enabled()) {
            Tensor y = x.elu(1.3);
            return Grad.grad(java.util.List.of(y), java.util.List.of(x), java.util.List.of(Tensors.onesLike(y)),
                    true, true).get(0);
        }
    }

    @Test
    void eluThirdDerivativeMatchesFiniteDifferences() {
        // The fused backward is differentiated by itself again: check the second and third derivatives of ELU
        // through its recorded first derivative.
        Tensor x = Tensors.of(new double[] {-1.7, -0.4, 0.3, 1.2, -2.5, 0.8}, 2, 3).requiresGrad(true);
        GradCheck.withTolerances(1e-5, 1e-3).secondOrder(true).verify(in -> eluSlope(in[0]), x);
    }

    @Test
    void eluFloat32GradientsOfFirstAndSecondOrderMatchFloat64() {
        double[] v = {-3.1, -1.0, -0.25, 0.5, 2.0, -0.01};
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
            v[i] = f[i];
        }
        for (boolean single : new boolean[] {true, false}) {
            Tensor x = (single ? Tensors.of(f, 2, 3) : Tensors.of(v, 2, 3)).requiresGrad(true);
            Tensor slope = eluSlope(x);
            Tensor curvature = Grad.grad(java.util.List.of(slope), java.util.List.of(x),
                    java.util.List.of(Tensors.onesLike(slope)), false, false).get(0);
            assertThat(slope.dtype()).isEqualTo(single ? DType.FLOAT32 : DType.FLOAT64);
            double[] s = slope.toDoubleArray();
            double[] c = curvature.toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                double exact = 1.3 * Math.exp(v[i]);
                assertThat(s[i]).isCloseTo(v[i] > 0 ? 1 : exact, within(1e-7 * exact + 1e-15));
                assertThat(c[i]).isCloseTo(v[i] > 0 ? 0 : exact, within(1e-7 * exact + 1e-15));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Types and errors

    @Test
    void integerInputsGiveFloat32ExceptSignLikeOps() {
        Tensor i = Tensors.of(new long[] {-2, 3});
        assertThat(i.neg().dtype()).isEqualTo(DType.INT64);
        assertThat(i.neg().toLongArray()).containsExactly(2, -3);
        assertThat(i.abs().toLongArray()).containsExactly(2, 3);
        assertThat(i.sign().toLongArray()).containsExactly(-1, 1);
        assertThat(i.square().dtype()).isEqualTo(DType.INT64);
        assertThat(i.clamp(-1, 1).toLongArray()).containsExactly(-1, 1);
        assertThat(i.exp().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(i.sqrt().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(i.sigmoid().dtype()).isEqualTo(DType.FLOAT32);
        // a float exponent gives a float result whatever its value (as torch.tensor([-2, 3]) ** 2.0)
        assertThat(i.pow(2.0).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(i.pow(2.0).toFloatArray()).containsExactly(4f, 9f);
        assertThat(i.pow(3.0).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensors.of(new float[] {1}).exp().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensors.of(new double[] {1}).exp().dtype()).isEqualTo(DType.FLOAT64);
    }

    @Test
    void int64SignLikeOpsAreExactBeyondDoublePrecision() {
        long big = (1L << 53) + 1;
        Tensor i = Tensors.of(new long[] {big, -big});
        assertThat(i.neg().toLongArray()).containsExactly(-big, big);
        assertThat(i.abs().toLongArray()).containsExactly(big, big);
        assertThat(i.clamp(-1e300, 1e300).toLongArray()).containsExactly(big, -big);
    }

    @Test
    void clampRejectsMinAboveMax() {
        assertThatThrownBy(() -> Tensors.zeros(2).clamp(1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clamp: need min <= max, got min=1.0 max=0.0");
        assertThatThrownBy(() -> Tensors.zeros(2).clamp(Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, Double.NaN})
    void softplusRejectsZeroBeta(double beta) {
        assertThatThrownBy(() -> Tensors.zeros(2).softplus(beta, 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softplus: beta must be nonzero, got " + beta);
    }

    @Test
    void resultsDoNotRecordWithoutGradOrInDisabledScope() {
        Tensor x = Tensors.of(new double[] {1, 2});
        assertThat(x.exp().requiresGrad()).isFalse();
        Tensor y = Tensors.of(new double[] {1, 2}).requiresGrad(true);
        assertThat(y.exp().gradFnName()).isEqualTo("ExpBackward");
        try (Grad.Scope s = Grad.disabled()) {
            assertThat(y.exp().requiresGrad()).isFalse();
        }
    }

    @Test
    void float32EluSlopeKeepsFloatPrecisionFarIntoTheNegativeTail() {
        // The float32 kernel derives the slope αeˣ from expm1(x) + 1 down to x = -16 and uses exp below; both
        // sides of that switch must stay within float32 rounding of the exact value α·eˣ.
        float[] xs = {-40f, -20f, -16.5f, -16f, -15.9f, -8f, -1f, -1e-3f, -1e-7f, 0f, 2f};
        Tensor x = Tensors.of(xs, xs.length).requiresGrad(true);
        x.elu(1.3).sum().backward();
        float[] g = x.grad().toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            double exact = xs[i] > 0 ? 1 : 1.3 * Math.exp(xs[i]);
            assertThat((double) g[i]).as("slope at %s", xs[i]).isCloseTo(exact, within(Math.abs(exact) * 2e-7));
        }
    }

    private static void assertRel(double actual, double expected, double rel) {
        assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * rel));
    }

    /**
     * The float32 backward of relu, tanh and sigmoid runs through fused float loops; each value must be the
     * exact rule evaluated in double and rounded once, for dense and for non-contiguous upstream gradients.
     */
    @ParameterizedTest
    @ValueSource(strings = {"relu", "tanh", "sigmoid"})
    void float32PointwiseBackwardIsTheDoubleRuleRoundedOnce(String op) {
        Rng rng = new Rng(7);
        float[] values = Tensors.randn(rng, DType.FLOAT32, 40, 30).mul(3.0).toFloatArray();
        float[] edges = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE};
        System.arraycopy(edges, 0, values, 0, edges.length);
        Tensor x = Tensors.of(values, 40, 30).requiresGrad(true);
        Tensor seed = Tensors.randn(rng, DType.FLOAT32, 30, 40).transpose(0, 1);
        Tensor y = switch (op) {
            case "relu" -> x.relu();
            case "tanh" -> x.tanh();
            default -> x.sigmoid();
        };
        y.backward(seed);
        float[] xs = x.detach().toFloatArray();
        float[] ys = y.detach().toFloatArray();
        float[] gs = seed.toFloatArray();
        float[] grad = x.grad().toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            double g = gs[i];
            double yv = ys[i];
            double expected = switch (op) {
                case "relu" -> xs[i] > 0 ? g : 0.0 * g; // the step times g: a zero keeps g's sign
                case "tanh" -> g * (1 - yv * yv);
                default -> g * yv * (1 - yv);
            };
            assertThat(grad[i]).as("%s at %d", op, i).isEqualTo((float) expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT32", "FLOAT64"})
    void reluPassesTheGradientOnlyWhereTheInputIsPositiveAndNaNWhereItIsNaN(String type) {
        DType dtype = DType.valueOf(type);
        Tensor x = Tensors.of(new double[] {-2, -0.0, 0, 1e-300, 3, Double.NaN}).to(dtype).requiresGrad(true);
        x.relu().backward(Tensors.of(new double[] {5, 5, 5, 5, 5, 5}).to(dtype));
        double tiny = dtype == DType.FLOAT32 ? 0 : 5; // 1e-300 rounds to 0 in float32
        assertThat(x.grad().toDoubleArray()).containsExactly(0, 0, 0, tiny, 5, Double.NaN);
    }
}
