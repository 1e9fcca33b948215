package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Products large enough to be split into column blocks over the pool (at least 2^21 multiply-adds). */
class GemmSplitTest {
    private static final int M = 64;
    private static final int N = 300;
    private static final int K = 200;

    private static double[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** The product of A (row-major, at offset 1) and B stored transposed (n × k, at offset 2), in double. */
    private static double expected(double[] a, double[] bt, int i, int j) {
        double s = 0;
        for (int p = 0; p < K; p++) {
            s += a[1 + i * K + p] * bt[2 + j * K + p];
        }
        return s;
    }

    @Test
    void splitProductsMatchTheDefinitionInBothPrecisionsAndLeaveTheRestOfCAlone() {
        assertThat((long) M * N * K).isGreaterThanOrEqualTo(1L << 21);
        double[] a = random(1 + M * K, 1);
        double[] bt = random(2 + N * K, 2);
        float[] af = toFloat(a);
        float[] btf = toFloat(bt);
        double[] c = new double[3 + M * N + 3];
        float[] cf = new float[3 + M * N + 3];
        java.util.Arrays.fill(c, 7.0);
        java.util.Arrays.fill(cf, 7f);
        Gemm.gemm(M, N, K, a, 1, K, 1, bt, 2, 1, K, c, 3);
        Gemm.gemm(M, N, K, af, 1, K, 1, btf, 2, 1, K, cf, 3);
        // B again, row-major in native memory: the split reads column blocks of it in place.
        float[] bRowMajor = new float[K * N];
        for (int p = 0; p < K; p++) {
            for (int j = 0; j < N; j++) {
                bRowMajor[p * N + j] = btf[2 + j * K + p];
            }
        }
        NativeFloats nb = Gemm.nativeFloats(K * N);
        nb.buffer().put(0, bRowMajor, 0, K * N);
        float[] cn = new float[M * N];
        Gemm.gemm(M, N, K, (Object) af, 1, K, 1, nb, 0, N, 1, cn, 0);
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double want = expected(a, bt, i, j);
                assertThat(c[3 + i * N + j]).as("double C[%d][%d]", i, j).isCloseTo(want, within(1e-11));
                double wantF = 0;
                for (int p = 0; p < K; p++) {
                    wantF += (double) af[1 + i * K + p] * btf[2 + j * K + p];
                }
                assertThat((double) cf[3 + i * N + j]).as("float C[%d][%d]", i, j).isCloseTo(wantF, within(1e-4));
                assertThat((double) cn[i * N + j]).as("native-B C[%d][%d]", i, j).isCloseTo(wantF, within(1e-4));
            }
        }
        assertThat(c).startsWith(7.0, 7.0, 7.0).endsWith(7.0, 7.0, 7.0);
        assertThat(cf).startsWith(7f, 7f, 7f).endsWith(7f, 7f, 7f);
    }
}
