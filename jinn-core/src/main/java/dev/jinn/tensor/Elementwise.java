package dev.jinn.tensor;

import dev.jinn.kernel.ArithKernel;
import dev.jinn.kernel.Parallel;

/**
 * The elementwise loop machinery behind unary, binary and ternary operations: contiguous fast paths over the
 * primitive arrays, and a strided, broadcasting, mixed-type path for everything else. Floating-point
 * arithmetic is done in double and rounded once to the result type. Loops over more than
 * {@link Parallel#threshold()} elements are split into ranges over the shared pool; every element is computed
 * the same way on any thread, so results do not depend on the split.
 */
final class Elementwise {
    private Elementwise() {
    }

    /** A scalar function of one argument. */
    @FunctionalInterface
    interface Unary {
        double apply(double x);
    }

    /** A scalar function of two arguments. */
    @FunctionalInterface
    interface Binary {
        double apply(double a, double b);
    }

    /**
     * A float32 kernel over a range of one index shared by input and output: {@code out[i] = f(x[i])} for
     * {@code from ≤ i < to}. Indexing every array alike lets the JIT prove that a store never overlaps a later
     * load, so simple bodies are vectorised (with a separate offset per array the loop stays scalar).
     */
    @FunctionalInterface
    interface FloatRun {
        void apply(float[] x, float[] out, int from, int to);
    }

    /** A two-operand float32 kernel over a shared index range: {@code out[i] = f(a[i], b[i])}, see {@link FloatRun}. */
    @FunctionalInterface
    interface FloatRun2 {
        void apply(float[] a, float[] b, float[] out, int from, int to);
    }

    /** A function of one int64 value, for the exact integer paths. */
    @FunctionalInterface
    interface LongUnary {
        long apply(long x);
    }

    /** A function of two int64 values, for the exact integer paths. */
    @FunctionalInterface
    interface LongBinary {
        long apply(long a, long b);
    }

    /**
     * Applies {@code f} to every element of the int64 tensor {@code x} in exact integer arithmetic (the double
     * path would round values beyond 2^53), giving a contiguous int64 tensor.
     */
    static Tensor mapLong(Tensor x, LongUnary f) {
        Tensor out = Tensor.empty(DType.INT64, x.shape);
        long[] in = (long[]) x.data();
        long[] o = (long[]) out.data();
        Parallel.forRange(x.numel, 1, (from, to) -> {
            StridedWalk w = new StridedWalk(x.shape, x.strides, x.offset).seek(from);
            for (int i = from; i < to; i++) {
                o[i] = f.apply(in[w.off0]);
                w.next();
            }
        });
        return out;
    }

    /**
     * Applies {@code f} to broadcast pairs of elements of integer (int64 or bool) tensors in exact integer
     * arithmetic, giving a contiguous tensor of {@code outType} (int64, or bool for nonzero results).
     */
    static Tensor mapLong(String op, Tensor a, Tensor b, DType outType, LongBinary f) {
        int[] shape = Shapes.broadcast(op, a.shape, b.shape);
        Tensor out = Tensor.empty(outType, shape);
        StridedWalk w = new StridedWalk(shape, Shapes.broadcastStrides(a.shape, a.strides, shape), a.offset,
                Shapes.broadcastStrides(b.shape, b.strides, shape), b.offset);
        for (int i = 0; i < out.numel; i++) {
            long r = f.apply(ElementAccess.readLong(a.data(), a.dtype, w.off0),
                    ElementAccess.readLong(b.data(), b.dtype, w.off1));
            if (outType == DType.INT64) {
                ((long[]) out.data())[i] = r;
            } else {
                ElementAccess.write(out.data(), outType, i, r);
            }
            w.next();
        }
        return out;
    }

