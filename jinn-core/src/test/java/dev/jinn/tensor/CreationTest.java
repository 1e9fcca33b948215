package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CreationTest {
    @Test
    void ofCopiesValuesAndInfersShape() {
        float[] v = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensors.of(v, 2, 3);
        v[0] = 99;
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.strides()).containsExactly(3, 1);
        assertThat(t.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(t.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(t.isContiguous()).isTrue();
        assertThat(Tensors.of(new double[] {1, 2, 3}).shape()).containsExactly(3);
        assertThat(Tensors.of(new double[] {1, 2, 3}).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(Tensors.of(new long[] {7, 8}).dtype()).isEqualTo(DType.INT64);
        assertThat(Tensors.of(new boolean[] {true}).dtype()).isEqualTo(DType.BOOL);
        assertThat(Tensors.of(new double[0]).shape()).containsExactly(0);
        assertThat(Tensors.of(new double[0], 2, 0, 3).numel()).isZero();
    }

    @Test
    void ofWithWrongValueCountThrows() {
        assertThatThrownBy(() -> Tensors.of(new float[] {1, 2, 3}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("of: 3 values cannot fill shape [2, 2] (4 elements)");
        assertThatThrownBy(() -> Tensors.of(new long[] {1, 2}, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tensors.of(new double[] {1, 2}, -1, -2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative size");
    }

    @Test
    void scalarIsZeroDimensional() {
        Tensor s = Tensors.scalar(3.5);
        assertThat(s.dim()).isZero();
        assertThat(s.shape()).isEmpty();
        assertThat(s.numel()).isEqualTo(1);
        assertThat(s.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(s.item()).isEqualTo(3.5);
        assertThat(Tensors.scalar(0.1, DType.FLOAT64).item()).isEqualTo(0.1);
        assertThat(Tensors.scalar(0.1).item()).isEqualTo((double) 0.1f);
        assertThat(Tensors.scalar(-7, DType.INT64).toLongArray()).containsExactly(-7);
    }

    @Test
    void zerosOnesFullAndLikes() {
        assertThat(Tensors.zeros(2, 3).toFloatArray()).containsOnly(0f).hasSize(6);
        assertThat(Tensors.ones(DType.FLOAT64, 4).toDoubleArray()).containsExactly(1, 1, 1, 1);
        assertThat(Tensors.full(2.5, 2, 2).toFloatArray()).containsExactly(2.5f, 2.5f, 2.5f, 2.5f);
        assertThat(Tensors.full(DType.INT64, 7, 3).toLongArray()).containsExactly(7, 7, 7);
        assertThat(Tensors.full(DType.BOOL, 1, 2).toBooleanArray()).containsExactly(true, true);
        assertThat(Tensors.ones(DType.BOOL, 1).toBooleanArray()).containsExactly(true);
        assertThat(Tensors.zeros(DType.INT64, 2).dtype()).isEqualTo(DType.INT64);
        Tensor template = Tensors.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2).t();
        Tensor z = Tensors.zerosLike(template);
        assertThat(z.shape()).containsExactly(2, 3);
        assertThat(z.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(z.toDoubleArray()).containsOnly(0.0);
        Tensor o = Tensors.onesLike(Tensors.of(new long[] {5, 6}));
        assertThat(o.dtype()).isEqualTo(DType.INT64);
        assertThat(o.toLongArray()).containsExactly(1, 1);
        assertThat(Tensors.fullLike(template, -1.5).toDoubleArray()).containsOnly(-1.5).hasSize(6);
        assertThat(Tensors.zeros().dim()).isZero();
        assertThatThrownBy(() -> Tensors.zeros(2, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("zeros: negative size in shape [2, -1]");
    }

    @Test
    void eyeIsIdentity() {
        Tensor e = Tensors.eye(3);
        assertThat(e.shape()).containsExactly(3, 3);
        assertThat(e.toFloatArray()).containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 1);
        Tensor x = Tensors.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
        assertThat(Tensors.eye(DType.FLOAT64, 3).matmul(x).toDoubleArray()).containsExactly(x.toDoubleArray());
        assertThat(Tensors.eye(DType.INT64, 2).toLongArray()).containsExactly(1, 0, 0, 1);
        assertThat(Tensors.eye(0).shape()).containsExactly(0, 0);
    }

    @Test
    void arangeVariants() {
        Tensor a = Tensors.arange(5);
        assertThat(a.dtype()).isEqualTo(DType.INT64);
        assertThat(a.toLongArray()).containsExactly(0, 1, 2, 3, 4);
        assertThat(Tensors.arange(0).shape()).containsExactly(0);
        Tensor f = Tensors.arange(1, 2, 0.25);
        assertThat(f.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f.toFloatArray()).containsExactly(1f, 1.25f, 1.5f, 1.75f);
        assertThat(Tensors.arange(DType.FLOAT64, 3, 0, -1).toDoubleArray()).containsExactly(3, 2, 1);
        assertThat(Tensors.arange(DType.FLOAT64, 1, -0.5, -0.5).toDoubleArray()).containsExactly(1, 0.5, 0);
        // the count is ceil((end - start) / step), as torch.arange(0, 1, 0.3) = [0, 0.3, 0.6, 0.9]
        assertThat(Tensors.arange(DType.FLOAT64, 0, 1, 0.3).numel()).isEqualTo(4);
        assertThat(Tensors.arange(DType.FLOAT64, 0, 1, 0.1).numel()).isEqualTo(10);
        assertThat(Tensors.arange(DType.INT64, -3, 3, 2).toLongArray()).containsExactly(-3, -1, 1);
        assertThat(Tensors.arange(2, 2, 1).numel()).isZero();
        assertThatThrownBy(() -> Tensors.arange(0, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nonzero");
        assertThatThrownBy(() -> Tensors.arange(0, Double.POSITIVE_INFINITY, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void linspaceHitsBothEndsExactly() {
        assertThat(Tensors.linspace(DType.FLOAT64, 0, 1, 5).toDoubleArray()).containsExactly(0, 0.25, 0.5, 0.75, 1);
        double start = -1.1;
        double end = 3.3;
        for (int steps = 2; steps < 40; steps++) {
            double[] v = Tensors.linspace(DType.FLOAT64, start, end, steps).toDoubleArray();
            assertThat(v).hasSize(steps);
            assertThat(v[0]).isEqualTo(start);
            assertThat(v[steps - 1]).isEqualTo(end);
            double delta = (end - start) / (steps - 1);
            for (int i = 1; i < steps; i++) {
                assertThat(v[i] - v[i - 1]).isCloseTo(delta, within(1e-14));
            }
        }
        float[] f = Tensors.linspace(0.1, 0.7, 7).toFloatArray();
        assertThat(f[0]).isEqualTo(0.1f);
        assertThat(f[6]).isEqualTo(0.7f);
        assertThat(Tensors.linspace(DType.FLOAT64, 4, -4, 3).toDoubleArray()).containsExactly(4, 0, -4);
    }

    @Test
    void linspaceWithOneOrZeroSteps() {
        // torch.linspace(2, 5, 1) is [2.]: the single point is the start
        assertThat(Tensors.linspace(DType.FLOAT64, 2, 5, 1).toDoubleArray()).containsExactly(2);
        assertThat(Tensors.linspace(2, 5, 0).numel()).isZero();
        assertThatThrownBy(() -> Tensors.linspace(0, 1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linspace: steps must be >= 0, got -1");
    }

    @Test
    void randnIsDeterministicPerSeedAndStandardNormal() {
        Tensor a = Tensors.randn(new Rng(5), DType.FLOAT64, 100, 100);
        Tensor b = Tensors.randn(new Rng(5), DType.FLOAT64, 100, 100);
        assertThat(a.toDoubleArray()).containsExactly(b.toDoubleArray());
        assertThat(Tensors.randn(new Rng(6), DType.FLOAT64, 10).toDoubleArray())
                .isNotEqualTo(Tensors.randn(new Rng(5), DType.FLOAT64, 10).toDoubleArray());
        double[] v = a.toDoubleArray();
        double mean = Arrays.stream(v).average().orElseThrow();
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1);
        // 10,000 samples: standard errors 0.01 (mean) and about 0.014 (variance)
        assertThat(mean).isCloseTo(0, within(0.04));
        assertThat(var).isCloseTo(1, within(0.06));
        // float32 randn is the float64 stream rounded
        float[] f = Tensors.randn(new Rng(5), 7).toFloatArray();
        double[] d = Tensors.randn(new Rng(5), DType.FLOAT64, 7).toDoubleArray();
        for (int i = 0; i < 7; i++) {
            assertThat(f[i]).isEqualTo((float) d[i]);
        }
        assertThatThrownBy(() -> Tensors.randn(new Rng(1), DType.INT64, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("randn: expected a floating-point dtype, got int64");
    }

    @Test
    void randIsUniformInUnitInterval() {
        double[] v = Tensors.rand(new Rng(9), DType.FLOAT64, 20000).toDoubleArray();
        int[] bins = new int[10];
        for (double x : v) {
            assertThat(x).isGreaterThanOrEqualTo(0).isLessThan(1);
            bins[(int) (x * 10)]++;
        }
        assertThat(chiSquare(bins, v.length / 10.0)).isLessThan(27.9); // 9 dof, p = 0.001
        float[] f = Tensors.rand(new Rng(9), 1000).toFloatArray();
        for (float x : f) {
            assertThat(x).isGreaterThanOrEqualTo(0f).isLessThan(1f);
        }
        assertThat(Tensors.rand(new Rng(9), 3).dtype()).isEqualTo(DType.FLOAT32);
    }

    @Test
    void randintIsInRangeAndUniform() {
        Tensor t = Tensors.randint(new Rng(3), -2, 5, 7000);
        assertThat(t.dtype()).isEqualTo(DType.INT64);
        int[] bins = new int[7];
        for (long x : t.toLongArray()) {
            assertThat(x).isBetween(-2L, 4L);
            bins[(int) (x + 2)]++;
        }
        assertThat(chiSquare(bins, 1000)).isLessThan(22.5); // 6 dof, p = 0.001
        assertThat(Tensors.randint(new Rng(3), 10, 11, 5).toLongArray()).containsOnly(10L);
        assertThat(Tensors.randint(new Rng(3), -2, 5, 50).toLongArray())
                .containsExactly(Tensors.randint(new Rng(3), -2, 5, 50).toLongArray());
    }

    @Test
    void randintOverTheWholeLongRange() {
        long[] v = Tensors.randint(new Rng(4), Long.MIN_VALUE, Long.MAX_VALUE, 200).toLongArray();
        long negatives = Arrays.stream(v).filter(x -> x < 0).count();
        assertThat(negatives).isBetween(60L, 140L);
        assertThat(v).doesNotContain(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 6})
    void randintRejectsEmptyRange(long hi) {
        assertThatThrownBy(() -> Tensors.randint(new Rng(1), 6, hi, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("randint: need lo < hi, got lo=6 hi=" + hi);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 17, 1000})
    void randpermIsAPermutation(int n) {
        long[] p = Tensors.randperm(new Rng(n), n).toLongArray();
        long[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) {
            assertThat(sorted[i]).isEqualTo(i);
        }
        if (n >= 17) {
            long fixedPoints = 0;
            for (int i = 0; i < n; i++) {
                fixedPoints += p[i] == i ? 1 : 0;
            }
            assertThat(fixedPoints).isLessThan(8); // expected 1 for a uniform permutation
        }
    }

    @Test
    void randpermIsUniformOverAllOrders() {
        Rng rng = new Rng(77);
        int[] counts = new int[6];
        for (int trial = 0; trial < 6000; trial++) {
            long[] p = Tensors.randperm(rng, 3).toLongArray();
            counts[(int) (p[0] * 2 + (p[1] > p[2] ? 1 : 0))]++;
        }
        assertThat(chiSquare(counts, 1000)).isLessThan(20.5); // 5 dof, p = 0.001
        assertThatThrownBy(() -> Tensors.randperm(new Rng(1), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void conversions() {
        Tensor d = Tensors.of(new double[] {0.1, -2.7, 2.7, 0, 1e40});
        Tensor f = d.to(DType.FLOAT32);
        assertThat(f.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f.toFloatArray()).containsExactly(0.1f, -2.7f, 2.7f, 0f, Float.POSITIVE_INFINITY);
        assertThat(d.to(DType.INT64).toLongArray()).startsWith(0, -2, 2, 0);
        assertThat(d.to(DType.BOOL).toBooleanArray()).containsExactly(true, true, true, false, true);
        assertThat(Tensors.of(new boolean[] {true, false}).to(DType.FLOAT64).toDoubleArray()).containsExactly(1, 0);
        assertThat(Tensors.of(new long[] {3, -4}).to(DType.FLOAT32).toFloatArray()).containsExactly(3f, -4f);
        assertThat(Tensors.of(new long[] {(1L << 53) + 1}).to(DType.INT64).toLongArray())
                .containsExactly((1L << 53) + 1);
        assertThat(d.to(DType.FLOAT64)).isSameAs(d);
        // float32 -> float64 widening is exact
        assertThat(Tensors.of(new float[] {0.1f}).to(DType.FLOAT64).item()).isEqualTo((double) 0.1f);
        assertThat(Tensors.of(new float[] {0.1f}).toDoubleArray()).containsExactly((double) 0.1f);
        // the arrays are copies
        double[] arr = d.toDoubleArray();
        arr[0] = 42;
        assertThat(d.toDoubleArray()[0]).isEqualTo(0.1);
        // row-major order of a transposed view
        Tensor m = Tensors.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t();
        assertThat(m.toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(m.toDoubleArray()).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void conversionBetweenFloatTypesIsDifferentiable() {
        Tensor x = Tensors.of(new double[] {1, 2}).requiresGrad(true);
        Tensor y = x.to(DType.FLOAT32).mul(3).to(DType.FLOAT64);
        y.sum().backward();
        assertThat(x.grad().dtype()).isEqualTo(DType.FLOAT64);
        assertThat(x.grad().toDoubleArray()).containsExactly(3, 3);
    }

    @Test
    void itemNeedsExactlyOneElement() {
        assertThat(Tensors.of(new double[] {4.5}, 1, 1).item()).isEqualTo(4.5);
        assertThat(Tensors.of(new long[] {9}).item()).isEqualTo(9);
        assertThat(Tensors.of(new boolean[] {true}).item()).isEqualTo(1);
        assertThat(Tensors.of(new double[] {1, 2, 3}).slice(0, 2, 3, 1).item()).isEqualTo(3);
        assertThatThrownBy(() -> Tensors.zeros(2).item()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("item: expected a tensor with one element, got shape [2]");
        assertThatThrownBy(() -> Tensors.zeros(0).item()).isInstanceOf(IllegalArgumentException.class);
    }

    static double chiSquare(int[] counts, double expected) {
        double chi = 0;
        for (int c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        return chi;
    }
}
