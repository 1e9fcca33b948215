package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OuterProductTest {
    @Test
    void everyElementIsTheRoundedProductForContiguousAndStridedRows() {
        SplittableRandom rng = new SplittableRandom(3);
        // 300 x 700 is large enough to be split over the pool; 1 x 1 and 7 x 1 are the degenerate ends.
        for (int[] mn : new int[][] {{1, 1}, {7, 1}, {1, 9}, {100, 512}, {300, 700}}) {
            int m = mn[0];
            int n = mn[1];
            for (int bs : new int[] {1, 3}) {
                float[] a = new float[2 + 2 * m];
                float[] b = new float[1 + bs * n];
                double[] ad = new double[a.length];
                double[] bd = new double[b.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) rng.nextGaussian();
                    ad[i] = rng.nextGaussian();
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) rng.nextGaussian();
                    bd[i] = rng.nextGaussian();
                }
                float[] c = new float[m * n + 5];
                double[] cd = new double[m * n + 5];
                // Column a at offset 2, stride 2; row b at offset 1, stride bs; C at offset 5.
                Gemm.gemm(m, n, 1, a, 2, 2, 1, b, 1, 1, bs, c, 5);
                Gemm.gemm(m, n, 1, ad, 2, 2, 1, bd, 1, 1, bs, cd, 5);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float want = a[2 + 2 * i] * b[1 + bs * j];
                        if (Float.floatToIntBits(c[5 + i * n + j]) != Float.floatToIntBits(want)) {
                            assertThat(c[5 + i * n + j]).as("float C[%d][%d] of %dx%d", i, j, m, n).isEqualTo(want);
                        }
                        double wantD = ad[2 + 2 * i] * bd[1 + bs * j];
                        if (cd[5 + i * n + j] != wantD) {
                            assertThat(cd[5 + i * n + j]).as("double C[%d][%d] of %dx%d", i, j, m, n)
                                    .isEqualTo(wantD);
                        }
                    }
                }
                assertThat(c).startsWith(0f, 0f, 0f, 0f, 0f);
            }
        }
    }
}
