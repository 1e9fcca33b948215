package dev.jinn.tensor;

import dev.jinn.autograd.Grad;
import dev.jinn.kernel.Parallel;
import dev.jinn.kernel.WideningAdd;

/**
 * Reductions over sets of dims (sum, prod, amax/amin, logsumexp, norms, ...) and scans (cumsum), with their
 * backward rules. Each reduction first lays the input out as {@code outer × inner} runs of doubles with the
 * reduced dims innermost, so one loop per kernel serves every dtype and every choice of dims.
 *
 * <p>Large reductions are split over the shared pool. Sums of long runs are folded in fixed chunks of
 * {@link Parallel#CHUNK} elements (or rows) whose partial sums are added in chunk order; the chunk boundaries
 * depend only on the shape, so a sum gives the same bits on any number of threads. Runs of at most one chunk are
 * summed left to right, as a plain loop would.
 */
final class ReductionOps {
    private ReductionOps() {
    }

    /** The input rearranged as {@code outer} contiguous runs of {@code inner} doubles, plus output shapes. */
    private static final class Runs {
        private final Tensor source;
        private double[] values;
        /** Which dims of the input are reduced. */
        final boolean[] reduced;
        final int outer;
        final int inner;
        /** Output shape with the reduced dims removed. */
        final int[] shape;
        /** Output shape with the reduced dims kept as size 1. */
        final int[] keptShape;

        Runs(String op, Tensor x, int[] dims) {
            int nd = x.shape.length;
            boolean[] reduced = Shapes.dimMask(op, dims, nd);
            int[] perm = new int[nd];
            int k = 0;
            int kept = 0;
            for (int d = 0; d < nd; d++) {
                if (!reduced[d]) {
                    perm[k++] = d;
                    kept++;
                }
            }
            for (int d = 0; d < nd; d++) {
                if (reduced[d]) {
                    perm[k++] = d;
                }
            }
            int[] pShape = new int[nd];
            int[] pStrides = new int[nd];
            for (int i = 0; i < nd; i++) {
                pShape[i] = x.shape[perm[i]];
                pStrides[i] = x.strides[perm[i]];
            }
            this.reduced = reduced;
            source = new Tensor(x, pShape, pStrides, x.offset);
            shape = java.util.Arrays.copyOf(pShape, kept);
            keptShape = x.shape.clone();
            int in = 1;
            for (int d = 0; d < nd; d++) {
                if (reduced[d]) {
                    keptShape[d] = 1;
                    in *= x.shape[d];
                }
            }
            inner = in;
            outer = Shapes.numel(shape);
        }

        int[] outShape(boolean keepDim) {
            return keepDim ? keptShape : shape;
        }

        /** The values as {@code outer} runs of {@code inner} doubles (copied on first use). */
        double[] values() {
            if (values == null) {
                values = (double[]) Elementwise.copy(source, DType.FLOAT64).data();
            }
            return values;
        }
    }

    /** One reduction kernel: folds a run {@code values[from .. from+len)} into one number. */
    @FunctionalInterface
    private interface RunKernel {
        double reduce(double[] values, int from, int len);
    }

    private static Tensor reduce(Runs r, DType type, boolean keepDim, RunKernel kernel) {
        Tensor out = Tensor.empty(type, r.outShape(keepDim));
        double[] values = r.values();
        int inner = r.inner;
        Parallel.forRange(r.outer, inner, (from, to) -> {
            for (int o = from; o < to; o++) {
                ElementAccess.write(out.data(), type, o, kernel.reduce(values, o * inner, inner));
            }
        });
        return out;
    }

