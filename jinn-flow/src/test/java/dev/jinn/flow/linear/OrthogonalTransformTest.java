package dev.jinn.flow.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrthogonalTransformTest {
    @Test
    void conformance() {
        // The harness perturbs W away from orthogonality, which checks the exact inverse and ln|det W| term. A
        // correction between its forward and reverse calls would change the map, so none is due here.
        FlowConformance.of("OrthogonalTransform (10,)", OrthogonalTransform.builder().rng(new Rng(3))
                .correctionInterval(1_000_000), List.of(Shape.of(10)), List.of()).run();
        FlowConformance.of("OrthogonalTransform (3,) clamp 0.5", OrthogonalTransform.builder().rng(new Rng(4))
                .clamp(0.5).correctionInterval(1_000_000), List.of(Shape.of(3)), List.of()).parameterNoise(0.5).run();
    }

    @Test
    void initialWeightsAreOrthogonal() {
        var m = OrthogonalTransform.builder().rng(new Rng(5)).build(List.of(Shape.of(6)), List.of());
        assertOrthogonal(m.parameter("weights"), 1e-5);
        assertThat(m.stateDict().keySet()).containsExactly("weights", "bias", "scaling");
        assertThat(m.parameter("bias").shape()).containsExactly(1, 6);
    }

    @Test
    void forwardFollowsTheFormula() {
        var m = OrthogonalTransform.builder().rng(new Rng(6)).clamp(0.3).build(List.of(Shape.of(3)), List.of());
        m.to(DType.FLOAT64);
        m.correct(); // orthogonal to float64 precision, not only float32
        m.eval();
        double[] w = m.parameter("weights").toDoubleArray();
        double[] b = m.parameter("bias").toDoubleArray();
        double[] s = {0.7, -0.2, 1.5};
        try (var g = Grad.disabled()) {
            m.parameter("scaling").copyFrom(Tensors.of(s, 1, 3));
        }
        double[] x = {0.4, -1.1, 2.0};
        FlowResult r = m.forward(Tensors.of(x, 1, 3));
        double logDet = 0;
        for (int j = 0; j < 3; j++) {
            double ls = 0.3 * 0.636 * Math.atan(s[j] / 0.3);
            logDet += ls;
            double xw = 0;
            for (int i = 0; i < 3; i++) {
                xw += x[i] * w[i * 3 + j];
            }
            assertThat(r.output().toDoubleArray()[j]).isCloseTo((xw + b[j]) * Math.exp(ls), within(1e-12));
        }
        // W orthogonal: |det W| = 1, the log-det is FrEIA's Σ ls.
        assertThat(r.logDet().item()).isCloseTo(logDet, within(1e-12));
        assertThat(m.inverse(r.output()).output().allClose(Tensors.of(x, 1, 3), 0, 1e-12)).isTrue();
    }

    @Test
    void correctRestoresOrthogonalityAndKeepsTheFirstRowsDirection() {
        var m = OrthogonalTransform.builder().rng(new Rng(7)).build(List.of(Shape.of(5)), List.of());
        m.to(DType.FLOAT64);
        Tensor w = m.parameter("weights");
        try (var g = Grad.disabled()) {
            w.copyFrom(w.add(Tensors.randn(new Rng(8), DType.FLOAT64, 5, 5).mul(0.2)));
        }
        double[] before = w.toDoubleArray();
        m.correct();
        assertOrthogonal(w, 1e-12);
        double[] after = w.toDoubleArray();
        double norm = Math.sqrt(before[0] * before[0] + before[1] * before[1] + before[2] * before[2]
                + before[3] * before[3] + before[4] * before[4]);
        for (int k = 0; k < 5; k++) {
            assertThat(after[k]).isCloseTo(before[k] / norm, within(1e-12));
        }
        // Row 1 stays in the span of rows 0 and 1: it has no component along the corrected rows 2..4.
        double[] row1 = java.util.Arrays.copyOfRange(before, 5, 10);
        for (int r = 2; r < 5; r++) {
            double dot = 0;
            for (int k = 0; k < 5; k++) {
                dot += row1[k] * after[r * 5 + k];
            }
            assertThat(dot).isCloseTo(0, within(1e-12));
        }
    }

    @Test
    void correctsEveryIntervalInTrainingModeOnly() {
        var m = OrthogonalTransform.builder().rng(new Rng(9)).correctionInterval(3).build(List.of(Shape.of(4)),
                List.of());
        m.to(DType.FLOAT64);
        Tensor w = m.parameter("weights");
        Tensor x = Tensors.randn(new Rng(10), DType.FLOAT64, 2, 4);
        perturb(w);
        m.eval();
        for (int i = 0; i < 5; i++) {
            m.forward(x);
        }
        assertThat(orthogonalityError(w)).as("eval mode never corrects").isGreaterThan(1e-3);
        m.train();
        m.forward(x);
        m.inverse(x);
        assertThat(orthogonalityError(w)).as("after two training calls").isGreaterThan(1e-3);
        m.forward(x);
        assertThat(orthogonalityError(w)).as("at the third training call").isLessThan(1e-12);
        perturb(w);
        m.forward(x);
        m.forward(x);
        assertThat(orthogonalityError(w)).isGreaterThan(1e-3);
        m.forward(x);
        assertThat(orthogonalityError(w)).as("at the sixth training call").isLessThan(1e-12);
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> OrthogonalTransform.builder().build(List.of(Shape.of(2, 3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OrthogonalTransform")
                .hasMessageContaining("vector");
        assertThatThrownBy(() -> OrthogonalTransform.builder().build(List.of(Shape.of(3)), List.of(Shape.of(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no conditions");
        assertThatThrownBy(() -> OrthogonalTransform.builder().correctionInterval(0).build(List.of(Shape.of(3)),
                List.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("correctionInterval");
        assertThatThrownBy(() -> OrthogonalTransform.builder().clamp(0).build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clamp");
    }

    private static void perturb(Tensor w) {
        try (var g = Grad.disabled()) {
            w.copyFrom(w.add(Tensors.randn(new Rng(11), DType.FLOAT64, w.shape()).mul(0.1)));
        }
    }

    private static double orthogonalityError(Tensor w) {
        return w.matmul(w.t()).sub(Tensors.eye(DType.FLOAT64, w.size(0))).abs().max().item();
    }

    private static void assertOrthogonal(Tensor w, double tol) {
        Tensor w64 = w.to(DType.FLOAT64);
        assertThat(orthogonalityError(w64)).isLessThan(tol);
    }
}