    /**
     * Applies a float32 run kernel to a float32 tensor: one call per range instead of one per element. The
     * input is first copied to a fresh array unless it already starts at offset 0, like the output, so the
     * kernel indexes both alike.
     */
    static Tensor mapFloat(Tensor x, FloatRun kernel) {
        float[] in = (float[]) atOffsetZero(x).data();
        Tensor out = Tensor.uninitialized(DType.FLOAT32, x.shape); // the kernel writes every element
        float[] o = (float[]) out.data();
        Parallel.forRange(x.numel, 1, (from, to) -> kernel.apply(in, o, from, to));
        return out;
    }

    /**
     * Applies a two-operand float32 run kernel to float32 tensors of one shape: one call per range instead of
     * one per element, the operands first brought to offset 0 as in {@link #mapFloat(Tensor, FloatRun)}.
     */
    static Tensor mapFloat(Tensor a, Tensor b, FloatRun2 kernel) {
        float[] xa = (float[]) atOffsetZero(a).data();
        float[] xb = (float[]) atOffsetZero(b).data();
        Tensor out = Tensor.uninitialized(DType.FLOAT32, a.shape); // the kernel writes every element
        float[] o = (float[]) out.data();
        Parallel.forRange(a.numel, 1, (from, to) -> kernel.apply(xa, xb, o, from, to));
        return out;
    }

    /** The float32 tensor itself when it is contiguous from offset 0, else a contiguous copy. */
    private static Tensor atOffsetZero(Tensor x) {
        return x.contiguous && x.offset == 0 ? x : copy(x, DType.FLOAT32);
    }