    /**
     * Sums each run of {@code r}: runs of up to {@link Parallel#CHUNK} values left to right, longer ones as fixed
     * chunks whose partial sums are added in order. Chunks of all runs are spread over the pool together.
     */
    private static Tensor sumRuns(Runs r, DType type, boolean keepDim) {
        Tensor out = Tensor.empty(type, r.outShape(keepDim));
        double[] v = r.values();
        int inner = r.inner;
        int perRun = Math.max(1, (inner + Parallel.CHUNK - 1) / Parallel.CHUNK);
        double[] partial = new double[r.outer * perRun];
        Parallel.forRange(partial.length, Math.min(inner, Parallel.CHUNK), (from, to) -> {
            for (int t = from; t < to; t++) {
                int o = t / perRun;
                int c = t - o * perRun;
                int start = o * inner + c * Parallel.CHUNK;
                int end = o * inner + Math.min(inner, (c + 1) * Parallel.CHUNK);
                double s = 0;
                for (int i = start; i < end; i++) {
                    s += v[i];
                }
                partial[t] = s;
            }
        });
        for (int o = 0; o < r.outer; o++) {
            double s = 0;
            for (int c = 0; c < perRun; c++) {
                s += partial[o * perRun + c];
            }
            ElementAccess.write(out.data(), type, o, s);
        }
        return out;
    }

    /** Spreads a reduced gradient back over the input's shape (a broadcast view). */
    private static Tensor spread(Tensor g, Runs r, int[] inputShape) {
        return g.reshape(r.keptShape).expand(inputShape);
    }

    private static DType sumType(Tensor x) {
        return x.dtype.isFloatingPoint() ? x.dtype : DType.INT64;
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        Runs r = new Runs("sum", x, dims);
        Tensor block = blockSum(x, r, keepDim);
        if (block == null) {
            block = keptBlockSum(x, r, keepDim);
        }
        Tensor out = block != null ? block : sumRuns(r, sumType(x), keepDim);
        return Tensor.record("SumBackward", out, (g, n) -> new Tensor[] {spread(g, r, x.shape)}, x);
    }

    /**
     * Views a contiguous floating-point tensor as {@code [outer, middle, inner]}, where {@code middle} spans the
     * dims whose reduced flag equals {@code middleReduced} (size-1 dims fit either side): the layout both
     * in-place sums read. Null when no such dim exists or they are not adjacent.
     */
    private static Blocks threeBlocks(Tensor x, Runs r, boolean middleReduced) {
        if (!x.contiguous || !x.dtype.isFloatingPoint()) {
            return null;
        }
        int first = -1;
        int last = -1;
        for (int d = 0; d < r.reduced.length; d++) {
            if (r.reduced[d] == middleReduced && x.shape[d] != 1) {
                first = first < 0 ? d : first;
                last = d;
            }
        }
        if (first < 0) {
            return null;
        }
        int[] layout = {1, 1, 1};
        for (int d = 0; d < x.shape.length; d++) {
            if (d < first) {
                layout[0] *= x.shape[d];
            } else if (d > last) {
                layout[2] *= x.shape[d];
            } else if (r.reduced[d] == middleReduced || x.shape[d] == 1) {
                layout[1] *= x.shape[d];
            } else {
                return null;
            }
        }
        return new Blocks(layout[0], layout[1], layout[2]);
    }

    /** The sizes of the {@code [outer, middle, inner]} view of {@link #threeBlocks}. */
    private record Blocks(int outer, int middle, int inner) {
    }

