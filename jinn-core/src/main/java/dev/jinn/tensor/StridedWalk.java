package dev.jinn.tensor;

/**
 * An odometer over an N-d index space that keeps the storage offsets of up to three operands in step.
 * Each operand has its own strides (0 on broadcast dims) and start offset. Callers loop
 * {@code for (int i = 0; i < n; i++) { ...use off0/off1/off2...; walk.next(); }}.
 */
final class StridedWalk {
    private final int[] shape;
    private final int[][] strides;
    private final int[] counter;
    private final int[] starts;
    /** Current storage offsets of operands 0, 1 and 2. */
    int off0;
    int off1;
    int off2;

    StridedWalk(int[] shape, int[] strides0, int start0) {
        this(shape, new int[][] {strides0}, new int[] {start0});
    }

    StridedWalk(int[] shape, int[] strides0, int start0, int[] strides1, int start1) {
        this(shape, new int[][] {strides0, strides1}, new int[] {start0, start1});
    }

    StridedWalk(int[] shape, int[][] strides, int[] starts) {
        this.shape = shape;
        this.strides = strides;
        this.counter = new int[shape.length];
        this.starts = starts;
        off0 = starts[0];
        off1 = starts.length > 1 ? starts[1] : 0;
        off2 = starts.length > 2 ? starts[2] : 0;
    }

    /**
     * Moves to the row-major linear {@code index}, so a range of the index space can be walked on its own.
     *
     * @param index the linear index to move to
     * @return this walk
     */
    StridedWalk seek(int index) {
        int nOps = strides.length;
        int o0 = starts[0];
        int o1 = nOps > 1 ? starts[1] : 0;
        int o2 = nOps > 2 ? starts[2] : 0;
        int rest = index;
        for (int d = shape.length - 1; d >= 0; d--) {
            int c = shape[d] == 0 ? 0 : rest % shape[d];
            rest = shape[d] == 0 ? 0 : rest / shape[d];
            counter[d] = c;
            o0 += c * strides[0][d];
            if (nOps > 1) {
                o1 += c * strides[1][d];
                if (nOps > 2) {
                    o2 += c * strides[2][d];
                }
            }
        }
        off0 = o0;
        off1 = o1;
        off2 = o2;
        return this;
    }

    /** Advances to the next index in row-major order. */
    void next() {
        int nOps = strides.length;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++counter[d] < shape[d]) {
                off0 += strides[0][d];
                if (nOps > 1) {
                    off1 += strides[1][d];
                    if (nOps > 2) {
                        off2 += strides[2][d];
                    }
                }
                return;
            }
            counter[d] = 0;
            int back = shape[d] - 1;
            off0 -= strides[0][d] * back;
            if (nOps > 1) {
                off1 -= strides[1][d] * back;
                if (nOps > 2) {
                    off2 -= strides[2][d] * back;
                }
            }
        }
    }
}
