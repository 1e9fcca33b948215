package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WideningAddTest {
    @Test
    void theVectorPathIsActiveInTheTestJvm() {
        // Surefire runs with --add-modules jdk.incubator.vector; without it the test below would compare the
        // scalar loop with itself.
        assertThat(WideningAdd.vectorised()).isTrue();
    }

    @Test
    void addsEachWidenedValueOnceAtEveryOffsetAndLengthLeavingTheMarginsAlone() {
        SplittableRandom rng = new SplittableRandom(11);
        float[] v = new float[300];
        for (int i = 0; i < v.length; i++) {
            // Raw bit patterns bring NaNs, infinities and subnormals; the Gaussians give ordinary sums.
            v[i] = i % 3 == 0 ? Float.intBitsToFloat(rng.nextInt()) : (float) rng.nextGaussian();
        }
        for (int vo : new int[] {0, 1, 5}) {
            for (int ao : new int[] {0, 3}) {
                for (int n : new int[] {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 250}) {
                    double[] acc = new double[n + ao + 2];
                    for (int i = 0; i < acc.length; i++) {
                        acc[i] = rng.nextGaussian() * 1e8;
                    }
                    double[] before = acc.clone();
                    WideningAdd.addInto(v, vo, acc, ao, n);
                    for (int i = 0; i < acc.length; i++) {
                        boolean inside = i >= ao && i < ao + n;
                        // The reference is written out here, not taken from the scalar path under test.
                        double expected = inside ? before[i] + (double) v[vo + i - ao] : before[i];
                        assertThat(Double.doubleToLongBits(acc[i])).as("vo=%d ao=%d n=%d at %d", vo, ao, n, i)
                                .isEqualTo(Double.doubleToLongBits(expected));
                    }
                }
            }
        }
    }

    @Test
    void scalarLoopIsTheSameArithmetic() {
        float[] v = {1.5f, Float.MIN_VALUE, -3f, Float.MAX_VALUE};
        double[] acc = {0.25, 1, 1e300, Float.MAX_VALUE};
        WideningAdd.addIntoScalar(v, 0, acc, 0, 4);
        assertThat(acc).containsExactly(1.75, 1 + (double) Float.MIN_VALUE, 1e300 - 3, 2.0 * Float.MAX_VALUE);
    }
}
