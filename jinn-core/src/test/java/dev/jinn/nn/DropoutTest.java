package dev.jinn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

class DropoutTest {
    @Test
    void zeroesAboutPOfTheElementsAndScalesTheRest() {
        Dropout d = new Dropout(0.3, new Rng(1));
        Tensor x = Tensors.randn(new Rng(2), DType.FLOAT64, 400, 250).add(5);
        double[] xs = x.toDoubleArray();
        double[] ys = d.forward(x).toDoubleArray();
        int zeros = 0;
        for (int i = 0; i < xs.length; i++) {
            if (ys[i] == 0) {
                zeros++;
            } else {
                assertThat(ys[i]).isCloseTo(xs[i] / 0.7, within(1e-12));
            }
        }
        assertThat(zeros / (double) xs.length).isCloseTo(0.3, within(0.01));
    }

    @Test
    void keepsTheExpectation() {
        Dropout d = new Dropout(0.5, new Rng(3));
        double[] x = {-2, 0.5, 1, 3};
        double[] sum = new double[4];
        int samples = 20_000;
        Tensor input = Tensors.of(x);
        for (int s = 0; s < samples; s++) {
            double[] y = d.forward(input).toDoubleArray();
            for (int i = 0; i < 4; i++) {
                sum[i] += y[i];
            }
        }
        for (int i = 0; i < 4; i++) {
            // sd of the mean: |x| / √samples ≈ 0.007 |x|
            assertThat(sum[i] / samples).isCloseTo(x[i], within(0.03 * Math.abs(x[i])));
        }
    }

    @Test
    void evalIsTheIdentity() {
        Dropout d = new Dropout(0.9);
        d.eval();
        Tensor x = Tensors.randn(new Rng(4), 10, 10);
        assertThat(d.forward(x)).isSameAs(x);
    }

    @Test
    void theSameSeedGivesTheSameMask() {
        Tensor x = Tensors.ones(50);
        float[] a = new Dropout(0.5, new Rng(5)).forward(x).toFloatArray();
        float[] b = new Dropout(0.5, new Rng(5)).forward(x).toFloatArray();
        float[] c = new Dropout(0.5, new Rng(6)).forward(x).toFloatArray();
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a).containsOnly(0f, 2f);
    }

    @Test
    void theGradientIsTheScaledMask() {
        Dropout d = new Dropout(0.25, new Rng(7));
        Tensor x = Tensors.randn(new Rng(8), DType.FLOAT64, 6, 5).add(3).requiresGrad(true);
        Tensor y = d.forward(x);
        y.sum().backward();
        double[] g = x.grad().toDoubleArray();
        double[] ys = y.toDoubleArray();
        for (int i = 0; i < g.length; i++) {
            assertThat(g[i]).isEqualTo(ys[i] == 0 ? 0.0 : 1 / 0.75, within(1e-12));
        }
    }

    @Test
    void edgeProbabilitiesFollowPyTorch() {
        Tensor x = Tensors.randn(new Rng(9), 5, 3);
        assertThat(new Dropout(0.0).forward(x)).isSameAs(x);
        for (float v : new Dropout(1.0).forward(x).toFloatArray()) {
            assertThat(v == 0f).isTrue(); // ±0: x · 0, as PyTorch computes it
        }
        assertThatThrownBy(() -> new Dropout(-0.1)).hasMessage("Dropout: probability has to be between 0 and 1, but got -0.1");
        assertThatThrownBy(() -> new Dropout(1.5)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> new Dropout(Double.NaN)).hasMessageContaining("between 0 and 1");
        assertThat(new Dropout()).hasToString("Dropout(p=0.5)");
        assertThat(new Dropout().stateDict()).isEmpty();
    }
}
