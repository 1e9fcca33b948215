package dev.jinn.kernel;

/**
 * Small float32 products with a thin side, the shapes of a coupling subnet's first and last layers and of their
 * gradients ({@code [100,512]·[512,2]}, {@code [100,2]·[2,512]}, {@code [2,100]·[100,512]}, ...). A general
 * blocked kernel spends most of its time packing and in edge tiles there; these run as one of two vector loops
 * straight over the operands' storage, through {@code jdk.incubator.vector} where the JVM has it:
 * <ul>
 *   <li><b>dots</b>, when A's rows and B's columns are contiguous and the inner dimension is long: each result
 *       is one dot product, with four independent vector accumulators so that the multiply-adds overlap;</li>
 *   <li><b>row updates</b>, when B's rows are contiguous and the result rows are long: each result row is
 *       {@code Σₖ A[i,k]·B[k,:]}, accumulated in registers over four vectors of columns at a time.</li>
 * </ul>
 * A one-column (or one-row) product is the transpose of a one-row (one-column) one with the same storage for C,
 * so it may take the other loop. Each result is computed by one loop in a fixed order (fused multiply-adds),
 * independent of the thread count. Products this class does not take go to the blocked kernels.
 */
final class ThinGemm {
    /** The thin side: at most this many rows of A, columns of B, or inner products per result. */
    static final int THIN = 8;
    /** Products of more multiply-adds than this go to the blocked kernels, which also use every core. */
    static final long MAX_WORK = 1L << 20;
    /** The vector loops need at least a register of contiguous values along their long side. */
    private static final int LONG = 16;

    /** The vector kernel, or null where the vector API is not usable; {@link DirectConv} runs on it too. */
    static final Kernel VECTOR = VectorKernels.load("VectorThinGemm", Kernel.class);

    private ThinGemm() {
    }

    /** The two loops, in the shape in which the vector kernel is loaded by name. */
    interface Kernel {
        /**
         * {@code C[i,j] = Σₖ A[ao + i·ar + k]·B[bo + j·bc + k]}: A's rows and B's columns contiguous.
         *
         * @param m  rows of C
         * @param n  columns of C
         * @param k  inner dimension
         * @param a  A's storage
         * @param ao A's offset
         * @param ar A's row stride
         * @param b  B's storage
         * @param bo B's offset
         * @param bc B's column stride
         * @param c  C's storage, contiguous rows of n
         * @param co C's offset
         */
        void dots(int m, int n, int k, float[] a, int ao, int ar, float[] b, int bo, int bc, float[] c, int co);

        /**
         * {@code C[i,:] = Σₖ A[ao + i·ar + k·ac]·B[bo + k·br + :]}, or {@code C[i,:] +=} that sum: B's rows
         * contiguous.
         *
         * @param m  rows of C
         * @param n  columns of C
         * @param k  inner dimension
         * @param a  A's storage
         * @param ao A's offset
         * @param ar A's row stride
         * @param ac A's column stride
         * @param b  B's storage
         * @param bo B's offset
         * @param br B's row stride
         * @param c  C's storage, contiguous rows of n
         * @param co C's offset
         * @param accumulate add to C's values instead of overwriting them
         */
        void rowUpdates(int m, int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br, float[] c,
                int co, boolean accumulate);

        /**
         * The outer product {@code C[i,j] = a[ao + i·as]·b[bo + j]} of a column and a contiguous row: one rounded
         * product per element, as every product gives.
         *
         * @param m  rows of C
         * @param n  columns of C
         * @param a  the column's storage
         * @param ao its offset
         * @param as its stride
         * @param b  the row's storage (contiguous)
         * @param bo its offset
         * @param c  C's storage, contiguous rows of n
         * @param co C's offset
         */
        void outer(int m, int n, float[] a, int ao, int as, float[] b, int bo, float[] c, int co);
    }

    /**
     * Whether this JVM has the vector loops.
     *
     * @return true when {@code jdk.incubator.vector} is loaded and enabled
     */
    static boolean vectorised() {
        return VECTOR != null;
    }

    /**
     * Runs {@code C = A·B} (C a contiguous row-major block) when the product is thin and small and its layout
     * suits one of the loops.
     *
     * @return true when done, false when the caller must run it
     */
    static boolean tryRun(int m, int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br, int bc,
            float[] c, int co) {
        if (VECTOR == null || Math.min(m, Math.min(n, k)) > THIN || (long) m * n * k > MAX_WORK
                || m == 0 || n == 0) {
            return false;
        }
        boolean dots = ac == 1 && br == 1 && k >= LONG;
        boolean rows = bc == 1 && n >= LONG;
        if (dots && (k >= n || !rows)) {
            VECTOR.dots(m, n, k, a, ao, ar, b, bo, bc, c, co);
            return true;
        }
        if (rows) {
            VECTOR.rowUpdates(m, n, k, a, ao, ar, ac, b, bo, br, c, co, false);
            return true;
        }
        // One result column: C as [1, m] = Bᵀ·Aᵀ, whose B-side rows are A's contiguous columns.
        if (n == 1 && ar == 1 && m >= LONG) {
            VECTOR.rowUpdates(1, m, k, b, bo, 0, br, a, ao, ac, c, co, false);
            return true;
        }
        return false;
    }
}