    /**
     * The sum of a contiguous floating tensor whose reduced dims form one consecutive block, read in place as
     * {@code [outer, block, inner]} (no copy): the common cases of summing leading dims (bias gradients) or
     * trailing dims (per-sample sums). Null when the layout does not fit.
     */
    private static Tensor blockSum(Tensor x, Runs r, boolean keepDim) {
        Blocks layout = threeBlocks(x, r, true);
        if (layout == null) {
            return null;
        }
        int outer = layout.outer();
        int block = layout.middle();
        int inner = layout.inner();
        Tensor out = Tensor.empty(x.dtype, r.outShape(keepDim));
        if (outer == 0 || block == 0 || inner == 0) {
            return out;
        }
        if (inner >= WIDE_INNER) {
            // Each column is summed down the block in order; columns are independent, so split over them.
            int width = Math.max(COLUMN_GRAIN, Math.min(inner, Parallel.CHUNK / Math.max(1, block)));
            int perOuter = (inner + width - 1) / width;
            Parallel.forRange(outer * perOuter, (long) block * width, (from, to) -> {
                for (int t = from; t < to; t++) {
                    int o = t / perOuter;
                    int c0 = (t - o * perOuter) * width;
                    int c1 = Math.min(inner, c0 + width);
                    double[] acc = new double[c1 - c0];
                    addRows(x, x.offset + o * block * inner, 0, block, inner, c0, acc);
                    store(out, o * inner + c0, acc);
                }
            });
            return out;
        }
        // Narrow rows: fixed chunks of rows, each summed left to right, partial sums added in chunk order.
        int rowsPerChunk = Math.max(1, Parallel.CHUNK / inner);
        int perOuter = (block + rowsPerChunk - 1) / rowsPerChunk;
        double[] partial = new double[outer * perOuter * inner];
        Parallel.forRange(outer * perOuter, (long) Math.min(block, rowsPerChunk) * inner, (from, to) -> {
            double[] acc = new double[inner];
            for (int t = from; t < to; t++) {
                int o = t / perOuter;
                int b0 = (t - o * perOuter) * rowsPerChunk;
                java.util.Arrays.fill(acc, 0.0);
                addRows(x, x.offset + o * block * inner, b0, Math.min(block, b0 + rowsPerChunk), inner, 0, acc);
                System.arraycopy(acc, 0, partial, t * inner, inner);
            }
        });
        double[] acc = new double[inner];
        for (int o = 0; o < outer; o++) {
            java.util.Arrays.fill(acc, 0.0);
            for (int c = 0; c < perOuter; c++) {
                int p = (o * perOuter + c) * inner;
                for (int i = 0; i < inner; i++) {
                    acc[i] += partial[p + i];
                }
            }
            store(out, o * inner, acc);
        }
        return out;
    }

    /**
     * The sum of a contiguous floating tensor whose kept dims form one consecutive block between reduced ones,
     * read in place as {@code [outer, kept, inner]} → {@code [kept]}: the bias gradient of a convolution, a sum
     * of {@code [N, C, H, W]} over N, H and W. Each result adds its values in the order and in the chunks of
     * {@link #sumRuns}, so it gives the same bits without first copying the values into permuted runs. Null
     * when the layout does not fit.
     */
    private static Tensor keptBlockSum(Tensor x, Runs r, boolean keepDim) {
        Blocks layout = threeBlocks(x, r, false);
        if (layout == null) {
            return null;
        }
        int outer = layout.outer();
        int kept = layout.middle();
        int inner = layout.inner();
        Tensor out = Tensor.empty(x.dtype, r.outShape(keepDim));
        // float32 values are widened once per strip into a reused buffer, so one loop serves both types.
        Parallel.forRange(kept, (long) outer * inner, (from, to) -> {
            double[] strip = x.dtype == DType.FLOAT64 ? null : new double[inner];
            for (int k = from; k < to; k++) {
                double total = 0;
                double s = 0;
                int inChunk = 0;
                for (int a = 0; a < outer; a++) {
                    int base = x.offset + (a * kept + k) * inner;
                    double[] v = strip == null ? (double[]) x.data() : widen((float[]) x.data(), base, strip);
                    int at = strip == null ? base : 0;
                    for (int b = 0; b < inner; b++) {
                        s += v[at + b];
                        if (++inChunk == Parallel.CHUNK) {
                            total += s;
                            s = 0;
                            inChunk = 0;
                        }
                    }
                }
                if (inChunk > 0 || (long) outer * inner == 0) {
                    total += s;
                }
                ElementAccess.write(out.data(), out.dtype, k, total);
            }
        });
        return out;
    }

    /** Copies {@code dst.length} float32 values from {@code src[from]} into {@code dst}, widened; returns dst. */
    private static double[] widen(float[] src, int from, double[] dst) {
        for (int i = 0; i < dst.length; i++) {
            dst[i] = src[from + i];
        }
        return dst;
    }

    /** Writes {@code acc} into the floating tensor {@code out} from position {@code at}, rounding to its type. */
    private static void store(Tensor out, int at, double[] acc) {
        if (out.dtype == DType.FLOAT32) {
            float[] res = (float[]) out.data();
            for (int i = 0; i < acc.length; i++) {
                res[at + i] = (float) acc[i];
            }
        } else {
            System.arraycopy(acc, 0, out.data(), at, acc.length);
        }
    }

    /** Rows of at least this many elements are summed column by column, without row chunks. */
    private static final int WIDE_INNER = 64;
    /** Fewest columns one task of a column-split sum takes. */
    private static final int COLUMN_GRAIN = 16;

