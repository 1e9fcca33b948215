package dev.jinn.kernel;

/**
 * Reference matrix multiply {@code C = A·B} on strided primitive arrays: {@code A} is {@code m×k},
 * {@code B} is {@code k×n}, {@code C} is a contiguous {@code m×n} output. Each operand is described by its
 * array, start offset, row stride and column stride, so transposed views need no copy. The loop order
 * (i, p, j) streams rows of B and C; accumulation is in the array's own precision for float64 and in double
 * for float32 rows. Narrow outputs (fewer than {@value #NARROW} columns, such as the 512→2 layers of small
 * flows) and products with a transposed right operand ({@code x·Wᵀ}) use dot products instead, which keep the
 * long loop innermost and read both operands with unit stride; both orders add the terms in the same
 * order, so results do not depend on the choice. A faster kernel (native BLAS) can replace this behind the same
 * signatures.
 */
public final class Gemm {
    /** Below this many output columns the (i, j, p) dot-product order is used. */
    static final int NARROW = 8;

    private Gemm() {
    }

    /**
     * Whether the (i, j, p) dot-product order suits the operands better: for narrow outputs, and when A's rows
     * and B's columns are both contiguous (B is a transposed view, as in {@code x·Wᵀ} of a linear layer), so
     * both operands of every dot product are read with unit stride.
     */
    private static boolean useDotProducts(int n, int ac, int br, int bc) {
        return n < NARROW || (ac == 1 && br == 1 && bc != 1);
    }

    /**
     * Double-precision product.
     *
     * @param m  rows of A and C
     * @param n  columns of B and C
     * @param k  columns of A, rows of B
     * @param a  A's storage
     * @param ao A's offset
     * @param ar A's row stride
     * @param ac A's column stride
     * @param b  B's storage
     * @param bo B's offset
     * @param br B's row stride
     * @param bc B's column stride
     * @param c  C's storage, written (not accumulated) as a contiguous row-major block
     * @param co C's offset
     */
    public static void gemm(int m, int n, int k, double[] a, int ao, int ar, int ac, double[] b, int bo, int br,
            int bc, double[] c, int co) {
        if (useDotProducts(n, ac, br, bc)) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0.0;
                    int pa = ao + i * ar;
                    int pb = bo + j * bc;
                    for (int p = 0; p < k; p++) {
                        s += a[pa + p * ac] * b[pb + p * br];
                    }
                    c[co + i * n + j] = s;
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int crow = co + i * n;
            for (int j = 0; j < n; j++) {
                c[crow + j] = 0.0;
            }
            for (int p = 0; p < k; p++) {
                double aip = a[ao + i * ar + p * ac];
                int brow = bo + p * br;
                if (bc == 1) {
                    for (int j = 0; j < n; j++) {
                        c[crow + j] += aip * b[brow + j];
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        c[crow + j] += aip * b[brow + j * bc];
                    }
                }
            }
        }
    }

    /**
     * Single-precision product, accumulated in double per output row and rounded once.
     *
     * @param m  rows of A and C
     * @param n  columns of B and C
     * @param k  columns of A, rows of B
     * @param a  A's storage
     * @param ao A's offset
     * @param ar A's row stride
     * @param ac A's column stride
     * @param b  B's storage
     * @param bo B's offset
     * @param br B's row stride
     * @param bc B's column stride
     * @param c  C's storage, written (not accumulated) as a contiguous row-major block
     * @param co C's offset
     */
    public static void gemm(int m, int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br,
            int bc, float[] c, int co) {
        if (useDotProducts(n, ac, br, bc)) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0.0;
                    int pa = ao + i * ar;
                    int pb = bo + j * bc;
                    for (int p = 0; p < k; p++) {
                        s += (double) a[pa + p * ac] * b[pb + p * br];
                    }
                    c[co + i * n + j] = (float) s;
                }
            }
            return;
        }
        double[] acc = new double[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(acc, 0.0);
            for (int p = 0; p < k; p++) {
                double aip = a[ao + i * ar + p * ac];
                int brow = bo + p * br;
                if (bc == 1) {
                    // Unit stride lets the JIT vectorise the row update.
                    for (int j = 0; j < n; j++) {
                        acc[j] += aip * b[brow + j];
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        acc[j] += aip * b[brow + j * bc];
                    }
                }
            }
            int crow = co + i * n;
            for (int j = 0; j < n; j++) {
                c[crow + j] = (float) acc[j];
            }
        }
    }
}
