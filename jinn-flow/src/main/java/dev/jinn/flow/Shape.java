package dev.jinn.flow;

import dev.jinn.tensor.Tensor;
import java.util.Arrays;

/**
 * The shape of one sample, as FrEIA counts it: the batch axis is never included. {@code (C,)} for vectors,
 * {@code (C, H, W)} for images; the first entry is the channel axis (tensor axis 1 once the batch is added).
 *
 * @param dims the sizes, at least one, none negative
 */
public record Shape(int[] dims) {
    /**
     * Validates and copies the sizes.
     *
     * @param dims the sizes
     */
    public Shape {
        if (dims == null || dims.length == 0) {
            throw new IllegalArgumentException("Shape: at least one dimension is required (the batch axis is not"
                    + " part of a shape), got " + (dims == null ? "null" : "()"));
        }
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("Shape: sizes must be >= 0, got " + Arrays.toString(dims));
            }
        }
        dims = dims.clone();
    }

    /**
     * A shape from its sizes.
     *
     * @param dims the sizes, e.g. {@code 3, 8, 8}
     * @return the shape
     */
    public static Shape of(int... dims) {
        return new Shape(dims);
    }

    /**
     * The per-sample shape of a batched tensor: its shape without axis 0.
     *
     * @param batched a tensor of rank at least 2
     * @return the shape of one sample
     */
    public static Shape ofSample(Tensor batched) {
        int[] s = batched.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("Shape.ofSample: expected a batched tensor (batch axis first, rank >= 2),"
                    + " got shape " + Arrays.toString(s));
        }
        return new Shape(Arrays.copyOfRange(s, 1, s.length));
    }

    /**
     * The sizes.
     *
     * @return a copy of the sizes
     */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /**
     * The number of axes.
     *
     * @return the rank (without the batch axis)
     */
    public int rank() {
        return dims.length;
    }

    /**
     * One size.
     *
     * @param axis 0-based, without the batch axis; negative counts from the end
     * @return the size
     */
    public int dim(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IndexOutOfBoundsException("Shape" + this + ": axis " + axis + " out of range");
        }
        return dims[a];
    }

    /**
     * The channel count: the first size.
     *
     * @return {@code dims[0]}
     */
    public int channels() {
        return dims[0];
    }

    /**
     * The number of elements of one sample.
     *
     * @return the product of the sizes
     */
    public int numel() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /**
     * The number of elements per channel (pixels of an image, 1 for a vector).
     *
     * @return {@code numel() / channels()} (computed without dividing, so zero channels are fine)
     */
    public int spatialNumel() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) {
            n *= dims[i];
        }
        return Math.toIntExact(n);
    }

    /**
     * The same shape with a different channel count.
     *
     * @param channels the new first size
     * @return the new shape
     */
    public Shape withChannels(int channels) {
        int[] d = dims.clone();
        d[0] = channels;
        return new Shape(d);
    }

    /**
     * The tensor shape of a batch of samples of this shape.
     *
     * @param batch the batch size
     * @return {@code [batch, dims...]}
     */
    public int[] withBatch(int batch) {
        int[] s = new int[dims.length + 1];
        s[0] = batch;
        System.arraycopy(dims, 0, s, 1, dims.length);
        return s;
    }

    /**
     * Whether a batched tensor has samples of this shape.
     *
     * @param batched the tensor
     * @return true if its shape is {@code [B, dims...]} for some B
     */
    public boolean matches(Tensor batched) {
        int[] s = batched.shape();
        return s.length == dims.length + 1 && Arrays.equals(s, 1, s.length, dims, 0, dims.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Python's tuple notation, as FrEIA prints shapes: {@code (3,)}, {@code (3, 8, 8)}. */
    @Override
    public String toString() {
        if (dims.length == 1) {
            return "(" + dims[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return sb.append(')').toString();
    }
}
