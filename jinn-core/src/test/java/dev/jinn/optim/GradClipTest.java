package dev.jinn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradClipTest {
    private static final double[] G0 = {3.0, -4.0, 12.0};
    private static final double[] G1 = {0.5, -1.5, 2.5, 84.0};

    private static List<Tensor> withGrads(double[] g0, double[] g1) {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Problem.setGrad(ps.get(0), g0);
        Problem.setGrad(ps.get(1), g1);
        return ps;
    }

    private static double norm2(double[]... gs) {
        double s = 0;
        for (double[] g : gs) {
            for (double v : g) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    @Test
    void clipsByTheGlobalEuclideanNorm() {
        List<Tensor> ps = withGrads(G0, G1);
        double expected = norm2(G0, G1);
        double total = GradClip.clipGradNorm(ps, 5.0, 2, true);
        assertThat(total).isCloseTo(expected, within(1e-15 * expected));
        double coef = 5.0 / (total + 1e-6);
        double[] g0 = ps.get(0).grad().toDoubleArray();
        double[] g1 = ps.get(1).grad().toDoubleArray();
        for (int i = 0; i < G0.length; i++) {
            assertThat(g0[i]).isEqualTo(G0[i] * coef);
        }
        for (int i = 0; i < G1.length; i++) {
            assertThat(g1[i]).isEqualTo(G1[i] * coef);
        }
        assertThat(norm2(g0, g1)).isCloseTo(5.0, within(1e-6));
    }

    @Test
    void clipsByTheLargestAbsoluteValue() {
        List<Tensor> ps = withGrads(G0, G1);
        double total = GradClip.clipGradNorm(ps, 42.0, Double.POSITIVE_INFINITY, true);
        assertThat(total).isEqualTo(84.0);
        assertThat(ps.get(1).grad().toDoubleArray()[3]).isCloseTo(42.0, within(1e-6));
        assertThat(ps.get(0).grad().toDoubleArray()[0]).isEqualTo(3.0 * (42.0 / (84.0 + 1e-6)));
    }

    @Test
    void leavesGradientsAloneBelowTheLimitAndSkipsMissingOnes() {
        List<Tensor> ps = withGrads(G0, G1);
        ps.get(1).zeroGrad();
        double total = GradClip.clipGradNorm(ps, 13.0 + 1e-3);
        assertThat(total).isEqualTo(13.0);
        assertThat(ps.get(0).grad().toDoubleArray()).containsExactly(G0);
        assertThat(ps.get(1).grad()).isNull();
        List<Tensor> none = new ArrayList<>(Problem.params(DType.FLOAT64));
        assertThat(GradClip.clipGradNorm(none, 1.0)).isZero();
    }

    @Test
    void nonFiniteNormThrowsOrLeavesGradientsUnchanged() {
        double[] withNan = {1.0, Double.NaN, 2.0};
        List<Tensor> ps = withGrads(withNan, G1);
        assertThatThrownBy(() -> GradClip.clipGradNorm(ps, 1.0, 2, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("non-finite (NaN)");
        assertThat(GradClip.clipGradNorm(ps, 1.0, 2, false)).isNaN();
        assertThat(GradClip.clipGradNorm(ps, 1.0, Double.POSITIVE_INFINITY, false)).isNaN();
        assertThat(ps.get(0).grad().toDoubleArray()).containsExactly(withNan);
        assertThat(ps.get(1).grad().toDoubleArray()).containsExactly(G1);

        double[] withInf = {1.0, Double.NEGATIVE_INFINITY, 2.0};
        List<Tensor> qs = withGrads(withInf, G1);
        assertThatThrownBy(() -> GradClip.clipGradNorm(qs, 1.0, Double.POSITIVE_INFINITY, true))
                .hasMessageContaining("non-finite (Infinity)");
        assertThat(GradClip.clipGradNorm(qs, 1.0, 2, false)).isInfinite();
        assertThat(qs.get(0).grad().toDoubleArray()).containsExactly(withInf);
    }

    @Test
    void float32GradientsAreScaledInTheirOwnDtype() {
        List<Tensor> ps = Problem.params(DType.FLOAT32);
        Problem.setGrad(ps.get(0), G0);
        Problem.setGrad(ps.get(1), G1);
        double total = GradClip.clipGradNorm(ps, 1.0);
        assertThat(total).isCloseTo(norm2(G0, G1), within(1e-12));
        assertThat(ps.get(0).grad().dtype()).isEqualTo(DType.FLOAT32);
        float coef = (float) (1.0 / (total + 1e-6));
        assertThat(ps.get(0).grad().toFloatArray()[2]).isEqualTo(12.0f * coef);
    }

    @Test
    void rejectsBadArguments() {
        List<Tensor> ps = withGrads(G0, G1);
        assertThatThrownBy(() -> GradClip.clipGradNorm(ps, -1)).hasMessageContaining("maxNorm must be >= 0");
        assertThatThrownBy(() -> GradClip.clipGradNorm(ps, 1, 1, false)).hasMessageContaining("normType must be 2");
        assertThatThrownBy(() -> GradClip.clipGradValue(ps, Double.NaN)).hasMessageContaining("clipValue");
    }

    @Test
    void clipsByValue() {
        List<Tensor> ps = withGrads(G0, new double[] {0.5, -1.5, Double.NaN, 84.0});
        ps.add(Tensors.zeros(DType.FLOAT64, 2).requiresGrad(true)); // no gradient: skipped
        GradClip.clipGradValue(ps, 2.0);
        assertThat(ps.get(0).grad().toDoubleArray()).containsExactly(2.0, -2.0, 2.0);
        double[] g1 = ps.get(1).grad().toDoubleArray();
        assertThat(g1[0]).isEqualTo(0.5);
        assertThat(g1[1]).isEqualTo(-1.5);
        assertThat(g1[2]).isNaN();
        assertThat(g1[3]).isEqualTo(2.0);
        assertThat(ps.get(2).grad()).isNull();
    }
}