    /** Applies {@code f} to every element of {@code x}, giving a contiguous tensor of {@code outType}. */
    static Tensor map(Tensor x, DType outType, Unary f) {
        Tensor out = Tensor.uninitialized(outType, x.shape); // every branch below writes every element
        int n = x.numel;
        if (x.contiguous && x.dtype == outType) {
            int off = x.offset;
            if (outType == DType.FLOAT32) {
                float[] in = (float[]) x.data();
                float[] o = (float[]) out.data();
                Parallel.forRange(n, 1, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        o[i] = (float) f.apply(in[off + i]);
                    }
                });
                return out;
            }
            if (outType == DType.FLOAT64) {
                double[] in = (double[]) x.data();
                double[] o = (double[]) out.data();
                Parallel.forRange(n, 1, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        o[i] = f.apply(in[off + i]);
                    }
                });
                return out;
            }
        }
        Parallel.forRange(n, 1, (from, to) -> {
            StridedWalk w = new StridedWalk(x.shape, x.strides, x.offset).seek(from);
            for (int i = from; i < to; i++) {
                ElementAccess.write(out.data(), outType, i, f.apply(ElementAccess.read(x.data(), x.dtype, w.off0)));
                w.next();
            }
        });
        return out;
    }

    /**
     * Applies {@code f} to broadcast pairs of elements of {@code a} and {@code b}, giving a contiguous tensor
     * of {@code outType} with the broadcast shape.
     */
    static Tensor map(String op, Tensor a, Tensor b, DType outType, Binary f) {
        return map(op, a, b, outType, f, null);
    }

    /**
     * As {@link #map(String, Tensor, Tensor, DType, Binary)}; when {@code kernel} is given, same-type floating
     * operands run through it instead of calling {@code f} per element.
     */
    static Tensor map(String op, Tensor a, Tensor b, DType outType, Binary f, ArithKernel kernel) {
        int[] shape = Shapes.broadcast(op, a.shape, b.shape);
        Tensor out = Tensor.uninitialized(outType, shape); // every branch below writes every element
        if (a.dtype == outType && b.dtype == outType && outType.isFloatingPoint()) {
            floatingRuns(a, b, out, f, kernel);
            return out;
        }
        if (outType == DType.BOOL && a.dtype == b.dtype && a.dtype.isFloatingPoint() && denseOrScalar(a, shape)
                && denseOrScalar(b, shape)) {
            denseToBool(a, b, out, f);
            return out;
        }
        int[] sa = Shapes.broadcastStrides(a.shape, a.strides, shape);
        int[] sb = Shapes.broadcastStrides(b.shape, b.strides, shape);
        Parallel.forRange(out.numel, 1, (from, to) -> {
            StridedWalk w = new StridedWalk(shape, sa, a.offset, sb, b.offset).seek(from);
            for (int i = from; i < to; i++) {
                double va = ElementAccess.read(a.data(), a.dtype, w.off0);
                double vb = ElementAccess.read(b.data(), b.dtype, w.off1);
                ElementAccess.write(out.data(), outType, i, f.apply(va, vb));
                w.next();
            }
        });
        return out;
    }

    /**
     * Same-type floating operands: the broadcast index space is coalesced into as few dims as the strides
     * allow (a contiguous or scalar operand folds into one run), and each innermost run is one tight loop.
     */
    private static void floatingRuns(Tensor a, Tensor b, Tensor out, Binary f, ArithKernel kernel) {
        if (out.numel == 0) {
            return;
        }
        int[] shape = out.shape;
        RunLayout runs = RunLayout.of(shape, Shapes.broadcastStrides(a.shape, a.strides, shape),
                Shapes.broadcastStrides(b.shape, b.strides, shape));
        int inner = runs.inner();
        int sa0 = runs.innerA();
        int sb0 = runs.innerB();
        if (inner == out.numel) {
            // One long run: split it into pieces.
            Parallel.forRange(inner, 1, (from, to) -> run(to - from, a.data(), a.offset + from * sa0, sa0, b.data(),
                    b.offset + from * sb0, sb0, out.data(), from, out.dtype, f, kernel));
            return;
        }
        Parallel.forRange(out.numel / inner, inner, (from, to) -> {
            StridedWalk w = runs.runStarts(a.offset, b.offset).seek(from);
            for (int r = from; r < to; r++) {
                run(inner, a.data(), w.off0, sa0, b.data(), w.off1, sb0, out.data(), r * inner, out.dtype, f, kernel);
                w.next();
            }
        });
    }

    /** One strided run {@code o[po + i] = f(x[px + i·sx], y[py + i·sy])}. */
    private static void run(int n, Object x, int px, int sx, Object y, int py, int sy, Object o, int po, DType type,
            Binary f, ArithKernel kernel) {
        if (type == DType.FLOAT32) {
            float[] xs = (float[]) x;
            float[] ys = (float[]) y;
            float[] os = (float[]) o;
            if (kernel != null) {
                kernel.run(n, xs, px, sx, ys, py, sy, os, po);
                return;
            }
            for (int i = 0; i < n; i++) {
                os[po + i] = (float) f.apply(xs[px + i * sx], ys[py + i * sy]);
            }
        } else {
            double[] xs = (double[]) x;
            double[] ys = (double[]) y;
            double[] os = (double[]) o;
            if (kernel != null) {
                kernel.run(n, xs, px, sx, ys, py, sy, os, po);
                return;
            }
            for (int i = 0; i < n; i++) {
                os[po + i] = f.apply(xs[px + i * sx], ys[py + i * sy]);
            }
        }
    }

    /**
     * Ternary select over broadcast operands: {@code mask != 0 ? a : b}, giving {@code outType}.
     */
    static Tensor select(String op, Tensor mask, Tensor a, Tensor b, DType outType) {
        int[] shape = Shapes.broadcast(op, Shapes.broadcast(op, mask.shape, a.shape), b.shape);
        Tensor out = Tensor.empty(outType, shape);
        if (mask.dtype == DType.BOOL && mask.contiguous && java.util.Arrays.equals(mask.shape, shape)
                && outType.isFloatingPoint() && a.dtype == outType && b.dtype == outType && denseOrScalar(a, shape)
                && denseOrScalar(b, shape)) {
            selectDense(mask, a, b, out);
            return out;
        }
        int[][] strides = {
            Shapes.broadcastStrides(mask.shape, mask.strides, shape),
            Shapes.broadcastStrides(a.shape, a.strides, shape),
            Shapes.broadcastStrides(b.shape, b.strides, shape)};
        StridedWalk w = new StridedWalk(shape, strides, new int[] {mask.offset, a.offset, b.offset});
        for (int i = 0; i < out.numel; i++) {
            boolean pick = ElementAccess.read(mask.data(), mask.dtype, w.off0) != 0.0;
            if (pick) {
                ElementAccess.copy(a.data(), a.dtype, w.off1, out.data(), outType, i);
            } else {
                ElementAccess.copy(b.data(), b.dtype, w.off2, out.data(), outType, i);
            }
            w.next();
        }
        return out;
    }

    /** Whether {@code t} is contiguous with exactly {@code shape}, or a single element (broadcast to it). */
    private static boolean denseOrScalar(Tensor t, int[] shape) {
        return t.numel == 1 || (t.contiguous && java.util.Arrays.equals(t.shape, shape));
    }

    /**
     * Comparisons of same-type floating operands that are dense or single elements (activation masks such as
     * {@code x.gt(0)}): direct array reads instead of the strided, per-element-typed walk.
     */
    private static void denseToBool(Tensor a, Tensor b, Tensor out, Binary f) {
        boolean[] o = (boolean[]) out.data();
        int sa = a.numel == 1 ? 0 : 1;
        int sb = b.numel == 1 ? 0 : 1;
        int ao = a.offset;
        int bo = b.offset;
        if (a.dtype == DType.FLOAT32) {
            float[] x = (float[]) a.data();
            float[] y = (float[]) b.data();
            Parallel.forRange(out.numel, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    o[i] = f.apply(x[ao + sa * i], y[bo + sb * i]) != 0.0;
                }
            });
        } else {
            double[] x = (double[]) a.data();
            double[] y = (double[]) b.data();
            Parallel.forRange(out.numel, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    o[i] = f.apply(x[ao + sa * i], y[bo + sb * i]) != 0.0;
                }
            });
        }
    }

    /** {@code where} with a dense bool mask and same-type floating operands that are dense or single elements. */
    private static void selectDense(Tensor mask, Tensor a, Tensor b, Tensor out) {
        boolean[] m = (boolean[]) mask.data();
        int mo = mask.offset;
        int sa = a.numel == 1 ? 0 : 1;
        int sb = b.numel == 1 ? 0 : 1;
        int ao = a.offset;
        int bo = b.offset;
        if (out.dtype == DType.FLOAT32) {
            float[] x = (float[]) a.data();
            float[] y = (float[]) b.data();
            float[] o = (float[]) out.data();
            Parallel.forRange(out.numel, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    o[i] = m[mo + i] ? x[ao + sa * i] : y[bo + sb * i];
                }
            });
        } else {
            double[] x = (double[]) a.data();
            double[] y = (double[]) b.data();
            double[] o = (double[]) out.data();
            Parallel.forRange(out.numel, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    o[i] = m[mo + i] ? x[ao + sa * i] : y[bo + sb * i];
                }
            });
        }
    }

    /** Copies any tensor into a fresh contiguous tensor of {@code outType} (values converted). */
    static Tensor copy(Tensor x, DType outType) {
        Tensor out = Tensor.uninitialized(outType, x.shape); // every branch below writes every element
        if (x.contiguous && x.dtype == outType) {
            Parallel.forRange(x.numel, 1, (from, to) ->
                    System.arraycopy(x.data(), x.offset + from, out.data(), from, to - from));
            return out;
        }
        if (x.contiguous && x.dtype == DType.FLOAT32 && outType == DType.FLOAT64) {
            // The widening every reduction does first: one tight loop instead of a per-element type switch.
            float[] in = (float[]) x.data();
            double[] o = (double[]) out.data();
            int off = x.offset;
            Parallel.forRange(x.numel, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    o[i] = in[off + i];
                }
            });
            return out;
        }
        if (x.dtype == outType) {
            copyInto(x, out);
            return out;
        }
        if (x.dtype.isFloatingPoint() && outType.isFloatingPoint() && x.numel > 0) {
            // Widening into a reduction's float64 accumulator, or narrowing its result back, of a strided view:
            // whole runs with a typed loop instead of a type switch per element.
            RunLayout runs = RunLayout.of(x.shape, x.strides, out.strides);
            int inner = runs.inner();
            Parallel.forRange(x.numel / inner, inner, (from, to) -> {
                StridedWalk w = runs.runStarts(x.offset, 0).seek(from);
                for (int r = from; r < to; r++) {
                    convertRun(x.data(), w.off0, runs.innerA(), out.data(), w.off1, runs.innerB(), inner);
                    w.next();
                }
            });
            return out;
        }
        Parallel.forRange(x.numel, 1, (from, to) -> {
            StridedWalk w = new StridedWalk(x.shape, x.strides, x.offset).seek(from);
            for (int i = from; i < to; i++) {
                ElementAccess.copy(x.data(), x.dtype, w.off0, out.data(), outType, i);
                w.next();
            }
        });
        return out;
    }

    /** Writes the values of {@code src} into the view {@code dst} (same shape), converting types. */
    static void copyInto(Tensor src, Tensor dst) {
        if (src.numel == 0) {
            return;
        }
        if (src.dtype != dst.dtype) {
            StridedWalk w = new StridedWalk(src.shape, src.strides, src.offset, dst.strides, dst.offset);
            for (int i = 0; i < src.numel; i++) {
                ElementAccess.copy(src.data(), src.dtype, w.off0, dst.data(), dst.dtype, w.off1);
                w.next();
            }
            return;
        }
        // Same type (optimizer updates, cat, slice gradients): whole runs, block copies where both are dense.
        RunLayout runs = RunLayout.of(src.shape, src.strides, dst.strides);
        int inner = runs.inner();
        Parallel.forRange(src.numel / inner, inner, (from, to) -> {
            StridedWalk w = runs.runStarts(src.offset, dst.offset).seek(from);
            for (int r = from; r < to; r++) {
                copyRun(src.data(), w.off0, runs.innerA(), dst.data(), w.off1, runs.innerB(), inner);
                w.next();
            }
        });
    }

    /** Copies {@code n} elements from a float32 array to a float64 one or back, each read with its own stride. */
    private static void convertRun(Object src, int si, int ss, Object dst, int di, int ds, int n) {
        if (src instanceof float[] s) {
            double[] d = (double[]) dst;
            for (int i = 0; i < n; i++) {
                d[di + i * ds] = s[si + i * ss];
            }
        } else {
            double[] s = (double[]) src;
            float[] d = (float[]) dst;
            for (int i = 0; i < n; i++) {
                d[di + i * ds] = (float) s[si + i * ss];
            }
        }
    }

    /** Copies {@code n} elements between two arrays of one type, each read with its own stride. */
    private static void copyRun(Object src, int si, int ss, Object dst, int di, int ds, int n) {
        if (ss == 1 && ds == 1) {
            System.arraycopy(src, si, dst, di, n);
        } else if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < n; i++) {
                d[di + i * ds] = s[si + i * ss];
            }
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int i = 0; i < n; i++) {
                d[di + i * ds] = s[si + i * ss];
            }
        } else if (src instanceof long[] s) {
            long[] d = (long[]) dst;
            for (int i = 0; i < n; i++) {
                d[di + i * ds] = s[si + i * ss];
            }
        } else {
            boolean[] s = (boolean[]) src;
            boolean[] d = (boolean[]) dst;
            for (int i = 0; i < n; i++) {
                d[di + i * ds] = s[si + i * ss];
            }
        }
    }

    /** Adds the values of {@code src} into the view {@code dst} (same shape). */
    static void addInto(Tensor src, Tensor dst) {
        StridedWalk w = new StridedWalk(src.shape, src.strides, src.offset, dst.strides, dst.offset);
        for (int i = 0; i < src.numel; i++) {
            double v = ElementAccess.read(dst.data(), dst.dtype, w.off1) + ElementAccess.read(src.data(), src.dtype, w.off0);
            ElementAccess.write(dst.data(), dst.dtype, w.off1, v);
            w.next();
        }
    }
}
