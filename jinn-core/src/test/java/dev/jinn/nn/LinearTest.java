package dev.jinn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

class LinearTest {
    @Test
    void forwardIsXTimesWTransposedPlusBiasOverAnyLeadingDims() {
        Linear layer = new Linear(4, 5, true, new Rng(1));
        layer.to(DType.FLOAT64);
        Tensor x = Tensors.randn(new Rng(2), DType.FLOAT64, 2, 3, 4);
        Tensor y = layer.forward(x);
        assertThat(y.shape()).containsExactly(2, 3, 5);
        double[] xs = x.toDoubleArray();
        double[] w = layer.weight().toDoubleArray();
        double[] b = layer.bias().toDoubleArray();
        double[] ys = y.toDoubleArray();
        for (int r = 0; r < 6; r++) {
            for (int o = 0; o < 5; o++) {
                double expected = b[o];
                for (int i = 0; i < 4; i++) {
                    expected += xs[r * 4 + i] * w[o * 4 + i];
                }
                assertThat(ys[r * 5 + o]).isCloseTo(expected, within(1e-12));
            }
        }
    }

    @Test
    void aVectorInputGivesAVectorAndNoBiasMeansNoShift() {
        Linear layer = new Linear(3, 2, false, new Rng(3));
        assertThat(layer.bias()).isNull();
        assertThat(layer.stateDict().keySet()).containsExactly("weight");
        Tensor y = layer.forward(Tensors.of(new float[] {1, 0, 0}));
        assertThat(y.shape()).containsExactly(2);
        float[] w = layer.weight().toFloatArray();
        assertThat(y.toFloatArray()).containsExactly(w[0], w[3]);
        assertThat(layer.forward(Tensors.zeros(7, 3)).toFloatArray()).containsOnly(0f);
    }

    @Test
    void parametersHavePyTorchsNamesAndShapes() {
        Linear layer = new Linear(2, 512);
        assertThat(layer.stateDict().keySet()).containsExactly("weight", "bias");
        assertThat(layer.weight().shape()).containsExactly(512, 2);
        assertThat(layer.bias().shape()).containsExactly(512);
        assertThat(layer.parameters()).allMatch(p -> p.requiresGrad() && p.isLeaf() && p.dtype() == DType.FLOAT32);
        assertThat(layer.parameterCount()).isEqualTo(2 * 512 + 512);
        assertThat(layer).hasToString("Linear(in_features=2, out_features=512, bias=True)  # 1,536 parameters");
        assertThat(new Linear(3, 1, false)).hasToString("Linear(in_features=3, out_features=1, bias=False)  # 3 parameters");
    }

    @Test
    void defaultInitIsUniformOverOneOverSqrtFanIn() {
        Linear layer = new Linear(256, 1024, true, new Rng(4));
        double bound = 1.0 / 16;
        double[] w = layer.weight().toDoubleArray();
        double sum = 0;
        double sq = 0;
        double max = 0;
        for (double v : w) {
            sum += v;
            sq += v * v;
            max = Math.max(max, Math.abs(v));
        }
        double mean = sum / w.length;
        double var = sq / w.length - mean * mean;
        assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.999 * bound);
        assertThat(mean).isCloseTo(0, within(0.01 * bound));
        assertThat(var).isCloseTo(bound * bound / 3, within(0.03 * bound * bound / 3));

        double[] b = layer.bias().toDoubleArray();
        double bmax = 0;
        double bsq = 0;
        for (double v : b) {
            bmax = Math.max(bmax, Math.abs(v));
            bsq += v * v;
        }
        assertThat(bmax).isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
        assertThat(bsq / b.length).isCloseTo(bound * bound / 3, within(0.15 * bound * bound / 3));
    }

    @Test
    void theSameSeedGivesTheSameLayer() {
        Linear a = new Linear(5, 4, true, new Rng(7));
        Linear b = new Linear(5, 4, true, new Rng(7));
        Linear c = new Linear(5, 4, true, new Rng(8));
        assertThat(a.weight().toFloatArray()).containsExactly(b.weight().toFloatArray());
        assertThat(a.bias().toFloatArray()).containsExactly(b.bias().toFloatArray());
        assertThat(a.weight().toFloatArray()).isNotEqualTo(c.weight().toFloatArray());
    }

    @Test
    void gradientsOfInputWeightAndBiasMatchFiniteDifferences() {
        LayerGradCheck.check(new Linear(3, 2, true, new Rng(5)), Tensors.randn(new Rng(6), 2, 2, 3));
        LayerGradCheck.check(new Linear(3, 4, false, new Rng(5)), Tensors.randn(new Rng(6), 3));
    }

    @Test
    void wrongInputsNameTheLayerAndBothShapes() {
        Linear layer = new Linear(3, 2);
        assertThatThrownBy(() -> layer.forward(Tensors.zeros(4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Linear(in_features=3, out_features=2): expected input [..., 3], got [4, 5]");
        assertThatThrownBy(() -> layer.forward(Tensors.scalar(1)))
                .hasMessage("Linear(in_features=3, out_features=2): expected input [..., 3], got []");
        assertThatThrownBy(() -> layer.forward(Tensors.zeros(DType.FLOAT64, 4, 3)))
                .hasMessageContaining("input dtype float64 differs from the weight's float32");
        assertThatThrownBy(() -> new Linear(-1, 2)).hasMessageContaining("non-negative");
    }
}
