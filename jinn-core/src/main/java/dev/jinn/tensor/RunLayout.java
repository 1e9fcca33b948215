package dev.jinn.tensor;

/**
 * The index space of a two-operand elementwise loop, coalesced into as few dims as the strides allow and split
 * into an innermost run (one tight loop) and the outer dims that place each run. Dims of size 1 are dropped, and
 * neighbouring dims merge when both operands step through them as through one (a contiguous or a scalar operand
 * folds into a single run).
 *
 * @param inner      the length of one run
 * @param innerA     operand a's stride inside a run
 * @param innerB     operand b's stride inside a run
 * @param outerShape the dims that enumerate the runs, outermost first (empty for a single run)
 * @param outerA     operand a's strides over those dims
 * @param outerB     operand b's strides over those dims
 */
record RunLayout(int inner, int innerA, int innerB, int[] outerShape, int[] outerA, int[] outerB) {

    /**
     * Coalesces the loop over {@code shape} with operand strides {@code sa} and {@code sb} (already broadcast to
     * {@code shape}).
     */
    static RunLayout of(int[] shape, int[] sa, int[] sb) {
        int nd = shape.length;
        // Coalesced dims, innermost first.
        int[] size = new int[nd + 1];
        int[] strideA = new int[nd + 1];
        int[] strideB = new int[nd + 1];
        int m = 0;
        for (int d = nd - 1; d >= 0; d--) {
            if (shape[d] == 1) {
                continue;
            }
            if (m > 0 && sa[d] == strideA[m - 1] * size[m - 1] && sb[d] == strideB[m - 1] * size[m - 1]) {
                size[m - 1] *= shape[d];
            } else {
                size[m] = shape[d];
                strideA[m] = sa[d];
                strideB[m] = sb[d];
                m++;
            }
        }
        if (m == 0) {
            size[0] = 1;
            m = 1;
        }
        int[] outerShape = new int[m - 1];
        int[] outerA = new int[m - 1];
        int[] outerB = new int[m - 1];
        for (int i = 0; i < m - 1; i++) {
            outerShape[i] = size[m - 1 - i];
            outerA[i] = strideA[m - 1 - i];
            outerB[i] = strideB[m - 1 - i];
        }
        return new RunLayout(size[0], strideA[0], strideB[0], outerShape, outerA, outerB);
    }

    /** A walk over the start offsets of the runs, beginning at the given operand offsets. */
    StridedWalk runStarts(int offsetA, int offsetB) {
        return new StridedWalk(outerShape, outerA, offsetA, outerB, offsetB);
    }
}
