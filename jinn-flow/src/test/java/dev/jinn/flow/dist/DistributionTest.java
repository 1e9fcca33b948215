package dev.jinn.flow.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.ScaleShift;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistributionTest {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    /** A 2-D ScaleShift with s = (0.3, -0.5), t = (1, -2) in float64. */
    private static ScaleShift affine() {
        ScaleShift m = new ScaleShift(List.of(Shape.of(2)), List.of(), false);
        m.to(DType.FLOAT64);
        try (var g = Grad.disabled()) {
            m.parameter("s").copyFrom(Tensors.of(new double[] {0.3, -0.5}, 2));
            m.parameter("t").copyFrom(Tensors.of(new double[] {1, -2}, 2));
        }
        return m;
    }

    private static double normalLogPdf(double... v) {
        double s = 0;
        for (double x : v) {
            s += -0.5 * x * x - 0.5 * LOG_2PI;
        }
        return s;
    }

    @Test
    void standardNormalMatchesTheClosedForm() {
        Tensor x = Tensors.of(new double[] {0.5, -1, 2, 0, 0, 0}, 2, 3);
        double[] lp = new StandardNormal(3).logProb(x).toDoubleArray();
        assertThat(lp[0]).isCloseTo(normalLogPdf(0.5, -1, 2), within(1e-14));
        assertThat(lp[1]).isCloseTo(normalLogPdf(0, 0, 0), within(1e-14));
        assertThat(new StandardNormal(2, 3).logProb(Tensors.zeros(DType.FLOAT64, 4, 2, 3)).shape())
                .isEqualTo(new int[] {4});
    }

    @Test
    void pullBackIsTheChangeOfVariablesThroughTheFlow() {
        // T(x) = x e^s + t, so log p(x) = log N(T(x)) + Σ s.
        PullBack d = new PullBack(new StandardNormal(2), affine());
        double[] lp = d.logProb(Tensors.of(new double[] {0.2, 0.7}, 1, 2)).toDoubleArray();
        double z0 = 0.2 * Math.exp(0.3) + 1;
        double z1 = 0.7 * Math.exp(-0.5) - 2;
        assertThat(lp[0]).isCloseTo(normalLogPdf(z0, z1) + 0.3 - 0.5, within(1e-12));
    }

    @Test
    void pushForwardIsTheChangeOfVariablesThroughTheInverse() {
        // x = z e^s + t, so log p(x) = log N((x - t) e^{-s}) - Σ s.
        PushForward d = new PushForward(new StandardNormal(2), affine());
        double[] lp = d.logProb(Tensors.of(new double[] {0.2, 0.7}, 1, 2)).toDoubleArray();
        double z0 = (0.2 - 1) * Math.exp(-0.3);
        double z1 = (0.7 + 2) * Math.exp(0.5);
        assertThat(lp[0]).isCloseTo(normalLogPdf(z0, z1) - 0.3 + 0.5, within(1e-12));
    }

    @Test
    void pushForwardSamplesHaveTheTransformedMomentsAndNoGradient() {
        PushForward d = new PushForward(new StandardNormal(2), affine());
        Tensor s = d.sample(new Rng(3), 20000, DType.FLOAT64, List.of());
        assertThat(s.shape()).isEqualTo(new int[] {20000, 2});
        assertThat(s.requiresGrad()).isFalse();
        double[] mean = s.mean(0).toDoubleArray();
        double[] std = s.std(new int[] {0}, true, false).toDoubleArray();
        // Standard errors: e^{0.3}/sqrt(20000) ≈ 0.0095; allow 4 of them.
        assertThat(mean[0]).isCloseTo(1, within(0.04));
        assertThat(mean[1]).isCloseTo(-2, within(0.04));
        assertThat(std[0]).isCloseTo(Math.exp(0.3), within(0.03));
        assertThat(std[1]).isCloseTo(Math.exp(-0.5), within(0.03));
    }

    @Test
    void rsampleCarriesGradientsToTheParameters() {
        ScaleShift m = affine();
        Tensor s = new PushForward(new StandardNormal(2), m).rsample(new Rng(1), 5, DType.FLOAT64, List.of());
        assertThat(s.requiresGrad()).isTrue();
        s.sum().backward();
        // d Σx / d t_j = n for every j.
        assertThat(m.parameter("t").grad().toDoubleArray()).containsExactly(5.0, 5.0);
    }

    @Test
    void pullBackSamplesInvertTheFlow() {
        ScaleShift m = affine();
        PullBack d = new PullBack(new StandardNormal(2), m);
        Tensor x = d.sample(new Rng(9), 4, DType.FLOAT64, List.of());
        Tensor z = new StandardNormal(2).sample(new Rng(9), 4, DType.FLOAT64, List.of());
        assertThat(m.forward(x).output().allClose(z, 0, 1e-12)).isTrue();
        assertThat(d.eventShape()).isEqualTo(Shape.of(2));
    }

    @Test
    void wrongShapesAreClearErrors() {
        PullBack d = new PullBack(new StandardNormal(2), affine());
        assertThatThrownBy(() -> d.logProb(Tensors.zeros(DType.FLOAT64, 16, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[B, 2]");
        assertThatThrownBy(() -> new PullBack(new StandardNormal(3), affine()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(3,)").hasMessageContaining("(2,)");
        assertThatThrownBy(() -> new StandardNormal(2).logProb(Tensors.zeros(DType.FLOAT64, 4, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("StandardNormal(2,)");
    }

    @Test
    void conditionalFlowsTakeTheirConditionsInBothDirections() {
        // ScaleShift with zero parameters and a condition adds the condition's mean: T(x) = x + mean(c).
        ScaleShift m = new ScaleShift(List.of(Shape.of(2)), List.of(Shape.of(3)), false);
        m.to(DType.FLOAT64);
        PullBack d = new PullBack(new StandardNormal(2), m);
        Tensor c = Tensors.of(new double[] {1, 2, 3}, 1, 3);
        double lp = d.logProb(Tensors.of(new double[] {0.5, -1}, 1, 2), List.of(c)).item();
        assertThat(lp).isCloseTo(normalLogPdf(2.5, 1), within(1e-12));
        Tensor x = d.sample(new Rng(4), 1, DType.FLOAT64, List.of(c));
        Tensor z = new StandardNormal(2).sample(new Rng(4), 1, DType.FLOAT64, List.of());
        assertThat(x.allClose(z.sub(2), 0, 1e-12)).isTrue();
    }
}
