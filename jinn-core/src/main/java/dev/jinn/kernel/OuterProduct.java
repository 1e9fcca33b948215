package dev.jinn.kernel;

/**
 * The {@code k = 1} matrix product {@code C[i][j] = a[i]·b[j]} (a column times a row), which the input layers of
 * small flows ({@code [100,1]×[1,512]}) run at every step. A BLAS call costs more than this arithmetic; the loop
 * here copies each row of {@code b} into {@code C} and scales it in place, so that the JIT vectorises the
 * multiplication (it does not when the loads and the stores use different offsets), and splits the rows over the
 * pool when there are enough of them. Each element is one rounded product, the same bits as any GEMM gives.
 */
final class OuterProduct {
    private OuterProduct() {
    }

    /**
     * {@code c[co + i·n + j] = a[ao + i·as] · b[bo + j·bs]} for {@code i < m}, {@code j < n}.
     *
     * @param m  rows of C (length of the column a)
     * @param n  columns of C (length of the row b)
     * @param a  the column's storage
     * @param ao its offset
     * @param as its stride
     * @param b  the row's storage
     * @param bo its offset
     * @param bs its stride
     * @param c  C's storage, written as a contiguous row-major block
     * @param co C's offset
     */
    static void run(int m, int n, float[] a, int ao, int as, float[] b, int bo, int bs, float[] c, int co) {
        if (bs == 1 && ThinGemm.VECTOR != null) {
            // The vector loop: one pass over C (the scalar one below makes two).
            Parallel.forRange(m, n, (from, to) ->
                    ThinGemm.VECTOR.outer(to - from, n, a, ao + from * as, as, b, bo, c, co + from * n));
            return;
        }
        Parallel.forRange(m, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                float ai = a[ao + i * as];
                int p = co + i * n;
                if (bs == 1) {
                    System.arraycopy(b, bo, c, p, n);
                    for (int j = p; j < p + n; j++) {
                        c[j] *= ai;
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        c[p + j] = b[bo + j * bs] * ai;
                    }
                }
            }
        });
    }

    /**
     * The double-precision twin of {@link #run(int, int, float[], int, int, float[], int, int, float[], int)}.
     *
     * @param m  rows of C
     * @param n  columns of C
     * @param a  the column's storage
     * @param ao its offset
     * @param as its stride
     * @param b  the row's storage
     * @param bo its offset
     * @param bs its stride
     * @param c  C's storage
     * @param co C's offset
     */
    static void run(int m, int n, double[] a, int ao, int as, double[] b, int bo, int bs, double[] c, int co) {
        Parallel.forRange(m, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                double ai = a[ao + i * as];
                int p = co + i * n;
                if (bs == 1) {
                    System.arraycopy(b, bo, c, p, n);
                    for (int j = p; j < p + n; j++) {
                        c[j] *= ai;
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        c[p + j] = b[bo + j * bs] * ai;
                    }
                }
            }
        });
    }
}
