package dev.jinn.tensor;

import dev.jinn.autograd.BackwardFn;
import java.util.Arrays;

/**
 * Operations that change how storage is viewed (reshape, permute, expand, slice, ...) plus the copies and
 * type conversions. Views share storage with their source; their backward rules route the gradient back
 * into the source's shape.
 */
final class ViewOps {
    private ViewOps() {
    }

    /** A view of {@code x}'s storage with a new geometry, recorded with {@code rule}. */
    private static Tensor view(Tensor x, int[] shape, int[] strides, int offset, String name, BackwardFn rule) {
        Tensor out = new Tensor(x, shape, strides, offset);
        return Tensor.record(name, out, rule, x);
    }

    /** A raw row-major copy of any tensor (no autograd). */
    static Tensor copy(Tensor x) {
        return Elementwise.copy(x, x.dtype);
    }

    static Tensor contiguous(Tensor x) {
        if (x.contiguous) {
            return x;
        }
        return cloneTensor(x);
    }

    static Tensor cloneTensor(Tensor x) {
        return Tensor.record("CloneBackward", copy(x), (g, n) -> new Tensor[] {g}, x);
    }

    static Tensor to(Tensor x, DType target) {
        if (x.dtype == target) {
            return x;
        }
        Tensor out = Elementwise.copy(x, target);
        if (!target.isFloatingPoint()) {
            return out;
        }
        return Tensor.record("ToBackward", out, (g, n) -> new Tensor[] {g.to(x.dtype)}, x);
    }

    static Tensor reshape(Tensor x, int[] requested) {
        int[] shape = inferShape(x, requested);
        if (Arrays.equals(shape, x.shape)) {
            return x;
        }
        Tensor src = x.contiguous ? x : cloneTensor(x);
        return view(src, shape, Shapes.contiguousStrides(shape), src.offset, "ViewBackward",
                (g, n) -> new Tensor[] {g.reshape(src.shape)});
    }