    /**
     * Adds rows {@code [b0, b1)} of the {@code [block, inner]} slab of the contiguous tensor {@code x} that
     * starts at {@code start}, columns {@code [c0, c0 + acc.length)}, into {@code acc} in row order.
     */
    private static void addRows(Tensor x, int start, int b0, int b1, int inner, int c0, double[] acc) {
        int w = acc.length;
        int base = start + b0 * inner + c0;
        if (x.dtype == DType.FLOAT32) {
            float[] v = (float[]) x.data();
            if (w == 1) {
                double s = acc[0];
                for (int b = b0; b < b1; b++, base += inner) {
                    s += v[base];
                }
                acc[0] = s;
                return;
            }
            for (int b = b0; b < b1; b++, base += inner) {
                WideningAdd.addInto(v, base, acc, 0, w);
            }
        } else {
            double[] v = (double[]) x.data();
            if (w == 1) {
                double s = acc[0];
                for (int b = b0; b < b1; b++, base += inner) {
                    s += v[base];
                }
                acc[0] = s;
                return;
            }
            for (int b = b0; b < b1; b++, base += inner) {
                for (int i = 0; i < w; i++) {
                    acc[i] += v[base + i];
                }
            }
        }
    }

    /** Number of elements folded into each result of a reduction over {@code dims}. */
    private static int count(String op, Tensor x, int[] dims) {
        boolean[] reduced = Shapes.dimMask(op, dims, x.shape.length);
        int n = 1;
        for (int d = 0; d < reduced.length; d++) {
            n *= reduced[d] ? x.shape[d] : 1;
        }
        return n;
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        int n = count("mean", x, dims);
        return sum(x.dtype.isFloatingPoint() ? x : x.to(DType.FLOAT32), dims, keepDim).div(n);
    }

    static Tensor prod(Tensor x, int[] dims, boolean keepDim) {
        Runs r = new Runs("prod", x, dims);
        Tensor out = reduce(r, sumType(x), keepDim, (v, from, len) -> {
            double p = 1;
            for (int i = from; i < from + len; i++) {
                p *= v[i];
            }
            return p;
        });
        return Tensor.record("ProdBackward", out, (g, n) -> {
            boolean anyZero = false;
            for (double v : r.values()) {
                anyZero |= v == 0.0;
            }
            Tensor gx = spread(g, r, x.shape);
            if (!anyZero) {
                return new Tensor[] {gx.mul(spread(out, r, x.shape)).div(x)};
            }
            if (Grad.isEnabled()) {
                throw new UnsupportedOperationException("prod: double backward is not supported when the input "
                        + "contains zeros");
            }
            return new Tensor[] {gx.mul(productOfOthers(x, dims, r))};
        }, x);
    }

    /** For each element, the product of the other elements of its run (exact with zeros). */
    private static Tensor productOfOthers(Tensor x, int[] dims, Runs r) {
        double[] values = r.values();
        double[] others = new double[values.length];
        for (int o = 0; o < r.outer; o++) {
            int from = o * r.inner;
            double left = 1;
            for (int i = 0; i < r.inner; i++) {
                others[from + i] = left;
                left *= values[from + i];
            }
            double right = 1;
            for (int i = r.inner - 1; i >= 0; i--) {
                others[from + i] *= right;
                right *= values[from + i];
            }
        }
        // 'others' is laid out as kept dims then reduced dims; view it back in the input's dim order.
        int nd = x.shape.length;
        boolean[] reduced = Shapes.dimMask("prod", dims, nd);
        int[] perm = new int[nd];
        int k = 0;
        for (int d = 0; d < nd; d++) {
            if (!reduced[d]) {
                perm[k++] = d;
            }
        }
        for (int d = 0; d < nd; d++) {
            if (reduced[d]) {
                perm[k++] = d;
            }
        }
        int[] pShape = new int[nd];
        for (int i = 0; i < nd; i++) {
            pShape[i] = x.shape[perm[i]];
        }
        int[] inverse = new int[nd];
        for (int i = 0; i < nd; i++) {
            inverse[perm[i]] = i;
        }
        Tensor t = new Tensor(others, DType.FLOAT64, pShape).permute(inverse);
        return t.to(x.dtype.isFloatingPoint() ? x.dtype : DType.FLOAT32);
    }

