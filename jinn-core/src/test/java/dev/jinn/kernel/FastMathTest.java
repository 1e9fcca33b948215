package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FastMathTest {
    /** Largest error in ulps of the reference over random arguments of magnitude up to {@code range}. */
    private static double maxUlpError(DoubleUnaryOperator fast, DoubleUnaryOperator reference, double range) {
        SplittableRandom r = new SplittableRandom(7);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            double x = (2 * r.nextDouble() - 1) * range;
            double want = reference.applyAsDouble(x);
            double got = fast.applyAsDouble(x);
            worst = Math.max(worst, Math.abs(got - want) / Math.ulp(want));
        }
        return worst;
    }

    @ParameterizedTest
    @CsvSource({"1e-8", "0.3", "1", "20", "700"})
    void expIsWithinTwoUlpsOfTheJdk(double range) {
        assertThat(maxUlpError(FastMath::exp, Math::exp, range)).isLessThanOrEqualTo(2.0);
    }

    @ParameterizedTest
    @CsvSource({"1e-8", "0.3", "0.7", "3", "700"})
    void expm1IsWithinThreeUlpsOfTheJdk(double range) {
        assertThat(maxUlpError(FastMath::expm1, Math::expm1, range)).isLessThanOrEqualTo(3.0);
    }

    @ParameterizedTest
    @CsvSource({"1e-8", "0.3", "2", "25"})
    void tanhIsWithinFourUlpsOfTheJdk(double range) {
        assertThat(maxUlpError(FastMath::tanh, Math::tanh, range)).isLessThanOrEqualTo(4.0);
    }

    @Test
    void sigmoidMatchesItsDefinition() {
        for (double x = -30; x <= 30; x += 0.37) {
            double want = 1.0 / (1.0 + Math.exp(-x));
            assertThat(FastMath.sigmoid(x)).isCloseTo(want, org.assertj.core.data.Percentage.withPercentage(1e-12));
        }
        assertThat(FastMath.sigmoid(-1000)).isEqualTo(0.0);
        assertThat(FastMath.sigmoid(1000)).isEqualTo(1.0);
    }

    @Test
    void edgeCasesFollowIeee() {
        assertThat(FastMath.exp(Double.NaN)).isNaN();
        assertThat(FastMath.exp(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(FastMath.exp(Double.NEGATIVE_INFINITY)).isEqualTo(0.0);
        assertThat(FastMath.exp(709.78)).isCloseTo(Math.exp(709.78), within(2 * Math.ulp(Math.exp(709.78))));
        assertThat(FastMath.exp(710)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(FastMath.exp(-740)).isCloseTo(Math.exp(-740), within(2 * Math.ulp(Math.exp(-740))));
        assertThat(FastMath.exp(-746)).isEqualTo(0.0);
        assertThat(FastMath.exp(0.0)).isEqualTo(1.0);
        assertThat(FastMath.tanh(Double.NaN)).isNaN();
        assertThat(FastMath.tanh(-50)).isEqualTo(-1.0);
        assertThat(FastMath.tanh(-0.0)).isEqualTo(-0.0);
        assertThat(FastMath.expm1(1e-300)).isEqualTo(1e-300);
    }
}
