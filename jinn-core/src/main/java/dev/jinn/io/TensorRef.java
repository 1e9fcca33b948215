package dev.jinn.io;

import java.util.Arrays;

/**
 * A tensor as a pickle describes it ({@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
 * stride, requires_grad, backward_hooks)}): a strided window on a storage, checked on creation to lie inside
 * it. Several tensors may share one storage (views); each becomes its own jinn tensor.
 *
 * @param storage   the storage
 * @param offset    the first element, counted from the storage's start
 * @param size      the sizes
 * @param stride    the strides, in elements
 * @param parameter whether it was an {@code nn.Parameter}
 */
record TensorRef(StorageRef storage, long offset, int[] size, int[] stride, boolean parameter) {
    /** The most dims accepted (PyTorch's own limit is 64 as well). */
    static final int MAX_DIMS = 64;

    /**
     * Checks and makes a tensor reference.
     *
     * @throws TorchFileException when a size or stride is negative or too large, or when the elements reach
     *                            outside the storage
     */
    static TensorRef of(PickleInput in, Object storage, Object offset, Object size, Object stride)
            throws TorchFileException {
        if (!(storage instanceof StorageRef s)) {
            throw in.defect("a tensor rebuilt from " + Values.describe(storage) + " instead of a storage");
        }
        long off = saturatingAdd(StorageRef.nonNegative(in, offset, "storage offset"), s.viewOffset());
        int[] sizes = ints(in, size, "size");
        int[] strides = ints(in, stride, "stride");
        if (sizes.length != strides.length) {
            throw in.defect("a tensor of " + sizes.length + " sizes and " + strides.length + " strides");
        }
        long numel = 1;
        long last = off;
        for (int i = 0; i < sizes.length; i++) {
            numel *= sizes[i];
            if (numel > Integer.MAX_VALUE - 8) {
                throw in.defect("a tensor of size " + Arrays.toString(sizes) + ": more elements than a jinn tensor holds");
            }
            last = saturatingAdd(last, (long) Math.max(sizes[i] - 1, 0) * strides[i]); // each term < 2^62
        }
        if (numel > 0 && last >= s.numel()) {
            throw in.defect("tensor of size " + Arrays.toString(sizes) + ", stride " + Arrays.toString(strides)
                    + " at offset " + off + " reaches element " + last + " of storage '" + s.key() + "' with "
                    + s.numel() + " elements");
        }
        return new TensorRef(s, off, sizes, strides, false);
    }

    /** a + b for non-negative values, Long.MAX_VALUE when that overflows (crafted offsets must not wrap around). */
    private static long saturatingAdd(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    TensorRef asParameter() {
        return new TensorRef(storage, offset, size, stride, true);
    }

    /** A tuple of non-negative ints small enough for a jinn shape (every element < 2^31). */
    private static int[] ints(PickleInput in, Object v, String what) throws TorchFileException {
        if (!(v instanceof PyTuple t) || t.size() > MAX_DIMS) {
            throw in.defect("a tensor " + what + " that is not a tuple of at most " + MAX_DIMS + " ints: "
                    + Values.describe(v));
        }
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            long n = StorageRef.nonNegative(in, t.get(i), "a tensor " + what);
            if (n > Integer.MAX_VALUE - 8) {
                throw in.defect("a tensor " + what + " of " + n + " (too large)");
            }
            out[i] = (int) n;
        }
        return out;
    }

    int numel() {
        int n = 1;
        for (int s : size) {
            n *= s;
        }
        return n;
    }
}