    private static int[] inferShape(Tensor x, int[] requested) {
        int[] shape = requested.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: only one size may be -1, got "
                            + Shapes.str(requested));
                }
                infer = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException("reshape: invalid size " + shape[i] + " in "
                        + Shapes.str(requested));
            } else {
                known *= shape[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.numel % known != 0) {
                throw new IllegalArgumentException("reshape: shape " + Shapes.str(requested)
                        + " is invalid for a tensor of shape " + Shapes.str(x.shape) + " (" + x.numel + " elements)");
            }
            shape[infer] = (int) (x.numel / known);
        } else if (known != x.numel) {
            throw new IllegalArgumentException("reshape: shape " + Shapes.str(requested)
                    + " is invalid for a tensor of shape " + Shapes.str(x.shape) + " (" + x.numel + " elements)");
        }
        return shape;
    }

    static Tensor flatten(Tensor x, int startDim, int endDim) {
        if (x.shape.length == 0) {
            return x.reshape(1);
        }
        int s = Shapes.dim("flatten", startDim, x.shape.length);
        int e = Shapes.dim("flatten", endDim, x.shape.length);
        if (s > e) {
            throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim
                    + " for shape " + Shapes.str(x.shape));
        }
        int[] shape = new int[x.shape.length - (e - s)];
        int k = 0;
        for (int d = 0; d < x.shape.length; d++) {
            if (d <= s || d > e) {
                shape[k++] = x.shape[d];
            } else {
                shape[k - 1] *= x.shape[d];
            }
        }
        return x.reshape(shape);
    }

    /** Drops or inserts size-1 dims without copying. */
    private static Tensor restride(Tensor x, int[] shape, int[] strides, String name) {
        return view(x, shape, strides, x.offset, name, (g, n) -> new Tensor[] {g.reshape(x.shape)});
    }

    static Tensor squeeze(Tensor x) {
        int k = 0;
        for (int s : x.shape) {
            k += s == 1 ? 0 : 1;
        }
        int[] shape = new int[k];
        int[] strides = new int[k];
        k = 0;
        for (int d = 0; d < x.shape.length; d++) {
            if (x.shape[d] != 1) {
                shape[k] = x.shape[d];
                strides[k++] = x.strides[d];
            }
        }
        return k == x.shape.length ? x : restride(x, shape, strides, "SqueezeBackward");
    }

    static Tensor squeeze(Tensor x, int dim) {
        if (x.shape.length == 0) {
            return x;
        }
        int d = Shapes.dim("squeeze", dim, x.shape.length);
        if (x.shape[d] != 1) {
            return x;
        }
        return restride(x, remove(x.shape, d), remove(x.strides, d), "SqueezeBackward");
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        int d = Shapes.dim("unsqueeze", dim, x.shape.length + 1);
        int stride = d < x.shape.length ? x.strides[d] * x.shape[d] : 1;
        return restride(x, insert(x.shape, d, 1), insert(x.strides, d, stride), "UnsqueezeBackward");
    }

    static Tensor transpose(Tensor x, int dim0, int dim1) {
        int n = x.shape.length;
        int a = Shapes.dim("transpose", dim0, n);
        int b = Shapes.dim("transpose", dim1, n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        perm[a] = b;
        perm[b] = a;
        return permute(x, perm);
    }

    static Tensor permute(Tensor x, int[] dims) {
        int n = x.shape.length;
        if (dims.length != n) {
            throw new IllegalArgumentException("permute: expected " + n + " dims for shape " + Shapes.str(x.shape)
                    + ", got " + Arrays.toString(dims));
        }
        int[] shape = new int[n];
        int[] strides = new int[n];
        int[] inverse = new int[n];
        boolean[] seen = new boolean[n];
        boolean identity = true;
        for (int i = 0; i < n; i++) {
            int d = Shapes.dim("permute", dims[i], n);
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dim " + dims[i] + " repeats in " + Arrays.toString(dims));
            }
            seen[d] = true;
            shape[i] = x.shape[d];
            strides[i] = x.strides[d];
            inverse[d] = i;
            identity &= d == i;
        }
        if (identity) {
            return x;
        }
        return view(x, shape, strides, x.offset, "PermuteBackward", (g, n2) -> new Tensor[] {g.permute(inverse)});
    }

    static Tensor expand(Tensor x, int[] target) {
        int n = target.length;
        if (n < x.shape.length) {
            throw new IllegalArgumentException("expand: cannot expand shape " + Shapes.str(x.shape) + " to "
                    + Shapes.str(target) + " with fewer dims");
        }
        int lead = n - x.shape.length;
        int[] shape = new int[n];
        int[] strides = new int[n];
        for (int i = 0; i < n; i++) {
            int src = i < lead ? 1 : x.shape[i - lead];
            int want = target[i] == -1 && i >= lead ? src : target[i];
            if (want < 0 || (src != want && src != 1)) {
                throw new IllegalArgumentException("expand: cannot expand shape " + Shapes.str(x.shape) + " to "
                        + Shapes.str(target));
            }
            shape[i] = want;
            strides[i] = i < lead || (src == 1 && want != 1) ? 0 : x.strides[i - lead];
        }
        if (Arrays.equals(shape, x.shape)) {
            return x;
        }
        return view(x, shape, strides, x.offset, "ExpandBackward",
                (g, n2) -> new Tensor[] {BinaryOps.reduceTo(g, x)});
    }

    static Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = Shapes.dim("narrow", dim, x.shape.length);
        int size = x.shape[d];
        int s = start < 0 ? start + size : start;
        if (s < 0 || length < 0 || s + length > size) {
            throw new IllegalArgumentException("narrow: start " + start + " and length " + length
                    + " do not fit in dim " + dim + " of size " + size + " (shape " + Shapes.str(x.shape) + ")");
        }
        return sliceView(x, d, s, length, 1);
    }

    static Tensor select(Tensor x, int dim, int index) {
        int d = Shapes.dim("select", dim, x.shape.length);
        int size = x.shape[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException("select: index " + index + " is out of range for dim " + dim
                    + " of size " + size + " (shape " + Shapes.str(x.shape) + ")");
        }
        return sliceView(x, d, i, 1, 1).squeeze(d);
    }

    static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        int d = Shapes.dim("slice", dim, x.shape.length);
        if (step == 0) {
            throw new IllegalArgumentException("slice: step must be nonzero");
        }
        int size = x.shape[d];
        int count;
        int first;
        if (step > 0) {
            int s = clip(start < 0 ? start + size : start, 0, size);
            int e = clip(end < 0 ? end + size : end, 0, size);
            first = s;
            count = e > s ? (e - s + step - 1) / step : 0;
        } else {
            int s = clip(start < 0 ? start + size : start, -1, size - 1);
            int e = clip(end < 0 ? end + size : end, -1, size - 1);
            first = s;
            count = s > e ? (s - e - step - 1) / -step : 0;
        }
        return sliceView(x, d, count == 0 ? 0 : first, count, step);
    }

    private static int clip(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** The view of {@code count} elements from {@code first} every {@code step} along dim {@code d}. */
    static Tensor sliceView(Tensor x, int d, int first, int count, int step) {
        if (first == 0 && step == 1 && count == x.shape[d]) {
            return x;
        }
        int[] shape = x.shape.clone();
        int[] strides = x.strides.clone();
        shape[d] = count;
        strides[d] = x.strides[d] * step;
        int offset = x.offset + first * x.strides[d];
        return view(x, shape, strides, offset, "SliceBackward",
                (g, n) -> new Tensor[] {embedSlice(g, x.shape, d, first, step)});
    }

    /**
     * The inverse of slicing: a zero tensor of {@code fullShape} with {@code g} written at
     * {@code first, first+step, ...} along {@code d}. Its own gradient is the slice again.
     */
    static Tensor embedSlice(Tensor g, int[] fullShape, int d, int first, int step) {
        Tensor out = Tensor.empty(g.dtype, fullShape);
        int[] strides = out.strides.clone();
        strides[d] *= step;
        Tensor window = new Tensor(out, g.shape, strides, first * out.strides[d]);
        Elementwise.copyInto(g, window);
        int count = g.shape[d];
        return Tensor.record("EmbedSliceBackward", out,
                (gg, n) -> new Tensor[] {sliceView(gg, d, first, count, step)}, g);
    }

    static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    static int[] insert(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 0, i);
        r[i] = v;
        System.arraycopy(a, i, r, i + 1, a.length - i);
        return r;
    }
}
