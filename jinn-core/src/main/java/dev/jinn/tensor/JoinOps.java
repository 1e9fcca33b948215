package dev.jinn.tensor;

import dev.jinn.check.Require;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Operations that split, join, tile, pad or reorder tensors, with their backward rules. */
final class JoinOps {
    private JoinOps() {
    }

    static List<Tensor> split(Tensor x, int size, int dim) {
        int d = Shapes.dim("split", dim, x.shape.length);
        Require.positive(size, "split: piece size");
        List<Tensor> parts = new ArrayList<>();
        for (int start = 0; start < x.shape[d]; start += size) {
            parts.add(x.narrow(d, start, Math.min(size, x.shape[d] - start)));
        }
        if (parts.isEmpty()) {
            parts.add(x);
        }
        return parts;
    }

    static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int d = Shapes.dim("split", dim, x.shape.length);
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != x.shape[d]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + " but dim " + dim + " of shape " + Shapes.str(x.shape) + " has size " + x.shape[d]);
        }
        List<Tensor> parts = new ArrayList<>(sizes.length);
        int start = 0;
        for (int s : sizes) {
            parts.add(x.narrow(d, start, s));
            start += s;
        }
        return parts;
    }

    static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        Require.positive(chunks, "chunk: number of chunks");
        int d = Shapes.dim("chunk", dim, x.shape.length);
        int size = Math.max(1, (x.shape[d] + chunks - 1) / chunks);
        return split(x, size, d);
    }

    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("cat: expected at least one tensor");
        }
        Tensor first = tensors.get(0);
        int nd = first.shape.length;
        if (nd == 0) {
            throw new IllegalArgumentException("cat: zero-dimensional tensors cannot be concatenated");
        }
        int d = Shapes.dim("cat", dim, nd);
        DType type = first.dtype;
        int total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            boolean ok = t.shape.length == nd;
            for (int k = 0; ok && k < nd; k++) {
                ok = k == d || t.shape[k] == first.shape[k];
            }
            if (!ok) {
                throw new IllegalArgumentException("cat: tensor " + i + " has shape " + Shapes.str(t.shape)
                        + " but tensor 0 has shape " + Shapes.str(first.shape) + "; all sizes except dim " + dim
                        + " must match");
            }
            type = DType.promote(type, t.dtype);
            total += t.shape[d];
        }
        int[] shape = first.shape.clone();
        shape[d] = total;
        Tensor out = Tensor.empty(type, shape);
        int[] starts = new int[tensors.size()];
        int start = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            starts[i] = start;
            Tensor window = new Tensor(out, t.shape, out.strides, start * out.strides[d]);
            Elementwise.copyInto(t, window);
            start += t.shape[d];
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return Tensor.record("CatBackward", out, (g, n) -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                if (n.needs(i)) {
                    grads[i] = BinaryOps.reduceTo(g.narrow(d, starts[i], inputs[i].shape[d]), inputs[i]);
                }
            }
            return grads;
        }, inputs);
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: expected at least one tensor");
        }
        int[] shape = tensors.get(0).shape;
        int d = Shapes.dim("stack", dim, shape.length + 1);
        List<Tensor> lifted = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!Arrays.equals(t.shape, shape)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Shapes.str(t.shape)
                        + " but tensor 0 has shape " + Shapes.str(shape) + "; all must be equal");
            }
            lifted.add(t.unsqueeze(d));
        }
        return cat(lifted, d);
    }

    static Tensor flip(Tensor x, int[] dims) {
        boolean[] mask = Shapes.dimMask("flip", dims, x.shape.length);
        if (dims.length == 0) {
            return x;
        }
        int[] strides = x.strides.clone();
        int offset = x.offset;
        for (int d = 0; d < mask.length; d++) {
            if (mask[d] && x.shape[d] > 0) {
                offset += (x.shape[d] - 1) * x.strides[d];
                strides[d] = -x.strides[d];
            }
        }
        Tensor out = new Tensor(x, x.shape, strides, offset);
        return Tensor.record("FlipBackward", out, (g, n) -> new Tensor[] {g.flip(dims)}, x);
    }

    static Tensor repeat(Tensor x, int[] repeats) {
        if (repeats.length < x.shape.length) {
            throw new IllegalArgumentException("repeat: need at least " + x.shape.length
                    + " repeat counts for shape " + Shapes.str(x.shape) + ", got " + Arrays.toString(repeats));
        }
        int lead = repeats.length - x.shape.length;
        int[] interleaved = new int[2 * repeats.length];
        int[] expanded = new int[2 * repeats.length];
        int[] result = new int[repeats.length];
        for (int i = 0; i < repeats.length; i++) {
            if (repeats[i] < 0) {
                throw new IllegalArgumentException("repeat: negative count in " + Arrays.toString(repeats));
            }
            int size = i < lead ? 1 : x.shape[i - lead];
            interleaved[2 * i] = 1;
            interleaved[2 * i + 1] = size;
            expanded[2 * i] = repeats[i];
            expanded[2 * i + 1] = size;
            result[i] = repeats[i] * size;
        }
        // Tiling is a broadcast along new dims placed before each original dim, then a merge of the pairs.
        return x.reshape(interleaved).expand(expanded).contiguous().reshape(result);
    }

    static Tensor pad(Tensor x, int[] padding, double value) {
        int nd = x.shape.length;
        if (padding.length % 2 != 0 || padding.length / 2 > nd) {
            throw new IllegalArgumentException("pad: padding " + Arrays.toString(padding)
                    + " must hold (before, after) pairs for at most " + nd + " dims of shape " + Shapes.str(x.shape));
        }
        int[] shape = x.shape.clone();
        int[] before = new int[nd];
        for (int p = 0; p < padding.length / 2; p++) {
            int d = nd - 1 - p;
            int b = padding[2 * p];
            int a = padding[2 * p + 1];
            if (b < 0 || a < 0) {
                throw new IllegalArgumentException("pad: negative padding " + Arrays.toString(padding)
                        + " is not supported (use narrow to crop)");
            }
            before[d] = b;
            shape[d] += b + a;
        }
        Tensor out = Tensors.full(x.dtype, value, shape);
        int offset = 0;
        for (int d = 0; d < nd; d++) {
            offset += before[d] * out.strides[d];
        }
        Elementwise.copyInto(x, new Tensor(out, x.shape, out.strides, offset));
        return Tensor.record("PadBackward", out, (g, n) -> {
            Tensor inner = g;
            for (int d = 0; d < nd; d++) {
                inner = inner.narrow(d, before[d], x.shape[d]);
            }
            return new Tensor[] {inner};
        }, x);
    }
}
