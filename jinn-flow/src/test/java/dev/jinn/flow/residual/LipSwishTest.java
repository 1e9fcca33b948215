package dev.jinn.flow.residual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.autograd.GradCheck;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LipSwishTest {
    private static LipSwish withBeta(double beta) {
        LipSwish f = new LipSwish();
        f.to(DType.FLOAT64);
        try (var g = Grad.disabled()) {
            f.parameter("beta").fill(Math.log(Math.expm1(beta))); // softplus⁻¹(β)
        }
        return f;
    }

    @Test
    void knownValues() {
        LipSwish f = withBeta(1.0);
        assertThat(f.beta()).isCloseTo(1.0, within(1e-12));
        double[] y = f.forward(Tensors.of(new double[] {2.0, -1.0, 0.0}, 3)).toDoubleArray();
        assertThat(y[0]).isCloseTo(2.0 / (1 + Math.exp(-2.0)) / 1.1, within(1e-12));
        assertThat(y[1]).isCloseTo(-1.0 / (1 + Math.exp(1.0)) / 1.1, within(1e-12));
        assertThat(y[2]).isEqualTo(0.0);
        assertThat(new LipSwish().beta()).isCloseTo(Math.log1p(Math.exp(0.5)), within(1e-6));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.5, 1.0, 4.0, 50.0})
    void slopeNeverExceedsOne(double beta) {
        LipSwish f = withBeta(beta);
        Tensor x = Tensors.linspace(DType.FLOAT64, -20 / beta, 20 / beta, 4001).requiresGrad(true);
        Tensor slope;
        try (var g = Grad.enabled()) {
            slope = Grad.grad(f.forward(x).sum(), x, false);
        }
        double max = slope.max().item();
        assertThat(max).isLessThanOrEqualTo(1.0).isGreaterThan(0.99); // 1.0998/1.1: the bound is nearly tight
    }

    @Test
    void inputGradientMatchesFiniteDifferences() {
        LipSwish f = withBeta(0.7);
        Tensor x = Tensors.randn(new Rng(1), DType.FLOAT64, 2, 3).requiresGrad(true);
        GradCheck.withTolerances(1e-8, 1e-6).secondOrder(true).verify(in -> f.forward(in[0]), x);
    }
}
