package dev.jinn.tensor;

import java.util.Arrays;

/**
 * Operations driven by integer index tensors: indexSelect/indexAdd and gather/scatterAdd (each the other's
 * gradient), and searchsorted. Indices are validated before anything is written, so a bad index gives a clear
 * error naming the op, the index and the size it must fit.
 */
final class IndexOps {
    private IndexOps() {
    }

    private static long[] indices(String op, Tensor index, int bound, int oneDimOnly) {
        if (index.dtype != DType.INT64) {
            throw new IllegalArgumentException(op + ": index must be an int64 tensor, got " + index.dtype);
        }
        if (oneDimOnly >= 0 && index.shape.length > 1) {
            throw new IllegalArgumentException(op + ": index must be 1-D, got shape " + Shapes.str(index.shape));
        }
        long[] idx = (long[]) Elementwise.copy(index, DType.INT64).data();
        for (long i : idx) {
            if (i < -bound || i >= bound) {
                throw new IllegalArgumentException(op + ": index " + i + " is out of range for a dim of size "
                        + bound);
            }
        }
        for (int k = 0; k < idx.length; k++) {
            if (idx[k] < 0) {
                idx[k] += bound;
            }
        }
        return idx;
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        int d = Shapes.dim("indexSelect", dim, x.shape.length);
        long[] idx = indices("indexSelect", index, x.shape[d], 1);
        int[] shape = x.shape.clone();
        shape[d] = idx.length;
        Tensor out = Tensor.empty(x.dtype, shape);
        for (int j = 0; j < idx.length; j++) {
            Elementwise.copyInto(slab(x, d, (int) idx[j]), slab(out, d, j));
        }
        return Tensor.record("IndexSelectBackward", out,
                (g, n) -> new Tensor[] {Tensors.zeros(g.dtype, x.shape).indexAdd(d, index, g)}, x);
    }

    static Tensor indexAdd(Tensor x, int dim, Tensor index, Tensor source) {
        int d = Shapes.dim("indexAdd", dim, x.shape.length);
        long[] idx = indices("indexAdd", index, x.shape[d], 1);
        int[] expected = x.shape.clone();
        expected[d] = idx.length;
        if (!Arrays.equals(expected, source.shape)) {
            throw new IllegalArgumentException("indexAdd: source has shape " + Shapes.str(source.shape)
                    + " but expected " + Shapes.str(expected) + " for self " + Shapes.str(x.shape) + " and "
                    + idx.length + " indices along dim " + dim);
        }
        Tensor out = Elementwise.copy(x, BinaryOps.resultType(x, source));
        for (int j = 0; j < idx.length; j++) {
            Elementwise.addInto(slab(source, d, j), slab(out, d, (int) idx[j]));
        }
        return Tensor.record("IndexAddBackward", out, (g, n) -> new Tensor[] {
            n.needs(0) ? BinaryOps.reduceTo(g, x) : null,
            null,
            n.needs(2) ? BinaryOps.reduceTo(g.indexSelect(d, index), source) : null}, x, index, source);
    }

    /** The raw (unrecorded) view of position {@code i} along dim {@code d}, keeping the dim with size 1. */
    private static Tensor slab(Tensor t, int d, int i) {
        int[] shape = t.shape.clone();
        shape[d] = 1;
        return new Tensor(t, shape, t.strides, t.offset + i * t.strides[d]);
    }

    private static void checkGatherShapes(String op, Tensor x, int d, Tensor index, Tensor src) {
        if (index.shape.length != x.shape.length) {
            throw new IllegalArgumentException(op + ": index has " + index.shape.length + " dims (shape "
                    + Shapes.str(index.shape) + ") but self has " + x.shape.length + " (shape " + Shapes.str(x.shape) + ")");
        }
        for (int k = 0; k < x.shape.length; k++) {
            boolean fits = (k == d || index.shape[k] <= x.shape[k])
                    && (src == null || index.shape[k] <= src.shape[k]);
            if (!fits) {
                throw new IllegalArgumentException(op + ": index shape " + Shapes.str(index.shape)
                        + " is larger than self " + Shapes.str(x.shape)
                        + (src == null ? "" : " or src " + Shapes.str(src.shape)) + " in dim " + k);
            }
        }
    }