    /** Largest (or smallest) value over dims; NaN wins; at ties the gradient is split equally. */
    static Tensor amax(Tensor x, int[] dims, boolean keepDim, boolean max) {
        Runs r = new Runs(max ? "max" : "min", x, dims);
        if (r.inner == 0) {
            throw new IllegalArgumentException((max ? "max" : "min") + ": cannot reduce over an empty dim of shape "
                    + Shapes.str(x.shape));
        }
        Tensor out = reduce(r, x.dtype, keepDim, (v, from, len) -> {
            double best = v[from];
            for (int i = from + 1; i < from + len && best == best; i++) {
                double c = v[i];
                if (c != c || (max ? c > best : c < best)) {
                    best = c;
                }
            }
            return best;
        });
        return Tensor.record(max ? "AmaxBackward" : "AminBackward", out, (g, n) -> {
            Tensor hit = x.eq(spread(out, r, x.shape)).to(g.dtype);
            Tensor count = hit.sum(dims, true);
            return new Tensor[] {spread(g, r, x.shape).mul(hit).div(count)};
        }, x);
    }

    static Tensor extreme(Tensor x, boolean max) {
        return amax(x, new int[0], false, max);
    }

    static ValuesIndices extreme(Tensor x, int dim, boolean keepDim, boolean max) {
        return extreme(max ? "max" : "min", x, dim, keepDim, max);
    }

    /** Positions of the largest (or smallest) elements along a dim; errors name argmax/argmin. */
    static Tensor argExtreme(Tensor x, int dim, boolean keepDim, boolean max) {
        return extreme(max ? "argmax" : "argmin", x, dim, keepDim, max).indices();
    }

    private static ValuesIndices extreme(String op, Tensor x, int dim, boolean keepDim, boolean max) {
        int d = Shapes.reductionDim(op, dim, x.shape.length);
        if (x.shape.length == 0) {
            return new ValuesIndices(x, Tensors.zeros(DType.INT64));
        }
        Runs r = new Runs(op, x, new int[] {d});
        if (r.inner == 0) {
            throw new IllegalArgumentException(op + ": cannot reduce over dim " + dim + " of size 0 (shape "
                    + Shapes.str(x.shape) + ")");
        }
        Tensor idx = reduce(r, DType.INT64, true, (v, from, len) -> {
            int best = from;
            for (int i = from + 1; i < from + len && v[best] == v[best]; i++) {
                double c = v[i];
                if (c != c || (max ? c > v[best] : c < v[best])) {
                    best = i;
                }
            }
            return best - from;
        });
        Tensor values = Tensor.empty(x.dtype, r.keptShape);
        for (int o = 0; o < r.outer; o++) {
            ElementAccess.write(values.data(), x.dtype, o, r.values()[o * r.inner + (int) ((long[]) idx.data())[o]]);
        }
        Tensor kept = Tensor.record(max ? "MaxBackward" : "MinBackward", values,
                (g, n) -> new Tensor[] {Tensors.zeros(g.dtype, x.shape).scatterAdd(d, idx, g)}, x);
        if (keepDim) {
            return new ValuesIndices(kept, idx);
        }
        return new ValuesIndices(kept.squeeze(d), new Tensor(idx, r.shape));
    }

