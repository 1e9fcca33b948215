package dev.jinn.tensor;

import dev.jinn.autograd.Grad;
import dev.jinn.kernel.Gemm;
import dev.jinn.kernel.Parallel;
import dev.jinn.kernel.Scratch;
import java.util.Arrays;

/** Matrix products and matrix-structure operations (diagonals, triangles), with their backward rules. */
final class LinalgOps {
    private LinalgOps() {
    }

    static Tensor trace(Tensor x) {
        if (x.shape.length != 2) {
            throw new IllegalArgumentException("trace: expected a 2-D tensor, got shape " + Shapes.str(x.shape));
        }
        return diag(x, 0).sum();
    }

    /**
     * The affine map of a linear layer, {@code x · wᵀ + b}, as one recorded op: the bias is added into the
     * product's fresh storage instead of through a second output as large as the product.
     */
    static Tensor linear(Tensor x, Tensor w, Tensor b) {
        if (w.shape.length != 2) {
            throw new IllegalArgumentException("linear: expected a weight [out_features, in_features], got "
                    + Shapes.str(w.shape));
        }
        int outFeatures = w.shape[0];
        int inFeatures = w.shape[1];
        if (x.shape.length == 0 || x.shape[x.shape.length - 1] != inFeatures) {
            throw new IllegalArgumentException("linear: expected input [..., " + inFeatures + "] for weight "
                    + Shapes.str(w.shape) + ", got " + Shapes.str(x.shape));
        }
        if (b != null && (b.shape.length != 1 || b.shape[0] != outFeatures)) {
            throw new IllegalArgumentException("linear: expected bias [" + outFeatures + "] for weight "
                    + Shapes.str(w.shape) + ", got " + Shapes.str(b.shape));
        }
        if (!x.dtype.isFloatingPoint() || w.dtype != x.dtype || (b != null && b.dtype != x.dtype)) {
            throw new IllegalArgumentException("linear: input, weight and bias must share one floating dtype, got "
                    + x.dtype + ", " + w.dtype + (b == null ? "" : ", " + b.dtype));
        }
        Tensor out;
        try (Grad.Scope s = Grad.disabled()) {
            out = matmul(x, w.transpose(0, 1));
            if (b != null) {
                out = out.contiguous && out.offset == 0 ? addRowsInPlace(out, b, false) : BinaryOps.add(out, b);
            }
        }
        Tensor[] inputs = b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b};
        // The leading dims flattened into rows, counted from the shape (a count from numel fails with 0 features).
        int rows = Shapes.numel(Arrays.copyOf(x.shape, x.shape.length - 1));
        return Tensor.record("LinearBackward", out, (g, node) -> {
            Tensor g2 = g.reshape(rows, outFeatures);
            return new Tensor[] {
                node.needs(0) ? g.matmul(w) : null,
                node.needs(1) ? g2.transpose(0, 1).matmul(x.reshape(rows, inFeatures)) : null,
                b != null && node.needs(2) ? g2.sum(0) : null};
        }, inputs);
    }

    /**
     * Adds the vector {@code b} to every row of the fresh, dense (offset 0) {@code out}, and with {@code relu}
     * also applies {@code max(·, 0)} in the same pass; returns out. Each row goes through a small scratch row that
     * stays in L1, because the JIT vectorises {@code s[j] += bias[j]} (one index for both arrays) but not
     * {@code o[base + j] += bias[j]}: two copies and a vector loop take about a third of the time of the scalar
     * loop. The additions, and so the bits, are the same.
     *
     * @param out  the rows, {@code [..., n]}
     * @param b    the vector {@code [n]}; null (zeros) only with {@code relu}
     * @param relu whether to apply the relu after the addition
     */
    static Tensor addRowsInPlace(Tensor out, Tensor b, boolean relu) {
        int n = out.shape[out.shape.length - 1];
        int rows = n == 0 ? 0 : out.numel / n;
        // Adding +0 before the relu gives the relu's bits (only -0 changes, and the relu maps it to +0 anyway).
        Object bias = b == null ? ElementAccess.allocate(out.dtype, n)
                : (b.contiguous && b.offset == 0 ? b : Elementwise.copy(b, b.dtype)).data();
        if (out.dtype == DType.FLOAT32) {
            float[] o = (float[]) out.data();
            float[] bf = (float[]) bias;
            Parallel.forRange(rows, n, (from, to) -> {
                try (Scratch scratch = Scratch.take()) {
                    addRowsFloat(o, bf, relu, n, from, to, (float[]) scratch.array(Scratch.Slot.PART, true, n));
                }
            });
        } else {
            double[] o = (double[]) out.data();
            double[] bd = (double[]) bias;
            Parallel.forRange(rows, n, (from, to) -> {
                try (Scratch scratch = Scratch.take()) {
                    addRowsDouble(o, bd, relu, n, from, to, (double[]) scratch.array(Scratch.Slot.PART, false, n));
                }
            });
        }
        return out;
    }

    /** Rows {@code [from, to)} of {@link #addRowsInPlace}, each through the scratch row {@code s} (n or longer). */
    private static void addRowsFloat(float[] o, float[] bias, boolean relu, int n, int from, int to, float[] s) {
        for (int r = from; r < to; r++) {
            System.arraycopy(o, r * n, s, 0, n);
            if (relu) {
                for (int j = 0; j < n; j++) {
                    s[j] = Math.max(s[j] + bias[j], 0f);
                }
            } else {
                for (int j = 0; j < n; j++) {
                    s[j] += bias[j];
                }
            }
            System.arraycopy(s, 0, o, r * n, n);
        }
    }

    /** Rows {@code [from, to)} of {@link #addRowsInPlace}, each through the scratch row {@code s} (n or longer). */
    private static void addRowsDouble(double[] o, double[] bias, boolean relu, int n, int from, int to, double[] s) {
        for (int r = from; r < to; r++) {
            System.arraycopy(o, r * n, s, 0, n);
            if (relu) {
                for (int j = 0; j < n; j++) {
                    s[j] = Math.max(s[j] + bias[j], 0.0);
                }
            } else {
                for (int j = 0; j < n; j++) {
                    s[j] += bias[j];
                }
            }
            System.arraycopy(s, 0, o, r * n, n);
        }
    }

    /**
     * {@code C = A·B} in float32 ({@code single}) or float64 on raw storage, C written as a dense row-major block;
     * float32 operands may also be native column matrices (see {@link Gemm}).
     */
    static void gemm(boolean single, int m, int n, int k, Object a, int ao, int ar, int ac, Object b, int bo,
            int br, int bc, Object c, int co) {
        if (single) {
            Gemm.gemm(m, n, k, a, ao, ar, ac, b, bo, br, bc, (float[]) c, co);
        } else {
            Gemm.gemm(m, n, k, (double[]) a, ao, ar, ac, (double[]) b, bo, br, bc, (double[]) c, co);
        }
    }

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.shape.length == 0 || b.shape.length == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least 1 dim, got "
                    + Shapes.str(a.shape) + " @ " + Shapes.str(b.shape));
        }
        if (!a.dtype.isFloatingPoint() || !b.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("matmul: expected floating-point operands, got " + a.dtype + " @ "
                    + b.dtype);
        }
        // Check the inner dims before promoting 1-D operands, so that the message shows the shapes as given.
        checkInner(a, b, a.shape[a.shape.length - 1], b.shape[Math.max(b.shape.length - 2, 0)]);
        if (a.shape.length == 1 && b.shape.length == 1) {
            return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape();
        }
        if (a.shape.length == 1) {
            return matmul(a.unsqueeze(0), b).squeeze(-2);
        }
        if (b.shape.length == 1) {
            return matmul(a, b.unsqueeze(1)).squeeze(-1);
        }
        return batchedMatmul(a, b);
    }

    private static void checkInner(Tensor a, Tensor b, int ka, int kb) {
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: " + Shapes.str(a.shape) + " @ " + Shapes.str(b.shape)
                    + ": inner dims " + ka + " and " + kb + " differ");
        }
    }

    /** Both operands have at least 2 dims; leading dims broadcast. */
    private static Tensor batchedMatmul(Tensor a, Tensor b) {
        int ra = a.shape.length;
        int rb = b.shape.length;
        int m = a.shape[ra - 2];
        int k = a.shape[ra - 1];
        int n = b.shape[rb - 1];
        checkInner(a, b, k, b.shape[rb - 2]);
        int[] batchA = Arrays.copyOf(a.shape, ra - 2);
        int[] batchB = Arrays.copyOf(b.shape, rb - 2);
        int[] batch;
        try {
            batch = Shapes.broadcast("matmul", batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: " + Shapes.str(a.shape) + " @ " + Shapes.str(b.shape)
                    + ": batch dims " + Shapes.str(batchA) + " and " + Shapes.str(batchB) + " do not broadcast", e);
        }
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        DType type = BinaryOps.resultType(a, b);
        Tensor x = a.dtype == type ? a : Elementwise.copy(a, type);
        Tensor y = b.dtype == type ? b : Elementwise.copy(b, type);
        // Every product writes its whole block of C (Gemm's contract: written, not accumulated; k = 0 writes zeros).
        Tensor out = Tensor.uninitialized(type, outShape);
        int batches = Shapes.numel(batch);
        StridedWalk w = new StridedWalk(batch,
                Shapes.broadcastStrides(batchA, Arrays.copyOf(x.strides, ra - 2), batch), x.offset,
                Shapes.broadcastStrides(batchB, Arrays.copyOf(y.strides, rb - 2), batch), y.offset);
        int xr = x.strides[ra - 2];
        int xc = x.strides[ra - 1];
        int yr = y.strides[rb - 2];
        int yc = y.strides[rb - 1];
        for (int i = 0; i < batches; i++) {
            gemm(type == DType.FLOAT32, m, n, k, x.data(), w.off0, xr, xc, y.data(), w.off1, yr, yc, out.data(), i * m * n);
            w.next();
        }
        return Tensor.record("MatmulBackward", out, (g, node) -> new Tensor[] {
            node.needs(0) ? BinaryOps.reduceTo(g.matmul(b.transpose(-1, -2)), a) : null,
            node.needs(1) ? BinaryOps.reduceTo(a.transpose(-1, -2).matmul(g), b) : null}, a, b);
    }

    static Tensor outer(Tensor a, Tensor b) {
        if (a.shape.length != 1 || b.shape.length != 1) {
            throw new IllegalArgumentException("outer: expected two 1-D tensors, got " + Shapes.str(a.shape)
                    + " and " + Shapes.str(b.shape));
        }
        return a.unsqueeze(1).mul(b.unsqueeze(0));
    }

    static Tensor diag(Tensor x, int k) {
        if (x.shape.length == 1) {
            int size = x.shape[0] + Math.abs(k);
            return diagEmbed(x, size, size, k);
        }
        if (x.shape.length != 2) {
            throw new IllegalArgumentException("diag: expected a 1-D or 2-D tensor, got shape " + Shapes.str(x.shape));
        }
        return diagonal(x, k);
    }

    /** The k-th diagonal of a matrix as a strided view. */
    private static Tensor diagonal(Tensor x, int k) {
        int rows = x.shape[0];
        int cols = x.shape[1];
        int r0 = k >= 0 ? 0 : -k;
        int c0 = k >= 0 ? k : 0;
        int len = Math.max(0, Math.min(rows - r0, cols - c0));
        int offset = len == 0 ? x.offset : x.offset + r0 * x.strides[0] + c0 * x.strides[1];
        Tensor out = new Tensor(x, new int[] {len}, new int[] {x.strides[0] + x.strides[1]}, offset);
        return Tensor.record("DiagonalBackward", out, (g, n) -> new Tensor[] {diagEmbed(g, rows, cols, k)}, x);
    }

    /** A {@code rows×cols} zero matrix with the 1-D {@code v} on its k-th diagonal. */
    private static Tensor diagEmbed(Tensor v, int rows, int cols, int k) {
        Tensor out = Tensor.empty(v.dtype, new int[] {rows, cols});
        int start = k >= 0 ? k : -k * cols;
        Elementwise.copyInto(v, new Tensor(out, v.shape, new int[] {cols + 1}, start));
        return Tensor.record("DiagEmbedBackward", out, (g, n) -> new Tensor[] {diagonal(g, k)}, v);
    }

    static Tensor triangle(Tensor x, int k, boolean lower) {
        String op = lower ? "tril" : "triu";
        if (x.shape.length < 2) {
            throw new IllegalArgumentException(op + ": expected at least 2 dims, got shape " + Shapes.str(x.shape));
        }
        int rows = x.shape[x.shape.length - 2];
        int cols = x.shape[x.shape.length - 1];
        boolean[] keep = new boolean[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                keep[i * cols + j] = lower ? j - i <= k : j - i >= k;
            }
        }
        Tensor mask = new Tensor(keep, DType.BOOL, new int[] {rows, cols});
        return Tensor.where(mask, x, Tensors.zeros(x.dtype));
    }
}
