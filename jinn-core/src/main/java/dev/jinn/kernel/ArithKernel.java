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
        if (sx == 1 && sy == 1) {
            if (px == po && py == po) {
                // One shared offset (the usual case of whole tensors): every array is indexed alike, so the JIT
                // can prove the store never overlaps a later load, and vectorises the loop.
                runAligned(po, po + n, x, y, o);
            } else {
                runDense(n, x, px, y, py, o, po);
            }
            return;
        }
        if (sx == 1 && sy == 0) {
            if (px == po) {
                runScalar(n, x, po, y[py], o, po); // inlined with one offset: vectorised, as runAligned
            } else {
                runScalar(n, x, px, y[py], o, po);
            }
            return;
        }
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
        if (sx == 1 && sy == 1) {
            if (px == po && py == po) {
                runAligned(po, po + n, x, y, o); // see the float32 run
            } else {
                runDense(n, x, px, y, py, o, po);
            }
            return;
        }
        if (sx == 1 && sy == 0) {
            if (px == po) {
                runScalar(n, x, po, y[py], o, po);
            } else {
                runScalar(n, x, px, y[py], o, po);
            }
            return;
        }
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

    /** Both operands dense: loops with unit strides, which the JIT vectorises (a runtime stride defeats it). */
    /** Both operands dense and at the output's offset: {@code o[i] = x[i] ∘ y[i]} for {@code from ≤ i < to}. */
    private void runAligned(int from, int to, float[] x, float[] y, float[] o) {
        switch (this) {
            case ADD:
                for (int i = from; i < to; i++) {
                    o[i] = x[i] + y[i];
                }
                break;
            case SUB:
                for (int i = from; i < to; i++) {
                    o[i] = x[i] - y[i];
                }
                break;
            case MUL:
                for (int i = from; i < to; i++) {
                    o[i] = x[i] * y[i];
                }
                break;
            default:
                for (int i = from; i < to; i++) {
                    o[i] = x[i] / y[i];
                }
        }
    }

    private void runDense(int n, float[] x, int px, float[] y, int py, float[] o, int po) {
        switch (this) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] + y[py + i];
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] - y[py + i];
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] * y[py + i];
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] / y[py + i];
                }
        }
    }

    /** Both operands dense and at the output's offset: {@code o[i] = x[i] ∘ y[i]} for {@code from ≤ i < to}. */
    private void runAligned(int from, int to, double[] x, double[] y, double[] o) {
        switch (this) {
            case ADD:
                for (int i = from; i < to; i++) {
                    o[i] = x[i] + y[i];
                }
                break;
            case SUB:
                for (int i = from; i < to; i++) {
                    o[i] = x[i] - y[i];
                }
                break;
            case MUL:
                for (int i = from; i < to; i++) {
                    o[i] = x[i] * y[i];
                }
                break;
            default:
                for (int i = from; i < to; i++) {
                    o[i] = x[i] / y[i];
                }
        }
    }

    /** Both operands dense: loops with unit strides, which the JIT vectorises (a runtime stride defeats it). */
    private void runDense(int n, double[] x, int px, double[] y, int py, double[] o, int po) {
        switch (this) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] + y[py + i];
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] - y[py + i];
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] * y[py + i];
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] / y[py + i];
                }
        }
    }

    /** A dense first operand and a broadcast scalar second one. */
    private void runScalar(int n, float[] x, int px, float c, float[] o, int po) {
        switch (this) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] + c;
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] - c;
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] * c;
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] / c;
                }
        }
    }

    /** A dense first operand and a broadcast scalar second one. */
    private void runScalar(int n, double[] x, int px, double c, double[] o, int po) {
        switch (this) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] + c;
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] - c;
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] * c;
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    o[po + i] = x[px + i] / c;
                }
        }
    }
}
