package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The thin-product loops against the definition in double, over the shapes of a coupling subnet and its
 * gradients, with A and B stored row-major or transposed, at offsets, and C written inside a margin.
 */
class ThinGemmTest {
    @Test
    void theVectorLoopsAreActiveInTheTestJvm() {
        assertThat(ThinGemm.vectorised()).isTrue();
    }

    /**
     * One product {@code [m,k]·[k,n]}: A stored row-major ({@code aT = false}) or as its transpose, B likewise.
     */
    @ParameterizedTest(name = "[{0},{2}]·[{2},{1}] aT={3} bT={4} thin={5}")
    @CsvSource({
        // m, n, k, A transposed, B transposed, taken by the thin loops
        "100, 2, 512, false, true, true", // a subnet's last layer: dots
        "100, 512, 2, false, false, true", // its input gradient: row updates
        "2, 512, 100, true, false, true", // its weight gradient: row updates with a transposed A
        "512, 1, 100, true, false, true", // first layer's weight gradient: one column, transposed
        "100, 1, 512, false, false, true", // first layer's input gradient: dots with one column
        "7, 37, 3, false, false, true", // tails of every loop
        "3, 5, 41, false, true, true", // a dot product with a remainder of each kind
        "1, 100, 8, false, false, true", // one row
        "64, 64, 64, false, false, false", // not thin
        "2, 5, 3, false, false, false", // thin, but no long side for a vector
        "4, 2000, 300, false, false, false" // thin, but too much work for one thread
    })
    void productsMatchTheDefinition(int m, int n, int k, boolean aT, boolean bT, boolean thin) {
        SplittableRandom rng = new SplittableRandom(m * 31L + n * 7L + k);
        int ao = 3;
        int bo = 5;
        int co = 2;
        float[] a = new float[ao + m * k];
        float[] b = new float[bo + k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rng.nextGaussian();
        }
        int ar = aT ? 1 : k;
        int ac = aT ? m : 1;
        int br = bT ? 1 : n;
        int bc = bT ? k : 1;
        float[] c = new float[co + m * n + 2];
        java.util.Arrays.fill(c, 42f);
        boolean taken = ThinGemm.tryRun(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co);
        assertThat(taken).isEqualTo(thin);
        if (!taken) {
            Gemm.gemm(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double term = (double) a[ao + i * ar + p * ac] * b[bo + p * br + j * bc];
                    exact += term;
                    magnitude += Math.abs(term);
                }
                // float32 accumulation: a few ulps of the sum of magnitudes per term.
                double tolerance = 4 * k * Math.ulp((float) magnitude) + 1e-30;
                assertThat((double) c[co + i * n + j]).as("C[%d,%d]", i, j)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(tolerance));
            }
        }
        assertThat(c[0]).isEqualTo(42f);
        assertThat(c[1]).isEqualTo(42f);
        assertThat(c[co + m * n]).isEqualTo(42f);
        assertThat(c[co + m * n + 1]).isEqualTo(42f);
    }

    @Test
    void anEmptyInnerDimensionWritesZeros() {
        float[] c = new float[40];
        java.util.Arrays.fill(c, 9f);
        assertThat(ThinGemm.tryRun(2, 20, 0, new float[0], 0, 0, 1, new float[0], 0, 20, 1, c, 0)).isTrue();
        for (float v : c) {
            assertThat(v).isEqualTo(0f);
        }
    }
}
