package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RngTest {
    private static long[] longs(Rng rng, int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextLong();
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 42, -1, Long.MIN_VALUE})
    void sameSeedSameSequence(long seed) {
        assertThat(longs(new Rng(seed), 100)).containsExactly(longs(new Rng(seed), 100));
        Rng a = new Rng(seed);
        Rng b = new Rng(seed);
        for (int i = 0; i < 100; i++) {
            assertThat(a.nextGaussian()).isEqualTo(b.nextGaussian());
            assertThat(a.nextDouble()).isEqualTo(b.nextDouble());
            assertThat(a.nextLong(1000)).isEqualTo(b.nextLong(1000));
        }
    }

    @Test
    void differentSeedsDiffer() {
        Set<Long> firsts = new HashSet<>();
        for (long seed = 0; seed < 1000; seed++) {
            firsts.add(new Rng(seed).nextLong());
        }
        assertThat(firsts).hasSize(1000);
        assertThat(new Rng().nextLong()).isEqualTo(new Rng(Rng.DEFAULT_SEED).nextLong());
    }

    @Test
    void splitGivesAnIndependentStream() {
        Rng parent = new Rng(7);
        Rng child = parent.split();
        long[] p = longs(parent, 1000);
        long[] c = longs(child, 1000);
        Set<Long> seen = new HashSet<>();
        for (long x : p) {
            seen.add(x);
        }
        int shared = 0;
        for (long x : c) {
            shared += seen.contains(x) ? 1 : 0;
        }
        assertThat(shared).isZero();
        // the child's stream is not the parent's shifted by a few steps either
        Rng fresh = new Rng(7);
        long[] from = longs(fresh, 1010);
        for (int shift = 0; shift < 10; shift++) {
            assertThat(c[0]).isNotEqualTo(from[shift]);
        }
        // correlation of the uniforms near zero (|r| < 4/sqrt(n))
        Rng p2 = new Rng(7);
        Rng c2 = p2.split();
        int n = 20000;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (p2.nextDouble() - 0.5) * (c2.nextDouble() - 0.5);
        }
        double r = sxy / n / (1.0 / 12);
        assertThat(Math.abs(r)).isLessThan(4 / Math.sqrt(n));
        // splitting is deterministic too
        assertThat(longs(new Rng(7).split(), 20)).containsExactly(longs(new Rng(7).split(), 20));
        assertThat(longs(parent.split(), 5)).isNotEqualTo(longs(parent.split(), 5));
    }

    @Test
    void stateRoundTripContinuesBitIdentically() {
        Rng rng = new Rng(11);
        longs(rng, 37);
        Rng copy = Rng.fromState(rng.state());
        assertThat(longs(copy, 50)).containsExactly(longs(rng, 50));
        for (int i = 0; i < 50; i++) {
            assertThat(Double.doubleToRawLongBits(copy.nextGaussian()))
                    .isEqualTo(Double.doubleToRawLongBits(rng.nextGaussian()));
        }
    }

    @Test
    void stateRoundTripMidGaussianPair() {
        Rng rng = new Rng(12);
        rng.nextGaussian(); // leaves the second of the pair cached
        long[] saved = rng.state();
        assertThat(saved).hasSize(6);
        assertThat(saved[4]).isEqualTo(1);
        Rng copy = Rng.fromState(saved);
        for (int i = 0; i < 9; i++) {
            assertThat(copy.nextGaussian()).isEqualTo(rng.nextGaussian());
        }
        assertThat(copy.nextLong()).isEqualTo(rng.nextLong());
        // the saved state is a copy: changing it later does not move the generator
        saved[0] ^= 1;
        Rng again = Rng.fromState(rng.state());
        assertThat(again.nextLong()).isEqualTo(rng.nextLong());
    }

    @Test
    void fromStateRejectsInvalidState() {
        assertThatThrownBy(() -> Rng.fromState(new long[5])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rng.fromState(new long[6])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nonzero");
    }

    @Test
    void gaussianHasZeroMeanAndUnitVariance() {
        Rng rng = new Rng(2024);
        int n = 200_000;
        double sum = 0;
        double sumSq = 0;
        double sumFourth = 0;
        int beyond2 = 0;
        for (int i = 0; i < n; i++) {
            double g = rng.nextGaussian();
            sum += g;
            sumSq += g * g;
            sumFourth += g * g * g * g;
            beyond2 += Math.abs(g) > 2 ? 1 : 0;
        }
        double mean = sum / n;
        double var = sumSq / n - mean * mean;
        // standard errors: mean 1/sqrt(n); variance sqrt(2/n) for a normal
        assertThat(Math.abs(mean)).isLessThan(4 / Math.sqrt(n));
        assertThat(Math.abs(var - 1)).isLessThan(4 * Math.sqrt(2.0 / n));
        // kurtosis 3, and P(|g| > 2) = erfc(sqrt 2) = 0.04550026389635842
        assertThat(sumFourth / n).isBetween(2.9, 3.1);
        double p = 0.04550026389635842;
        assertThat(Math.abs(beyond2 - n * p)).isLessThan(4 * Math.sqrt(n * p * (1 - p)));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 7, 10, 1000, (1L << 40) + 3})
    void nextLongBoundedIsInRangeAndUniform(long bound) {
        Rng rng = new Rng(bound);
        int bins = (int) Math.min(bound, 10);
        int[] counts = new int[bins];
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            long x = rng.nextLong(bound);
            assertThat(x).isBetween(0L, bound - 1);
            counts[(int) (x * bins / bound)]++;
        }
        if (bins > 1 && bound % bins == 0) {
            assertThat(CreationTest.chiSquare(counts, (double) n / bins)).isLessThan(30.0); // <= 9 dof, p < 0.001
        }
    }

    @Test
    void nextLongWithHugeBoundCoversTheRange() {
        // 3·2^61 > 2^62: the high bits must be used correctly, each third of the range gets a third
        long bound = 3L << 61;
        Rng rng = new Rng(5);
        int[] counts = new int[3];
        int n = 30_000;
        for (int i = 0; i < n; i++) {
            long x = rng.nextLong(bound);
            assertThat(x).isBetween(0L, bound - 1);
            counts[(int) (x >>> 61)]++;
        }
        assertThat(CreationTest.chiSquare(counts, n / 3.0)).isLessThan(13.8); // 2 dof, p = 0.001
        assertThatThrownBy(() -> rng.nextLong(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Rng.nextLong: bound must be positive, got 0");
    }

    @Test
    void uniformDoublesAndFloatsAreInUnitInterval() {
        Rng rng = new Rng(3);
        double sum = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double d = rng.nextDouble();
            float f = rng.nextFloat();
            assertThat(d).isGreaterThanOrEqualTo(0).isLessThan(1);
            assertThat(f).isGreaterThanOrEqualTo(0f).isLessThan(1f);
            sum += d;
        }
        // mean 1/2, standard error sqrt(1/12n)
        assertThat(Math.abs(sum / n - 0.5)).isLessThan(4 * Math.sqrt(1.0 / 12 / n));
    }

    @Test
    void randnOnSameSeedIsEqualAcrossCalls() {
        Tensor a = Tensors.randn(new Rng(99), DType.FLOAT64, 3, 5);
        Tensor b = Tensors.randn(new Rng(99), DType.FLOAT64, 3, 5);
        assertThat(a.toDoubleArray()).containsExactly(b.toDoubleArray());
        Rng shared = new Rng(99);
        Tensor first = Tensors.randn(shared, DType.FLOAT64, 3, 5);
        Tensor second = Tensors.randn(shared, DType.FLOAT64, 3, 5);
        assertThat(first.toDoubleArray()).containsExactly(a.toDoubleArray());
        assertThat(second.toDoubleArray()).isNotEqualTo(first.toDoubleArray());
        // drawing 3x5 then 3x5 equals drawing 30 at once: one stream, consumed in order
        double[] all = Tensors.randn(new Rng(99), DType.FLOAT64, 30).toDoubleArray();
        assertThat(java.util.Arrays.copyOfRange(all, 15, 30)).containsExactly(second.toDoubleArray());
    }
}
