package dev.jinn.kernel;

/**
 * The four arithmetic operations as tight loops over one strided run of primitive values:
 * {@code o[po + i] = x[px + i·sx] ∘ y[py + i·sy]} for {@code i < n}. The operation is chosen once per run,
 * outside the loop, so the loop body is a single instruction the JIT can keep in registers (a stride of 0
 * broadcasts a value). Used by the elementwise layer for add, sub, mul and div, the most frequent operations
 * in flows.
 */
public enum ArithKernel {
    /** {@code x + y}. */
    ADD,
    /** {@code x - y}. */
    SUB,
    /** {@code x * y}. */
    MUL,
    /** {@code x / y}. */
    DIV;

    /**
     * Runs the operation over a float32 run.
     *
     * @param n  number of elements
     * @param x  first operand's storage
     * @param px its start
     * @param sx its stride (0 broadcasts)
     * @param y  second operand's storage
     * @param py its start
     * @param sy its stride (0 broadcasts)
     * @param o  output storage, written contiguously
     * @param po output start
     */
    public void run(int n, float[] x, int px, int sx, float[] y, int py, int sy, float[] o, int po) {
        switch (this) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i * sx] + y[py + i * sy];
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i * sx] - y[py + i * sy];
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i * sx] * y[py + i * sy];
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i * sx] / y[py + i * sy];
                }
        }
    }

    /**
     * Runs the operation over a float64 run.
     *
     * @param n  number of elements
     * @param x  first operand's storage
     * @param px its start
     * @param sx its stride (0 broadcasts)
     * @param y  second operand's storage
     * @param py its start
     * @param sy its stride (0 broadcasts)
     * @param o  output storage, written contiguously
     * @param po output start
     */
    public void run(int n, double[] x, int px, int sx, double[] y, int py, int sy, double[] o, int po) {
        switch (this) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i * sx] + y[py + i * sy];
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i * sx] - y[py + i * sy];
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i * sx] * y[py + i * sy];
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i * sx] / y[py + i * sy];
                }
        }
    }
}
