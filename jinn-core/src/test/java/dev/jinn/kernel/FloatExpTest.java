package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatExpTest {
    /** Every 211th float bit pattern (about 20 million inputs, both signs, NaNs and infinities included). */
    private static final int STRIDE = 211;

    /** Distance in ulps between two finite-or-infinite floats of the same sign (0 when both are NaN). */
    private static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs((long) Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    @Test
    void withinOneUlpOfTheCorrectlyRoundedValueAcrossTheFloatRange() {
        long worst = 0;
        long inexact = 0;
        long count = 0;
        for (long bits = 0; bits <= 0xFFFFFFFFL; bits += STRIDE) {
            float x = Float.intBitsToFloat((int) bits);
            // Math.exp is within 1 ulp in double, so rounding it to float gives the correctly rounded float
            // except within 2^-29 of a float rounding boundary.
            long d = ulps(FloatExp.exp(x), (float) Math.exp(x));
            worst = Math.max(worst, d);
            inexact += d == 0 ? 0 : 1;
            count++;
        }
        assertThat(worst).as("worst ulp distance").isLessThanOrEqualTo(1);
        // Exhaustively 0.42% of all floats are 1 ulp off; a broken polynomial or reduction shows up as far more.
        assertThat((double) inexact / count).as("share not correctly rounded").isLessThan(0.01);
    }

    @Test
    void specialValuesAndRangeEnds() {
        assertThat(FloatExp.exp(Float.NaN)).isNaN();
        assertThat(FloatExp.exp(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FloatExp.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(FloatExp.exp(0f)).isEqualTo(1f);
        assertThat(FloatExp.exp(-0f)).isEqualTo(1f);
        assertThat(FloatExp.exp(1f)).isEqualTo((float) Math.E);
        // ln(Float.MAX_VALUE) = 88.7228391...: the largest float below it stays finite, the next one overflows.
        assertThat(FloatExp.exp(88.72283f)).isEqualTo((float) Math.exp(88.72283f)).isFinite();
        assertThat(FloatExp.exp(88.72284f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FloatExp.exp(Float.MAX_VALUE)).isEqualTo(Float.POSITIVE_INFINITY);
        // Subnormal results are rounded once: e^-100 = 3.72e-44 is 26.6 times the smallest subnormal.
        assertThat(FloatExp.exp(-100f)).isEqualTo((float) Math.exp(-100.0));
        assertThat(FloatExp.exp(-103.28f)).isEqualTo(Float.MIN_VALUE);
        assertThat(FloatExp.exp(-104f)).isEqualTo(0f);
        assertThat(FloatExp.exp(-Float.MAX_VALUE)).isEqualTo(0f);
    }

    @Test
    void theVectorPathIsActiveInTheTestJvm() {
        // Surefire runs with --add-modules jdk.incubator.vector, as the jinn launcher does; without it the
        // bit-identity test below would compare the scalar loop with itself.
        assertThat(FloatExp.vectorised()).isTrue();
    }

    @Test
    void arrayKernelMatchesTheScalarFunctionBitForBitAtEveryOffsetAndLength() {
        SplittableRandom rng = new SplittableRandom(7);
        float[] x = new float[1 << 16];
        for (int i = 0; i < x.length; i++) {
            // Raw bit patterns cover NaNs, infinities, subnormals and both overflow ends.
            x[i] = i % 2 == 0 ? Float.intBitsToFloat(rng.nextInt()) : (float) (rng.nextGaussian() * 40);
        }
        for (int start : new int[] {0, 1, 3, 7, 13}) {
            for (int n : new int[] {0, 1, 5, 8, 15, 16, 17, 31, 100, x.length - 13}) {
                float[] out = new float[x.length + 4];
                FloatExp.exp(x, start, out, 2, n);
                for (int i = 0; i < n; i++) {
                    assertThat(Float.floatToIntBits(out[2 + i])).as("x=%s at %d", x[start + i], i)
                            .isEqualTo(Float.floatToIntBits(FloatExp.exp(x[start + i])));
                }
                assertThat(out[0]).isEqualTo(0f);
                assertThat(out[1]).isEqualTo(0f);
                assertThat(out[2 + n]).isEqualTo(0f);
            }
        }
    }

    @Test
    void vectorAndScalarLoopsAgreeOnAStrideThroughAllBitPatterns() {
        int block = 4096;
        float[] x = new float[block];
        float[] vector = new float[block];
        float[] scalar = new float[block];
        for (long base = 0; base <= 0xFFFFFFFFL; base += (long) block * 97) {
            for (int i = 0; i < block; i++) {
                x[i] = Float.intBitsToFloat((int) (base + i));
            }
            FloatExp.exp(x, 0, vector, 0, block);
            FloatExp.expScalar(x, 0, scalar, 0, block);
            for (int i = 0; i < block; i++) {
                if (Float.floatToIntBits(vector[i]) != Float.floatToIntBits(scalar[i])) {
                    assertThat(vector[i]).as("exp(%s) in the vector loop", x[i]).isEqualTo(scalar[i]);
                }
            }
        }
    }

    @Test
    void inPlaceUpdateIsAllowed() {
        float[] x = {0f, 1f, -1f, 2.5f, -30f, 50f, 0.125f, -0.125f, 3f, 4f, 5f};
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = FloatExp.exp(x[i]);
        }
        FloatExp.exp(x, 0, x, 0, x.length);
        assertThat(x).containsExactly(expected);
    }
}
