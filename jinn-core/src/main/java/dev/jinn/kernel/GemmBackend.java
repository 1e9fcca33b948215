package dev.jinn.kernel;

/**
 * The seam between jinn's matrix products and the library that computes them: {@code C = A·B} with {@code A}
 * {@code m×k} and {@code B} {@code k×n} given as (array, offset, row stride, column stride), so transposed and
 * sliced views pass without copies, and {@code C} a contiguous row-major {@code m×n} block that is overwritten
 * (alpha = 1, beta = 0). Implementations: {@link JavaGemm} (always there) and {@code OpenBlasGemm} (native,
 * when its library loads). {@link Gemm} picks one at start-up.
 */
interface GemmBackend {
    /**
     * A short name for reports: {@code "java"} or {@code "openblas"}.
     *
     * @return the name
     */
    String name();

    /**
     * Single-precision product.
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
     * @param c  C's storage, overwritten as a contiguous row-major block
     * @param co C's offset
     */
    void sgemm(int m, int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br, int bc, float[] c,
            int co);

    /**
     * Double-precision product; parameters as for {@link #sgemm}.
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
     * @param c  C's storage, overwritten as a contiguous row-major block
     * @param co C's offset
     */
    void dgemm(int m, int n, int k, double[] a, int ao, int ar, int ac, double[] b, int bo, int br, int bc,
            double[] c, int co);
}
