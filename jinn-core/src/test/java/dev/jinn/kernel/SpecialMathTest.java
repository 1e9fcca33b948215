package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecialMathTest {
    private static void assertRel(double actual, double expected, double rel) {
        assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * rel));
    }

    // Reference values: Python's math.erf / math.erfc (correctly rounded to a few ulps).
    @ParameterizedTest
    @CsvSource({
        "0.1, 0.1124629160182849",
        "0.5, 0.5204998778130465",
        "1.0, 0.8427007929497149",
        "1.5, 0.9661051464753108",
        "2.0, 0.9953222650189527",
        "3.0, 0.9999779095030014",
    })
    void erfKnownValues(double x, double expected) {
        assertRel(SpecialMath.erf(x), expected, 1e-15);
        assertRel(SpecialMath.erf(-x), -expected, 1e-15);
        assertThat(SpecialMath.erfc(x)).isCloseTo(1 - expected, within(2e-16));
    }

    @ParameterizedTest
    @CsvSource({
        "1.0, 0.15729920705028513",
        "2.0, 0.004677734981047266",
        "3.0, 2.209049699858544e-05",
        "5.0, 1.5374597944280349e-12",
        "10.0, 2.088487583762545e-45",
    })
    void erfcKnownValuesInTheTail(double x, double expected) {
        assertRel(SpecialMath.erfc(x), expected, 1e-13);
        assertRel(SpecialMath.erfc(-x), 2 - expected, 1e-15);
    }

    @Test
    void erfLimitsAndSymmetry() {
        assertThat(SpecialMath.erf(0)).isEqualTo(0);
        assertThat(SpecialMath.erf(Double.POSITIVE_INFINITY)).isEqualTo(1);
        assertThat(SpecialMath.erf(Double.NEGATIVE_INFINITY)).isEqualTo(-1);
        assertThat(SpecialMath.erfc(Double.POSITIVE_INFINITY)).isEqualTo(0);
        assertThat(SpecialMath.erfc(Double.NEGATIVE_INFINITY)).isEqualTo(2);
        assertThat(SpecialMath.erf(Double.NaN)).isNaN();
        assertThat(SpecialMath.erfc(Double.NaN)).isNaN();
        assertThat(SpecialMath.erfc(30)).isEqualTo(0); // below the smallest double
        // for tiny x, erf(x) = 2x/√π to double precision
        assertThat(SpecialMath.erf(1e-200)).isCloseTo(2e-200 / Math.sqrt(Math.PI), within(1e-215));
        for (double x = -4; x <= 4; x += 0.173) {
            assertThat(SpecialMath.erf(x) + SpecialMath.erfc(x)).isCloseTo(1, within(1e-15));
            assertThat(SpecialMath.erf(-x)).isEqualTo(-SpecialMath.erf(x));
        }
    }

    // Python's math.erfc on both sides of the switches between series and continued fraction (1 and 2)
    @ParameterizedTest
    @CsvSource({
        "0.25, 0.7236736098317631",
        "0.75, 0.28884436634648486",
        "0.99, 0.1614919304446302",
        "1.0, 0.15729920705028513",
        "1.25, 0.07709987174354177",
        "1.5, 0.033894853524689274",
        "1.75, 0.013328328780817555",
        "1.9, 0.0072095707647425325",
        "1.99, 0.004888586800383003",
        "2.5, 0.0004069520174449589",
        "4.0, 1.541725790028002e-08",
        "6.0, 2.1519736712498916e-17",
        "9.0, 4.13703174651381e-37",
        "15.0, 7.212994172451206e-100",
        "26.0, 5.663192408856143e-296",
    })
    void erfcHasSmallRelativeErrorEverywhere(double x, double expected) {
        assertRel(SpecialMath.erfc(x), expected, 1e-15);
        assertRel(SpecialMath.erf(x), 1 - expected, 1e-15);
    }

    @Test
    void erfIsMonotone() {
        double prev = -1;
        for (double x = -6; x <= 6; x += 0.01) {
            double e = SpecialMath.erf(x);
            assertThat(e).isGreaterThanOrEqualTo(prev);
            prev = e;
        }
    }

    @Test
    void normalCdfValues() {
        assertRel(SpecialMath.normalCdf(1), 0.8413447460685429, 1e-15);
        assertThat(SpecialMath.normalCdf(0)).isEqualTo(0.5);
        // Φ(-x) = erfc(x/√2)/2, relative accuracy in the left tail: Φ(-5) = 2.866515718791939e-07
        assertRel(SpecialMath.normalCdf(-5), 2.866515718791939e-07, 1e-13);
        assertRel(SpecialMath.normalCdf(-1.959963984540054), 0.025, 1e-14);
        for (double x = -3; x <= 3; x += 0.25) {
            assertThat(SpecialMath.normalCdf(x) + SpecialMath.normalCdf(-x)).isCloseTo(1, within(2e-16));
        }
    }

    @Test
    void sigmoidAndLogSigmoid() {
        assertThat(SpecialMath.sigmoid(0)).isEqualTo(0.5);
        assertThat(SpecialMath.sigmoid(Double.POSITIVE_INFINITY)).isEqualTo(1);
        assertThat(SpecialMath.sigmoid(Double.NEGATIVE_INFINITY)).isEqualTo(0);
        assertThat(SpecialMath.sigmoid(Double.NaN)).isNaN();
        for (double x = -10; x <= 10; x += 0.5) {
            assertThat(SpecialMath.sigmoid(x) + SpecialMath.sigmoid(-x)).isCloseTo(1, within(2.3e-16));
            assertThat(SpecialMath.logSigmoid(x)).isCloseTo(Math.log(1 / (1 + Math.exp(-x))), within(1e-14));
        }
        assertThat(SpecialMath.logSigmoid(-1000)).isEqualTo(-1000);
        assertThat(SpecialMath.logSigmoid(1000)).isEqualTo(-0.0);
        assertThat(SpecialMath.logSigmoid(Double.NEGATIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(SpecialMath.logSigmoid(Double.NaN)).isNaN();
        assertRel(SpecialMath.logSigmoid(-40), -40 - Math.exp(-40), 1e-16);
    }

    @Test
    void softplus() {
        assertThat(SpecialMath.softplus(0, 1, 20)).isEqualTo(Math.log(2));
        assertThat(SpecialMath.softplus(21, 1, 20)).isEqualTo(21);
        assertThat(SpecialMath.softplus(-800, 1, 20)).isEqualTo(0);
        // log(1 + e^-30) = e^-30 - e^-60/2 + ...
        assertRel(SpecialMath.softplus(-30, 1, 20), Math.exp(-30) * (1 - Math.exp(-30) / 2), 1e-15);
        assertRel(SpecialMath.softplus(1, 3, 20), Math.log1p(Math.exp(3)) / 3, 1e-15);
        // beta < 0: log(1 + e^(βx))/β, the identity where βx > threshold
        assertRel(SpecialMath.softplus(1, -2, 20), Math.log1p(Math.exp(-2)) / -2, 1e-15);
        assertThat(SpecialMath.softplus(-11, -2, 20)).isEqualTo(-11);
    }

    @ParameterizedTest
    @CsvSource({
        "1.0, NaN, 1.0",
        "1.0, Infinity, 1.0",
        "-1.0, Infinity, 1.0",
        "-1.0, -Infinity, 1.0",
        "NaN, 0.0, 1.0",
        "2.0, 10.0, 1024.0",
        "0.5, Infinity, 0.0",
        "2.0, -Infinity, 0.0",
        "-8.0, 0.3333333333333333, NaN",
        "-2.0, 3.0, -8.0",
        "0.0, -1.0, Infinity",
        "-0.0, -1.0, -Infinity",
        "NaN, 1.0, NaN",
    })
    void powFollowsC99(double x, double y, double expected) {
        if (Double.isNaN(expected)) {
            assertThat(SpecialMath.pow(x, y)).isNaN();
        } else {
            assertThat(SpecialMath.pow(x, y)).isEqualTo(expected);
        }
    }
}
