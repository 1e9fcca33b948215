package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NativeFloatsTest {
    private static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    private static NativeFloats copyToNative(float[] v, int at) {
        NativeFloats nf = Gemm.nativeFloats(at + v.length);
        assertThat(nf).as("the native backend is loaded in the test JVM").isNotNull();
        nf.buffer().put(at, v, 0, v.length);
        return nf;
    }

    @Test
    void nativeOperandsGiveTheSameProductAsTheSameValuesInArrays() {
        // Shapes on both sides of OpenBLAS's thin-product path (m <= 16 is computed transposed).
        for (int[] mnk : new int[][] {{40, 50, 30}, {4, 300, 72}, {300, 4, 72}}) {
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            float[] a = random(m * k, 1);
            float[] b = random(k * n, 2);
            float[] want = new float[m * n];
            float[] got = new float[m * n];
            // B row-major (k × n) and A transposed (stored k × m), each at an offset in native memory.
            float[] at = new float[k * m];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    at[p * m + i] = a[i * k + p];
                }
            }
            Gemm.gemm(m, n, k, at, 0, 1, m, b, 0, n, 1, want, 0);
            Gemm.gemm(m, n, k, copyToNative(at, 3), 3, 1, m, copyToNative(b, 5), 5, n, 1, got, 0);
            assertThat(got).as("%dx%dx%d, native A and B", m, n, k).containsExactly(want);
            Gemm.gemm(m, n, k, (Object) at, 0, 1, m, copyToNative(b, 0), 0, n, 1, got, 0);
            assertThat(got).as("%dx%dx%d, native B only", m, n, k).containsExactly(want);
            // And the values are the product (against double sums).
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) a[i * k + p] * b[p * n + j];
                    }
                    assertThat((double) got[i * n + j]).isCloseTo(s, org.assertj.core.api.Assertions.within(1e-4));
                }
            }
        }
    }

    @Test
    void aNarrowBlockOfAWideNativeMatrixIsReadInPlace() {
        // Columns [100, 120) of a 30 x 400 row-major B: the block spans 20 times its elements, as one column
        // block of a product split over 20 threads does. Java operands that sparse are packed; native ones
        // cannot be and must be read as they lie.
        int m = 50;
        int k = 30;
        int wide = 400;
        int n = 20;
        float[] a = random(m * k, 7);
        float[] b = random(k * wide, 8);
        float[] got = new float[m * n];
        Gemm.gemm(m, n, k, (Object) a, 0, k, 1, copyToNative(b, 0), 100, wide, 1, got, 0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[p * wide + 100 + j];
                }
                assertThat((double) got[i * n + j]).as("C[%d][%d]", i, j)
                        .isCloseTo(s, org.assertj.core.api.Assertions.within(1e-4));
            }
        }
    }

    @Test
    void aNativeOperandThatIsNeitherRowMajorNorTransposedIsRefused() {
        NativeFloats b = copyToNative(random(40 * 40 * 4, 3), 0);
        // Every other row and every other column: no leading dimension describes it.
        assertThatThrownBy(() -> Gemm.gemm(40, 40, 40, (Object) random(1600, 4), 0, 40, 1, b, 0, 160, 2,
                new float[1600], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row-major or transposed");
    }

    @Test
    void aProductTooSmallForTheNativeBackendRefusesANativeOperand() {
        NativeFloats b = copyToNative(random(4, 5), 0);
        assertThatThrownBy(() -> Gemm.gemm(2, 2, 2, (Object) random(4, 6), 0, 2, 1, b, 0, 2, 1, new float[4], 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must run on the native backend");
    }
}
