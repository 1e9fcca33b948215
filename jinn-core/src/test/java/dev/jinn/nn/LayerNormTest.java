package dev.jinn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

class LayerNormTest {
    /** Normalises consecutive groups of {@code size} values by the formula, with per-position w and b. */
    private static void assertFormula(Tensor x, Tensor y, int size, double eps, double[] w, double[] b) {
        double[] xs = x.toDoubleArray();
        double[] ys = y.toDoubleArray();
        for (int g = 0; g < xs.length / size; g++) {
            double m = 0;
            for (int i = 0; i < size; i++) {
                m += xs[g * size + i] / size;
            }
            double v = 0;
            for (int i = 0; i < size; i++) {
                v += (xs[g * size + i] - m) * (xs[g * size + i] - m) / size;
            }
            for (int i = 0; i < size; i++) {
                double expected = (xs[g * size + i] - m) / Math.sqrt(v + eps) * w[i] + b[i];
                assertThat(ys[g * size + i]).isCloseTo(expected, within(1e-12));
            }
        }
    }

    @Test
    void normalisesTheLastDimByTheFormula() {
        LayerNorm ln = new LayerNorm(4);
        ln.to(DType.FLOAT64);
        Init.uniform(ln.weight(), 0.5, 2, new Rng(1));
        Init.uniform(ln.bias(), -1, 1, new Rng(2));
        Tensor x = Tensors.randn(new Rng(3), DType.FLOAT64, 2, 3, 4).mul(3).add(1);
        Tensor y = ln.forward(x);
        assertThat(y.shape()).containsExactly(2, 3, 4);
        assertFormula(x, y, 4, 1e-5, ln.weight().toDoubleArray(), ln.bias().toDoubleArray());
    }

    @Test
    void normalisesSeveralTrailingDimsTogether() {
        LayerNorm ln = new LayerNorm(new int[] {3, 4}, 1e-3, true);
        ln.to(DType.FLOAT64);
        Init.uniform(ln.weight(), 0.5, 2, new Rng(4));
        Init.uniform(ln.bias(), -1, 1, new Rng(5));
        Tensor x = Tensors.randn(new Rng(6), DType.FLOAT64, 2, 3, 4);
        assertFormula(x, ln.forward(x), 12, 1e-3, ln.weight().toDoubleArray(), ln.bias().toDoubleArray());
        assertThat(ln.weight().shape()).containsExactly(3, 4);
    }

    @Test
    void withoutAffineParametersOnlyNormalises() {
        LayerNorm ln = new LayerNorm(new int[] {5}, 1e-5, false);
        assertThat(ln.stateDict()).isEmpty();
        Tensor x = Tensors.randn(new Rng(7), DType.FLOAT64, 3, 5);
        assertFormula(x, ln.forward(x), 5, 1e-5, new double[] {1, 1, 1, 1, 1}, new double[5]);
        LayerNorm noBias = new LayerNorm(new int[] {5}, 1e-5, true, false);
        assertThat(noBias.stateDict().keySet()).containsExactly("weight");
    }

    @Test
    void trainingAndEvalAgreeAndKeysAndReprAreAsInPyTorch() {
        LayerNorm ln = new LayerNorm(4);
        Tensor x = Tensors.randn(new Rng(8), 3, 4);
        float[] train = ln.forward(x).toFloatArray();
        ln.eval();
        assertThat(ln.forward(x).toFloatArray()).containsExactly(train);
        assertThat(ln.stateDict().keySet()).containsExactly("weight", "bias");
        assertThat(ln.weight().toFloatArray()).containsOnly(1f);
        assertThat(ln.bias().toFloatArray()).containsOnly(0f);
        assertThat(ln).hasToString("LayerNorm((4,), eps=1e-05, elementwise_affine=True)  # 8 parameters");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        LayerNorm ln = new LayerNorm(2, 3);
        ln.to(DType.FLOAT64);
        Init.uniform(ln.weight(), 0.5, 2, new Rng(9));
        Init.uniform(ln.bias(), -1, 1, new Rng(10));
        LayerGradCheck.check(ln, Tensors.randn(new Rng(11), 2, 2, 3));
    }

    @Test
    void wrongTrailingDimsAreAClearError() {
        assertThatThrownBy(() -> new LayerNorm(4).forward(Tensors.zeros(2, 3)))
                .hasMessage("LayerNorm((4,)): expected input [*, 4], got [2, 3]");
        assertThatThrownBy(() -> new LayerNorm(3, 4).forward(Tensors.zeros(4)))
                .hasMessage("LayerNorm((3, 4)): expected input [*, 3, 4], got [4]");
        assertThatThrownBy(() -> new LayerNorm()).hasMessageContaining("at least one dim");
    }
}
