package dev.jinn.kernel;

/**
 * Adds float32 values into float64 accumulators, {@code acc[ao + i] += v[vo + i]}: the inner step of column
 * sums over float32 data (bias gradients sum a {@code [batch, features]} gradient down its rows). Each element
 * is one exact widening and one rounded double addition, so the vector path, eight columns at a time through
 * {@code jdk.incubator.vector} where the JVM has it, gives the same bits as the scalar loop; the JIT does not
 * vectorise the mixed-width scalar loop by itself.
 */
public final class WideningAdd {
    /** The vector kernel, or null where the vector API is not usable. */
    private static final Kernel VECTOR = VectorKernels.load("VectorWideningAdd", Kernel.class);

    private WideningAdd() {
    }

    /** The shape in which the vector kernel is loaded by name. */
    interface Kernel {
        /**
         * {@code acc[ao + i] += v[vo + i]} for {@code i < n}.
         *
         * @param v   float32 values
         * @param vo  their start
         * @param acc float64 accumulators
         * @param ao  their start
         * @param n   number of elements
         */
        void addInto(float[] v, int vo, double[] acc, int ao, int n);
    }

    /**
     * {@code acc[ao + i] += v[vo + i]} for {@code i < n}, each value widened exactly to double before the add.
     *
     * @param v   float32 values
     * @param vo  their start
     * @param acc float64 accumulators
     * @param ao  their start
     * @param n   number of elements
     */
    public static void addInto(float[] v, int vo, double[] acc, int ao, int n) {
        if (VECTOR != null) {
            VECTOR.addInto(v, vo, acc, ao, n);
        } else {
            addIntoScalar(v, vo, acc, ao, n);
        }
    }

    /**
     * Whether this JVM runs the vector path.
     *
     * @return true when {@code jdk.incubator.vector} is loaded and enabled
     */
    static boolean vectorised() {
        return VECTOR != null;
    }

    /**
     * The scalar loop, also the vector kernel's remainder.
     *
     * @param v   float32 values
     * @param vo  their start
     * @param acc float64 accumulators
     * @param ao  their start
     * @param n   number of elements
     */
    static void addIntoScalar(float[] v, int vo, double[] acc, int ao, int n) {
        for (int i = 0; i < n; i++) {
            acc[ao + i] += v[vo + i];
        }
    }
}