    static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepDim) {
        return var("var", x, dims, unbiased, keepDim);
    }

    static Tensor std(Tensor x, int[] dims, boolean unbiased, boolean keepDim) {
        return var("std", x, dims, unbiased, keepDim).sqrt();
    }

    private static Tensor var(String op, Tensor x, int[] dims, boolean unbiased, boolean keepDim) {
        int n = count(op, x, dims);
        Tensor centered = x.sub(x.mean(dims, true));
        return centered.square().sum(dims, keepDim).div(Math.max(n - (unbiased ? 1 : 0), 0));
    }

    static Tensor logsumexp(Tensor x, int[] dims, boolean keepDim) {
        Runs r = new Runs("logsumexp", x, dims);
        Tensor kept = reduce(r, UnaryOps.floatType(x), true, (v, from, len) -> {
            double m = Double.NEGATIVE_INFINITY;
            for (int i = from; i < from + len; i++) {
                m = Math.max(m, v[i]);
            }
            if (Double.isInfinite(m) || Double.isNaN(m)) {
                return m;
            }
            double s = 0;
            for (int i = from; i < from + len; i++) {
                s += Math.exp(v[i] - m);
            }
            return m + Math.log(s);
        });
        Tensor out = Tensor.record("LogsumexpBackward", kept,
                (g, n) -> new Tensor[] {g.expand(x.shape).mul(x.sub(kept).exp())}, x);
        return keepDim ? out : out.reshape(r.shape);
    }

    static Tensor softmax(Tensor x, int dim) {
        return logSoftmax("softmax", x, dim).exp();
    }

    static Tensor logSoftmax(Tensor x, int dim) {
        return logSoftmax("logSoftmax", x, dim);
    }

    private static Tensor logSoftmax(String op, Tensor x, int dim) {
        int d = Shapes.reductionDim(op, dim, x.shape.length);
        if (x.shape.length == 0) {
            return x.sub(x);
        }
        return x.sub(logsumexp(x, new int[] {d}, true));
    }

    static Tensor cumsum(Tensor x, int dim) {
        int nd = x.shape.length;
        if (nd == 0) {
            Shapes.reductionDim("cumsum", dim, 0);
            return x.add(0.0);
        }
        int d = Shapes.dim("cumsum", dim, nd);
        Runs r = new Runs("cumsum", x, new int[] {d});
        double[] run = r.values();
        for (int o = 0; o < r.outer; o++) {
            double s = 0;
            for (int i = o * r.inner; i < (o + 1) * r.inner; i++) {
                s += run[i];
                run[i] = s;
            }
        }
        // 'run' holds the dims in the order (others..., d); move d back into place.
        int[] pShape = new int[nd];
        int[] inverse = new int[nd];
        int k = 0;
        for (int i = 0; i < nd; i++) {
            if (i != d) {
                pShape[k] = x.shape[i];
                inverse[i] = k++;
            }
        }
        pShape[nd - 1] = x.shape[d];
        inverse[d] = nd - 1;
        Tensor scanned = new Tensor(run, DType.FLOAT64, pShape);
        Tensor laidOut = Elementwise.copy(new Tensor(scanned, x.shape,
                permuteStrides(scanned.strides, inverse), 0), sumType(x));
        return Tensor.record("CumsumBackward", laidOut,
                (g, n) -> new Tensor[] {g.flip(d).cumsum(d).flip(d)}, x);
    }

    private static int[] permuteStrides(int[] strides, int[] order) {
        int[] s = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            s[i] = strides[order[i]];
        }
        return s;
    }

    static Tensor norm(Tensor x, double p, int[] dims, boolean keepDim) {
        if (p != 1 && p != 2 && p != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("norm: p must be 1, 2 or infinity, got " + p);
        }
        // Validate here so that errors name norm rather than the sum/max it is built from.
        Shapes.dimMask("norm", dims, x.shape.length);
        if (p == 1) {
            return x.abs().sum(dims, keepDim);
        }
        if (p == Double.POSITIVE_INFINITY) {
            if (count("norm", x, dims) == 0) {
                // The largest |x| over no elements: 0, as the 1- and 2-norms give for empty input.
                return x.abs().sum(dims, keepDim);
            }
            return amax(x.abs(), dims, keepDim, true);
        }
        Runs r = new Runs("norm", x, dims);
        Tensor kept = reduce(r, UnaryOps.floatType(x), true, (v, from, len) -> {
            double scale = 0;
            for (int i = from; i < from + len; i++) {
                scale = Math.max(scale, Math.abs(v[i]));
            }
            if (scale == 0 || Double.isInfinite(scale) || Double.isNaN(scale)) {
                return scale;
            }
            double s = 0;
            for (int i = from; i < from + len; i++) {
                double q = v[i] / scale;
                s += q * q;
            }
            return scale * Math.sqrt(s);
        });
        Tensor out = Tensor.record("NormBackward", kept, (g, n) -> {
            Tensor safe = Tensor.where(kept.eq(0.0), Tensors.zeros(g.dtype), g.div(kept));
            return new Tensor[] {x.mul(safe)};
        }, x);
        return keepDim ? out : out.reshape(r.shape);
    }
}
