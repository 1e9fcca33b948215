package dev.jinn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ActivationsTest {
    /** erf by its Maclaurin series, accurate to ~1e-14 for |x| ≤ 4 (independent of the library's erf). */
    private static double erf(double x) {
        double term = x;
        double sum = x;
        for (int n = 1; n < 120; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    static Stream<Arguments> activations() {
        double c = Math.sqrt(2 / Math.PI);
        return Stream.of(
                Arguments.of(new ReLU(), (DoubleUnaryOperator) x -> Math.max(x, 0), "ReLU()"),
                Arguments.of(new LeakyReLU(), (DoubleUnaryOperator) x -> x > 0 ? x : 0.01 * x,
                        "LeakyReLU(negative_slope=0.01)"),
                Arguments.of(new LeakyReLU(0.2), (DoubleUnaryOperator) x -> x > 0 ? x : 0.2 * x,
                        "LeakyReLU(negative_slope=0.2)"),
                Arguments.of(new ELU(), (DoubleUnaryOperator) x -> x > 0 ? x : Math.exp(x) - 1, "ELU(alpha=1.0)"),
                Arguments.of(new ELU(1.5), (DoubleUnaryOperator) x -> x > 0 ? x : 1.5 * (Math.exp(x) - 1),
                        "ELU(alpha=1.5)"),
                Arguments.of(new GELU(), (DoubleUnaryOperator) x -> 0.5 * x * (1 + erf(x / Math.sqrt(2))),
                        "GELU(approximate='none')"),
                Arguments.of(new GELU("tanh"),
                        (DoubleUnaryOperator) x -> 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x * x * x))),
                        "GELU(approximate='tanh')"),
                Arguments.of(new SiLU(), (DoubleUnaryOperator) x -> x / (1 + Math.exp(-x)), "SiLU()"),
                Arguments.of(new Tanh(), (DoubleUnaryOperator) Math::tanh, "Tanh()"),
                Arguments.of(new Sigmoid(), (DoubleUnaryOperator) x -> 1 / (1 + Math.exp(-x)), "Sigmoid()"),
                Arguments.of(new Softplus(), (DoubleUnaryOperator) x -> Math.log1p(Math.exp(x)),
                        "Softplus(beta=1.0, threshold=20.0)"),
                Arguments.of(new Softplus(2, 3),
                        (DoubleUnaryOperator) x -> 2 * x > 3 ? x : Math.log1p(Math.exp(2 * x)) / 2,
                        "Softplus(beta=2.0, threshold=3.0)"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("activations")
    void matchesItsFormulaElementwise(Layer act, DoubleUnaryOperator f, String repr) {
        double[] xs = {-3.7, -2, -0.9, -0.01, 0, 0.3, 1.2, 1.6, 2.5, 4};
        Tensor y = act.forward(Tensors.of(xs, 2, 5));
        assertThat(y.shape()).containsExactly(2, 5);
        assertThat(y.dtype()).isEqualTo(DType.FLOAT64);
        double[] ys = y.toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            assertThat(ys[i]).as("%s at %s", repr, xs[i]).isCloseTo(f.applyAsDouble(xs[i]), within(1e-12));
        }
        assertThat(act.forward(Tensors.of(new float[] {0.5f})).dtype()).isEqualTo(DType.FLOAT32);
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("activations")
    void printsLikePyTorchAndHasNoParameters(Layer act, DoubleUnaryOperator f, String repr) {
        assertThat(act).hasToString(repr);
        assertThat(act.stateDict()).isEmpty();
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("activations")
    void gradientsMatchFiniteDifferences(Layer act, DoubleUnaryOperator f, String repr) {
        // random points stay away from the kink at 0 and the softplus threshold with probability ~1
        LayerGradCheck.check(act, Tensors.randn(new Rng(repr.hashCode()), DType.FLOAT64, 2, 4).mul(2));
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> new GELU("erf")).hasMessageContaining("approximate must be \"none\" or \"tanh\"");
        assertThatThrownBy(() -> new Softplus(0)).hasMessageContaining("beta must be finite and nonzero");
        assertThatThrownBy(() -> new LeakyReLU(Double.NaN)).hasMessageContaining("negative_slope must be finite");
        assertThatThrownBy(() -> new ELU(Double.POSITIVE_INFINITY)).hasMessageContaining("alpha must be finite");
    }

    @Test
    void floatsPrintAsPythonReprs() {
        assertThat(Repr.pyFloat(1e-5)).isEqualTo("1e-05");
        assertThat(Repr.pyFloat(0.1)).isEqualTo("0.1");
        assertThat(Repr.pyFloat(1)).isEqualTo("1.0");
        assertThat(Repr.pyFloat(20)).isEqualTo("20.0");
        assertThat(Repr.pyFloat(-0.0025)).isEqualTo("-0.0025");
        assertThat(Repr.pyFloat(1.234e-5)).isEqualTo("1.234e-05");
        assertThat(Repr.pyFloat(1e16)).isEqualTo("1e+16");
        assertThat(Repr.pyFloat(123456.5)).isEqualTo("123456.5");
        assertThat(Repr.pyTuple(new int[] {4})).isEqualTo("(4,)");
        assertThat(Repr.pyTuple(new int[] {3, 8})).isEqualTo("(3, 8)");
    }
}
