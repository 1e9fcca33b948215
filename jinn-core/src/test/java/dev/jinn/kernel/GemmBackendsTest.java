package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every GEMM backend agrees with a float64 triple loop on random shapes (including empty, 1×N, N×1 and the thin
 * layers of small flows) and on transposed, sliced, doubly strided and broadcast operand views.
 */
class GemmBackendsTest {
    private static final ForkJoinPool POOL3 = new ForkJoinPool(3);

    @AfterAll
    static void shutdown() {
        POOL3.shutdown();
    }

    /** How an operand is laid out in its array. */
    enum Layout {
        CONTIGUOUS, TRANSPOSED, SLICED, STRIDED, BROADCAST_ROWS
    }

    /** An operand view: array, offset and strides over a rows×cols matrix. */
    record View(double[] values, int offset, int rs, int cs) {
        float[] floats() {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return f;
        }
    }

    static View make(Random rnd, int rows, int cols, Layout layout) {
        switch (layout) {
            case CONTIGUOUS:
                return fill(rnd, new double[rows * cols], 0, cols, 1);
            case TRANSPOSED:
                return fill(rnd, new double[rows * cols], 0, 1, rows);
            case SLICED: {
                // A window of a larger matrix: offset (2, 3) inside a (rows + 4) × (cols + 5) array.
                int width = cols + 5;
                return fill(rnd, new double[(rows + 4) * width], 2 * width + 3, width, 1);
            }
            case STRIDED: {
                // Every other row and column, transposed: neither stride is 1.
                return fill(rnd, new double[Math.max(1, 4 * rows * cols + 7)], 5, 2, 2 * rows + 1);
            }
            default: {
                double[] row = new double[cols + 1];
                return fill(rnd, row, 1, 0, 1);
            }
        }
    }

    private static View fill(Random rnd, double[] values, int offset, int rs, int cs) {
        for (int i = 0; i < values.length; i++) {
            values[i] = rnd.nextGaussian();
        }
        return new View(values, offset, rs, cs);
    }

    static List<GemmBackend> backends() {
        List<GemmBackend> list = new ArrayList<>();
        list.add(JavaGemm.INSTANCE);
        if (Gemm.nativeBackend() != null) {
            list.add(Gemm.nativeBackend());
        }
        return list;
    }

