package dev.jinn.flow.spline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The maps inside one bin, against values worked out by hand from Durkan et al.'s formulas. */
class InterpolationTest {
    private static final KnotInterpolation RQ = RationalQuadraticInterpolation.INSTANCE;

    /** One bin per element: corners (x0, y0), (x1, y1) and knot derivatives d0, d1. */
    private static Bin bin(double x0, double x1, double y0, double y1, double d0, double d1) {
        return new Bin(scalar(x0), scalar(x1), scalar(y0), scalar(y1), List.of(scalar(d0)), List.of(scalar(d1)));
    }

    private static Tensor scalar(double v) {
        return Tensors.of(new double[] {v}, 1);
    }

    @Test
    void rationalQuadraticValueAndDerivativeByHand() {
        // Bin [0, 2] → [1, 4], d_k = 0.5, d_{k+1} = 2, x = 0.5: Δx = 2, Δy = 3, s = 1.5, ξ = 0.25, ξ(1−ξ) = 0.1875.
        // numerator   = 3·(1.5·0.0625 + 0.5·0.1875) = 0.5625
        // denominator = 1.5 + (2 + 0.5 − 3)·0.1875 = 1.40625          → y = 1 + 0.5625/1.40625 = 1.4
        // derivative  = 1.5²·(2·0.0625 + 2·1.5·0.1875 + 0.5·0.5625) / 1.40625² = 2.1796875 / 1.9775390625
        SplineValue v = RQ.forward(bin(0, 2, 1, 4, 0.5, 2), scalar(0.5));
        assertThat(v.value().item()).isCloseTo(1.4, within(1e-14));
        assertThat(v.logDerivative().item()).isCloseTo(Math.log(2.1796875 / 1.9775390625), within(1e-14));
    }

    @Test
    void rationalQuadraticInverseRecoversTheHandComputedPoint() {
        SplineValue v = RQ.inverse(bin(0, 2, 1, 4, 0.5, 2), scalar(1.4));
        assertThat(v.value().item()).isCloseTo(0.5, within(1e-14));
        assertThat(v.logDerivative().item()).isCloseTo(Math.log(2.1796875 / 1.9775390625), within(1e-14));
    }

    @Test
    void rationalQuadraticInterpolatesKnotsAndDerivatives() {
        // At the knots the spline passes through the corners with the prescribed derivatives.
        Bin b = bin(-1, 0.5, -2, 3, 0.3, 4.0);
        assertThat(RQ.forward(b, scalar(-1)).value().item()).isCloseTo(-2, within(1e-14));
        assertThat(RQ.forward(b, scalar(0.5)).value().item()).isCloseTo(3, within(1e-14));
        assertThat(RQ.forward(b, scalar(-1)).logDerivative().item()).isCloseTo(Math.log(0.3), within(1e-13));
        assertThat(RQ.forward(b, scalar(0.5)).logDerivative().item()).isCloseTo(Math.log(4.0), within(1e-13));
    }

    @Test
    void rationalQuadraticLogDerivativeMatchesFiniteDifferencesAndInverts() {
        Bin b = bin(-1, 0.5, -2, 3, 0.3, 4.0);
        for (double x = -0.9; x < 0.45; x += 0.1) {
            double h = 1e-6;
            double numeric = (RQ.forward(b, scalar(x + h)).value().item() - RQ.forward(b, scalar(x - h)).value().item())
                    / (2 * h);
            SplineValue v = RQ.forward(b, scalar(x));
            assertThat(v.logDerivative().item()).as("x = " + x).isCloseTo(Math.log(numeric), within(1e-8));
            SplineValue back = RQ.inverse(b, v.value());
            assertThat(back.value().item()).as("x = " + x).isCloseTo(x, within(1e-13));
            assertThat(back.logDerivative().item()).isCloseTo(v.logDerivative().item(), within(1e-12));
        }
    }

    @Test
    void rationalQuadraticWithEqualDerivativesIsTheStraightLine() {
        // d_k = d_{k+1} = s makes δ = 0 and the rational function linear.
        Bin b = bin(0, 2, 0, 3, 1.5, 1.5);
        assertThat(RQ.forward(b, scalar(0.7)).value().item()).isCloseTo(1.05, within(1e-14));
        assertThat(RQ.forward(b, scalar(0.7)).logDerivative().item()).isCloseTo(Math.log(1.5), within(1e-14));
    }

    @Test
    void negativeDiscriminantIsAClearError() {
        // y below its bin (r = −0.5) with d_k = d_{k+1} = 0.5 on the unit bin: a = 1, b = 0, c = 0.5, b² − 4ac = −2.
        assertThatThrownBy(() -> RQ.inverse(bin(0, 1, 0, 1, 0.5, 0.5), scalar(-0.5)))
                .isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("discriminant")
                .hasMessageContaining("-2.0");
    }

    @Test
    void linearInterpolationByHand() {
        Bin b = new Bin(scalar(1), scalar(3), scalar(-1), scalar(5), List.of(), List.of());
        KnotInterpolation lin = LinearInterpolation.INSTANCE;
        assertThat(lin.forward(b, scalar(1.5)).value().item()).isCloseTo(0.5, within(1e-15));
        assertThat(lin.forward(b, scalar(1.5)).logDerivative().item()).isCloseTo(Math.log(3), within(1e-15));
        assertThat(lin.inverse(b, scalar(0.5)).value().item()).isCloseTo(1.5, within(1e-15));
        assertThat(lin.extraParameterCount(7)).isZero();
        assertThat(RQ.extraParameterCount(7)).isEqualTo(6);
    }
}
