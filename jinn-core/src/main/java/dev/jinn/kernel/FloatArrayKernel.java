package dev.jinn.kernel;

/**
 * An elementwise float32 kernel over array ranges, {@code out[oo + i] = f(x[xo + i])} for {@code i < n}: the
 * shape in which optional kernels compiled apart from the main sources (the vector API ones) are loaded by name.
 */
interface FloatArrayKernel {
    /**
     * Applies the kernel to one range.
     *
     * @param x   input storage
     * @param xo  input start
     * @param out output storage
     * @param oo  output start
     * @param n   number of elements
     */
    void apply(float[] x, int xo, float[] out, int oo, int n);
}