    static Stream<Arguments> cases() {
        int[][] shapes = {
            {0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {0, 0, 0}, {1, 1, 1}, {1, 7, 5}, {7, 1, 5}, {6, 5, 1}, {1, 1, 9},
            {1, 300, 17}, {300, 1, 17}, {100, 512, 1}, {100, 2, 512}, {33, 9, 260}, {5, 300, 270}, {300, 70, 290},
            {64, 64, 64}, {17, 8, 3}
        };
        Random rnd = new Random(42);
        List<Arguments> out = new ArrayList<>();
        for (int[] s : shapes) {
            out.add(Arguments.of(s[0], s[1], s[2], Layout.CONTIGUOUS, Layout.CONTIGUOUS));
        }
        Layout[] layouts = Layout.values();
        for (int t = 0; t < 40; t++) {
            out.add(Arguments.of(rnd.nextInt(40), rnd.nextInt(40), rnd.nextInt(40), layouts[rnd.nextInt(5)],
                    layouts[rnd.nextInt(5)]));
        }
        for (Layout la : layouts) {
            for (Layout lb : layouts) {
                out.add(Arguments.of(37, 45, 29, la, lb));
                out.add(Arguments.of(300, 20, 270, la, lb));
            }
        }
        return out.stream();
    }

    /** {@code C = A·B} by the definition, in float64. */
    static double[] reference(int m, int n, int k, View a, View b, boolean roundToFloat) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0.0;
                for (int p = 0; p < k; p++) {
                    double x = a.values[a.offset + i * a.rs + p * a.cs];
                    double y = b.values[b.offset + p * b.rs + j * b.cs];
                    s += roundToFloat ? (double) (float) x * (float) y : x * y;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    /** The bound on rounding error each element may carry: sum over p of |a_ip·b_pj|. */
    static double[] magnitude(int m, int n, int k, View a, View b) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0.0;
                for (int p = 0; p < k; p++) {
                    s += Math.abs(a.values[a.offset + i * a.rs + p * a.cs] * b.values[b.offset + p * b.rs + j * b.cs]);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    @ParameterizedTest(name = "{0}x{2} · {2}x{1}, A {3}, B {4}")
    @MethodSource("cases")
    void everyBackendAgreesWithTheReference(int m, int n, int k, Layout la, Layout lb) {
        Random rnd = new Random(31L * m + 17L * n + k + la.ordinal() * 7 + lb.ordinal());
        View a = make(rnd, m, k, la);
        View b = make(rnd, k, n, lb);
        double[] ref64 = reference(m, n, k, a, b, false);
        double[] ref32 = reference(m, n, k, a, b, true);
        double[] mag = magnitude(m, n, k, a, b);
        int co = 3;
        for (GemmBackend be : backends()) {
            double[] c = new double[m * n + 2 * co];
            java.util.Arrays.fill(c, 99.0);
            be.dgemm(m, n, k, a.values, a.offset, a.rs, a.cs, b.values, b.offset, b.rs, b.cs, c, co);
            float[] cf = new float[m * n + 2 * co];
            java.util.Arrays.fill(cf, 99f);
            be.sgemm(m, n, k, a.floats(), a.offset, a.rs, a.cs, b.floats(), b.offset, b.rs, b.cs, cf, co);
            for (int g = 0; g < co; g++) {
                assertThat(c[g]).as("%s guard", be.name()).isEqualTo(99.0);
                assertThat(c[co + m * n + g]).as("%s guard", be.name()).isEqualTo(99.0);
                assertThat(cf[g]).as("%s guard", be.name()).isEqualTo(99f);
                assertThat(cf[co + m * n + g]).as("%s guard", be.name()).isEqualTo(99f);
            }
            for (int e = 0; e < m * n; e++) {
                assertThat(Math.abs(c[co + e] - ref64[e])).as("%s float64 element %d", be.name(), e)
                        .isLessThanOrEqualTo(1e-12 * (mag[e] + 1e-300));
                assertThat(Math.abs(cf[co + e] - ref32[e])).as("%s float32 element %d", be.name(), e)
                        .isLessThanOrEqualTo(1.2e-7 * Math.max(1, k) * mag[e] + 1e-30);
            }
        }
    }

    @Test
    void javaResultsAreTheInOrderSumForEveryThreadCount() {
        Random rnd = new Random(7);
        int[][] shapes = {{300, 70, 290}, {5, 600, 300}, {400, 3, 700}, {100, 512, 1}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (Layout lb : new Layout[] {Layout.CONTIGUOUS, Layout.TRANSPOSED}) {
                View a = make(rnd, m, k, Layout.CONTIGUOUS);
                View b = make(rnd, k, n, lb);
                float[] af = a.floats();
                float[] bf = b.floats();
                float[] serial = new float[m * n];
                float[] parallel = new float[m * n];
                JavaGemm.sgemm(null, 1, m, n, k, af, a.offset, a.rs, a.cs, bf, b.offset, b.rs, b.cs, serial, 0);
                JavaGemm.sgemm(POOL3, 3, m, n, k, af, a.offset, a.rs, a.cs, bf, b.offset, b.rs, b.cs, parallel, 0);
                assertThat(parallel).isEqualTo(serial);
                for (int i = 0; i < m; i += 37) {
                    for (int j = 0; j < n; j += 3) {
                        float sum = 0f;
                        for (int p = 0; p < k; p++) {
                            sum += af[a.offset + i * a.rs + p * a.cs] * bf[b.offset + p * b.rs + j * b.cs];
                        }
                        assertThat(serial[i * n + j]).isEqualTo(sum);
                    }
                }
                double[] serial64 = new double[m * n];
                double[] parallel64 = new double[m * n];
                JavaGemm.dgemm(null, 1, m, n, k, a.values, a.offset, a.rs, a.cs, b.values, b.offset, b.rs, b.cs,
                        serial64, 0);
                JavaGemm.dgemm(POOL3, 3, m, n, k, a.values, a.offset, a.rs, a.cs, b.values, b.offset, b.rs, b.cs,
                        parallel64, 0);
                assertThat(parallel64).isEqualTo(serial64);
            }
        }
    }

    @Test
    void theNativeBackendLoadsOnLinuxX86() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        boolean linuxX86 = os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
        if (linuxX86 && !"java".equals(System.getProperty("jinn.blas"))) {
            assertThat(Gemm.nativeBackend()).as("OpenBLAS must load on linux-x86_64").isNotNull();
            assertThat(Gemm.backendName()).isEqualTo("openblas");
        }
        assertThat(Gemm.backendName()).isIn("openblas", "java");
    }

    @Test
    void layoutHandsContiguousRowsOrColumnsToBlasAsTheyLie() {
        assertThat(OpenBlasGemm.layout(3, 4, 4, 1)).isEqualTo(4);
        assertThat(OpenBlasGemm.layout(3, 4, 1, 3)).isEqualTo(-3);
        assertThat(OpenBlasGemm.layout(3, 4, 9, 1)).isEqualTo(9);
        assertThat(OpenBlasGemm.layout(3, 4, 2, 7)).isZero();
        assertThat(OpenBlasGemm.layout(3, 4, 0, 1)).isZero();
        assertThat(OpenBlasGemm.layout(1, 4, 0, 1)).isEqualTo(4);
        assertThat(OpenBlasGemm.layout(4, 1, 5, 0)).isEqualTo(5);
        assertThat(OpenBlasGemm.layout(3, 4, 1000, 1)).isZero();
    }
}