    /** Strides of {@code t} with dim {@code d} zeroed, so a walk gives the offset of position 0 along d. */
    private static int[] withoutDim(Tensor t, int d) {
        int[] s = t.strides.clone();
        s[d] = 0;
        return s;
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        int d = Shapes.dim("gather", dim, x.shape.length);
        checkGatherShapes("gather", x, d, index, null);
        long[] idx = indices("gather", index, x.shape[d], -1);
        Tensor out = Tensor.empty(x.dtype, index.shape);
        StridedWalk w = new StridedWalk(index.shape, withoutDim(x, d), x.offset);
        for (int i = 0; i < idx.length; i++) {
            ElementAccess.copy(x.data(), x.dtype, w.off0 + (int) idx[i] * x.strides[d], out.data(), out.dtype, i);
            w.next();
        }
        return Tensor.record("GatherBackward", out,
                (g, n) -> new Tensor[] {Tensors.zeros(g.dtype, x.shape).scatterAdd(d, index, g)}, x);
    }

    static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        int d = Shapes.dim("scatterAdd", dim, x.shape.length);
        if (src.shape.length != x.shape.length) {
            throw new IllegalArgumentException("scatterAdd: src has shape " + Shapes.str(src.shape)
                    + " but self has shape " + Shapes.str(x.shape) + "; they need the same number of dims");
        }
        checkGatherShapes("scatterAdd", x, d, index, src);
        long[] idx = indices("scatterAdd", index, x.shape[d], -1);
        Tensor out = Elementwise.copy(x, BinaryOps.resultType(x, src));
        StridedWalk w = new StridedWalk(index.shape, new int[][] {withoutDim(out, d), src.strides},
                new int[] {0, src.offset});
        for (int i = 0; i < idx.length; i++) {
            int o = w.off0 + (int) idx[i] * out.strides[d];
            double v = ElementAccess.read(out.data(), out.dtype, o) + ElementAccess.read(src.data(), src.dtype, w.off1);
            ElementAccess.write(out.data(), out.dtype, o, v);
            w.next();
        }
        return Tensor.record("ScatterAddBackward", out, (g, n) -> new Tensor[] {
            n.needs(0) ? BinaryOps.reduceTo(g, x) : null,
            null,
            n.needs(2) ? BinaryOps.reduceTo(padTo(g.gather(d, index), src.shape), src) : null}, x, index, src);
    }

    /** Zero-pads at the end of each dim up to {@code shape} (src may be larger than index). */
    private static Tensor padTo(Tensor t, int[] shape) {
        if (Arrays.equals(t.shape, shape)) {
            return t;
        }
        int[] pad = new int[2 * shape.length];
        for (int p = 0; p < shape.length; p++) {
            pad[2 * p + 1] = shape[shape.length - 1 - p] - t.shape[shape.length - 1 - p];
        }
        return t.pad(pad, 0.0);
    }

    static Tensor searchsorted(Tensor sorted, Tensor values, boolean right) {
        if (sorted.shape.length == 0) {
            throw new IllegalArgumentException("searchsorted: sorted sequence must have at least 1 dim");
        }
        boolean shared = sorted.shape.length == 1;
        int m = sorted.shape[sorted.shape.length - 1];
        int rows = shared ? 1 : sorted.numel / Math.max(m, 1);
        if (!shared) {
            int[] lead = Arrays.copyOf(sorted.shape, sorted.shape.length - 1);
            int[] valueLead = values.shape.length == 0 ? new int[0]
                    : Arrays.copyOf(values.shape, values.shape.length - 1);
            if (!Arrays.equals(lead, valueLead)) {
                throw new IllegalArgumentException("searchsorted: sorted sequence " + Shapes.str(sorted.shape)
                        + " and values " + Shapes.str(values.shape) + " must share all but the last dim (or the "
                        + "sorted sequence must be 1-D)");
            }
        }
        double[] seq = (double[]) Elementwise.copy(sorted, DType.FLOAT64).data();
        double[] vals = (double[]) Elementwise.copy(values, DType.FLOAT64).data();
        long[] out = new long[vals.length];
        int perRow = shared ? vals.length : vals.length / Math.max(rows, 1);
        for (int i = 0; i < vals.length; i++) {
            int base = shared ? 0 : (i / perRow) * m;
            out[i] = lowerBound(seq, base, m, vals[i], right);
        }
        return new Tensor(out, DType.INT64, values.shape.clone());
    }

    /**
     * First position p in [0, m] with v <= seq[p] (or v < seq[p] when {@code right}), ordering NaN after every
     * number as sorting does (so a NaN value goes after all numbers), like PyTorch.
     */
    private static int lowerBound(double[] seq, int base, int m, double v, boolean right) {
        int lo = 0;
        int hi = m;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            double s = seq[base + mid];
            boolean goRight = right ? !before(v, s) : before(s, v);
            if (goRight) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** {@code a < b} in the order that puts NaN after every number. */
    private static boolean before(double a, double b) {
        return a < b || (a == a && b != b);
    }
}
