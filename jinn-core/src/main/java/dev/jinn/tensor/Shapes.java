package dev.jinn.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by all operations: sizes, strides, broadcasting and dimension checks. */
final class Shapes {
    private Shapes() {
    }

    /** Number of elements of a shape (1 for a scalar). */
    static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s == 0) {
                return 0;
            }
            // Stop multiplying once past the int range: a long could itself wrap for shapes like [2^16]*4.
            n = n > Integer.MAX_VALUE ? n : n * s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of shape " + str(shape) + " has more elements than the "
                    + "supported " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    /** Row-major strides of a contiguous tensor of the given shape. */
    static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** Validates the sizes of a shape given by a user. */
    static int[] checkShape(String op, int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + str(shape));
            }
        }
        return shape.clone();
    }

    /**
     * The broadcast shape of two shapes under NumPy's rules.
     *
     * @throws IllegalArgumentException naming the op and both shapes when they cannot broadcast
     */
    static int[] broadcast(String op, int[] a, int[] b) {
        if (Arrays.equals(a, b)) {
            return a;
        }
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": cannot broadcast " + str(a) + " with " + str(b));
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides that read a tensor of shape {@code shape}/{@code strides} as if it had the (broadcast) shape
     * {@code target}: missing leading dims and size-1 dims get stride 0.
     */
    static int[] broadcastStrides(int[] shape, int[] strides, int[] target) {
        int[] out = new int[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            out[lead + i] = shape[i] == 1 && target[lead + i] != 1 ? 0 : strides[i];
        }
        return out;
    }

    /** Converts a possibly negative dim to its index, or throws naming the op. */
    static int dim(String op, int dim, int ndim) {
        int d = dim < 0 ? dim + ndim : dim;
        if (d < 0 || d >= ndim) {
            throw new IllegalArgumentException(op + ": dim " + dim + " is out of range for a tensor with "
                    + ndim + " dims " + (ndim == 0 ? "(a 0-dim tensor has no dim to index)"
                            : "(expected " + -ndim + ".." + (ndim - 1) + ")"));
        }
        return d;
    }

    /**
     * As {@link #dim}, for reductions and scans, which (like PyTorch's) also accept dim 0 or -1 of a 0-dim
     * tensor; then 0 is returned.
     */
    static int reductionDim(String op, int dim, int ndim) {
        if (ndim == 0) {
            if (dim != 0 && dim != -1) {
                throw new IllegalArgumentException(op + ": dim " + dim
                        + " is out of range for a 0-dim tensor (expected -1..0)");
            }
            return 0;
        }
        return dim(op, dim, ndim);
    }

    /**
     * Normalises a list of dims (empty means all), rejecting repeats. Returns a mask of reduced dims. Like
     * PyTorch, a 0-dim tensor accepts dim 0 or -1 (once), which selects nothing.
     */
    static boolean[] dimMask(String op, int[] dims, int ndim) {
        boolean[] mask = new boolean[ndim];
        if (dims.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        if (ndim == 0) {
            if (dims.length > 1) {
                throw new IllegalArgumentException(op + ": dims " + Arrays.toString(dims)
                        + " name a 0-dim tensor's only allowed dim (0 or -1) more than once");
            }
            reductionDim(op, dims[0], 0);
            return mask;
        }
        for (int dim : dims) {
            int d = dim(op, dim, ndim);
            if (mask[d]) {
                throw new IllegalArgumentException(op + ": dim " + dim + " appears more than once in "
                        + Arrays.toString(dims));
            }
            mask[d] = true;
        }
        return mask;
    }

    /** Formats a shape the way messages print it: {@code [3, 4]}. */
    static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
