package dev.jinn.tensor;

import dev.jinn.check.Require;

/**
 * Creating tensors, like PyTorch's factory functions ({@code torch.zeros}, {@code torch.arange},
 * {@code torch.randn}, ...): from Java arrays, filled with a constant, shaped like another tensor, identity
 * matrices, ranges, and random samples drawn from an explicit {@link Rng}. Every result is a fresh contiguous
 * leaf that requires no gradient; the overloads without a {@link DType} make float32 tensors (int64 for
 * {@link #arange(long)}, {@link #randint} and {@link #randperm}).
 *
 * <pre>{@code
 * Tensor x = Tensors.of(new float[] {1, 2, 3, 4}, 2, 2);
 * Tensor w = Tensors.randn(new Rng(42), 2, 3).requiresGrad(true);
 * Tensor b = Tensors.zeros(3);
 * }</pre>
 */
public final class Tensors {
    private Tensors() {
    }


    /**
     * Opens a storage-reuse scope on the calling thread (see {@link TensorScope}): the tensors created until it
     * closes are closed with it and their storages recycled, except what is kept.
     *
     * <pre>{@code
     * try (TensorScope s = Tensors.scope()) {
     *     Tensor loss = model.loss(batch);
     *     loss.backward();
     *     opt.step();
     *     return loss.item();
     * }
     * }</pre>
     *
     * @return the new scope, now the thread's current one
     */
    public static TensorScope scope() {
        return new TensorScope();
    }

    /**
     * A float32 tensor holding a copy of {@code values}.
     *
     * @param values row-major values
     * @param shape  the shape; empty means 1-D of length {@code values.length}
     * @return the new tensor
     */
    public static Tensor of(float[] values, int... shape) {
        return new Tensor(values.clone(), DType.FLOAT32, fillShape("of", values.length, shape));
    }

    /**
     * A float64 tensor holding a copy of {@code values}.
     *
     * @param values row-major values
     * @param shape  the shape; empty means 1-D of length {@code values.length}
     * @return the new tensor
     */
    public static Tensor of(double[] values, int... shape) {
        return new Tensor(values.clone(), DType.FLOAT64, fillShape("of", values.length, shape));
    }

    /**
     * An int64 tensor holding a copy of {@code values}.
     *
     * @param values row-major values
     * @param shape  the shape; empty means 1-D of length {@code values.length}
     * @return the new tensor
     */
    public static Tensor of(long[] values, int... shape) {
        return new Tensor(values.clone(), DType.INT64, fillShape("of", values.length, shape));
    }

    /**
     * A bool tensor holding a copy of {@code values}.
     *
     * @param values row-major values
     * @param shape  the shape; empty means 1-D of length {@code values.length}
     * @return the new tensor
     */
    public static Tensor of(boolean[] values, int... shape) {
        return new Tensor(values.clone(), DType.BOOL, fillShape("of", values.length, shape));
    }

    private static int[] fillShape(String op, int n, int[] shape) {
        if (shape.length == 0) {
            return new int[] {n};
        }
        int[] s = Shapes.checkShape(op, shape);
        if (Shapes.numel(s) != n) {
            throw new IllegalArgumentException(op + ": " + n + " values cannot fill shape " + Shapes.str(s)
                    + " (" + Shapes.numel(s) + " elements)");
        }
        return s;
    }

    /**
     * A float32 scalar (0-dimensional tensor).
     *
     * @param value the value
     * @return the scalar tensor
     */
    public static Tensor scalar(double value) {
        return scalar(value, DType.FLOAT32);
    }

    /**
     * A scalar (0-dimensional tensor) of the given type.
     *
     * @param value the value
     * @param dtype the element type
     * @return the scalar tensor
     */
    public static Tensor scalar(double value, DType dtype) {
        return full(dtype, value);
    }

    /**
     * A float32 tensor of zeros.
     *
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor zeros(int... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    /**
     * A tensor of zeros of the given type.
     *
     * @param dtype the element type
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor zeros(DType dtype, int... shape) {
        return Tensor.empty(dtype, Shapes.checkShape("zeros", shape));
    }

    /**
     * A float32 tensor of ones.
     *
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor ones(int... shape) {
        return full(DType.FLOAT32, 1.0, shape);
    }

    /**
     * A tensor of ones of the given type.
     *
     * @param dtype the element type
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1.0, shape);
    }

    /**
     * A float32 tensor filled with {@code value}.
     *
     * @param value the fill value
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor full(double value, int... shape) {
        return full(DType.FLOAT32, value, shape);
    }

    /**
     * A tensor of the given type filled with {@code value}.
     *
     * @param dtype the element type
     * @param value the fill value
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor full(DType dtype, double value, int... shape) {
        Tensor t = Tensor.empty(dtype, Shapes.checkShape("full", shape));
        if (value != 0.0) {
            for (int i = 0; i < t.numel; i++) {
                ElementAccess.write(t.data(), dtype, i, value);
            }
        }
        return t;
    }

    /**
     * A tensor of zeros with the shape and type of {@code other}.
     *
     * @param other the template
     * @return the new tensor
     */
    public static Tensor zerosLike(Tensor other) {
        return zeros(other.dtype, other.shape);
    }

    /**
     * A tensor of ones with the shape and type of {@code other}.
     *
     * @param other the template
     * @return the new tensor
     */
    public static Tensor onesLike(Tensor other) {
        return ones(other.dtype, other.shape);
    }

    /**
     * A tensor filled with {@code value} with the shape and type of {@code other}.
     *
     * @param other the template
     * @param value the fill value
     * @return the new tensor
     */
    public static Tensor fullLike(Tensor other, double value) {
        return full(other.dtype, value, other.shape);
    }

    /**
     * The float32 {@code n×n} identity matrix.
     *
     * @param n the size
     * @return the identity
     */
    public static Tensor eye(int n) {
        return eye(DType.FLOAT32, n);
    }

    /**
     * The {@code n×n} identity matrix of the given type.
     *
     * @param dtype the element type
     * @param n     the size
     * @return the identity
     */
    public static Tensor eye(DType dtype, int n) {
        Tensor t = zeros(dtype, n, n);
        for (int i = 0; i < n; i++) {
            ElementAccess.write(t.data(), dtype, i * n + i, 1.0);
        }
        return t;
    }

    /**
     * The int64 tensor {@code [0, 1, ..., end-1]}, like {@code torch.arange(end)}.
     *
     * @param end exclusive upper bound
     * @return the new 1-D tensor
     */
    public static Tensor arange(long end) {
        return arange(DType.INT64, 0, end, 1);
    }

    /**
     * The float32 tensor {@code start, start+step, ...} below {@code end} (above it for negative steps).
     *
     * @param start first value
     * @param end   exclusive bound
     * @param step  increment, nonzero
     * @return the new 1-D tensor
     */
    public static Tensor arange(double start, double end, double step) {
        return arange(DType.FLOAT32, start, end, step);
    }

    /**
     * As {@link #arange(double, double, double)} with an explicit type.
     *
     * @param dtype the element type
     * @param start first value
     * @param end   exclusive bound
     * @param step  increment, nonzero
     * @return the new 1-D tensor
     */
    public static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0 || !Double.isFinite(start) || !Double.isFinite(end) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("arange: need finite start, end and a nonzero finite step, got start="
                    + start + " end=" + end + " step=" + step);
        }
        long n = Math.max(0, (long) Math.ceil((end - start) / step));
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arange: " + n + " elements are too many");
        }
        Tensor t = Tensor.empty(dtype, new int[] {(int) n});
        for (int i = 0; i < n; i++) {
            ElementAccess.write(t.data(), dtype, i, start + i * step);
        }
        return t;
    }

    /**
     * A float32 tensor of {@code steps} evenly spaced values from {@code start} to {@code end} inclusive.
     *
     * @param start first value
     * @param end   last value
     * @param steps number of values, at least 0
     * @return the new 1-D tensor
     */
    public static Tensor linspace(double start, double end, int steps) {
        return linspace(DType.FLOAT32, start, end, steps);
    }

    /**
     * As {@link #linspace(double, double, int)} with an explicit type.
     *
     * @param dtype the element type
     * @param start first value
     * @param end   last value
     * @param steps number of values, at least 0
     * @return the new 1-D tensor
     */
    public static Tensor linspace(DType dtype, double start, double end, int steps) {
        Require.atLeast(0, steps, "linspace: steps");
        Tensor t = Tensor.empty(dtype, new int[] {steps});
        double delta = steps > 1 ? (end - start) / (steps - 1) : 0;
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            // Like PyTorch, fill the second half from the end so that both end points are exact; a single
            // point is the start.
            double v = i < half || steps == 1 ? start + i * delta : end - (steps - 1 - i) * delta;
            ElementAccess.write(t.data(), dtype, i, v);
        }
        return t;
    }

    /**
     * A float32 tensor of independent standard normal samples.
     *
     * @param rng   the random source
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor randn(Rng rng, int... shape) {
        return randn(rng, DType.FLOAT32, shape);
    }

    /**
     * A tensor of independent standard normal samples of the given floating-point type.
     *
     * @param rng   the random source
     * @param dtype FLOAT32 or FLOAT64
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor randn(Rng rng, DType dtype, int... shape) {
        Tensor t = Tensor.empty(floating("randn", dtype), Shapes.checkShape("randn", shape));
        for (int i = 0; i < t.numel; i++) {
            ElementAccess.write(t.data(), dtype, i, rng.nextGaussian());
        }
        return t;
    }

    /**
     * A float32 tensor of independent uniform samples from [0, 1).
     *
     * @param rng   the random source
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor rand(Rng rng, int... shape) {
        return rand(rng, DType.FLOAT32, shape);
    }

    /**
     * A tensor of independent uniform samples from [0, 1) of the given floating-point type.
     *
     * @param rng   the random source
     * @param dtype FLOAT32 or FLOAT64
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor rand(Rng rng, DType dtype, int... shape) {
        Tensor t = Tensor.empty(floating("rand", dtype), Shapes.checkShape("rand", shape));
        boolean single = dtype == DType.FLOAT32;
        for (int i = 0; i < t.numel; i++) {
            ElementAccess.write(t.data(), dtype, i, single ? rng.nextFloat() : rng.nextDouble());
        }
        return t;
    }

    /**
     * An int64 tensor of independent uniform integers from {@code [lo, hi)}.
     *
     * @param rng   the random source
     * @param lo    inclusive lower bound
     * @param hi    exclusive upper bound, greater than {@code lo}
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor randint(Rng rng, long lo, long hi, int... shape) {
        if (hi <= lo) {
            throw new IllegalArgumentException("randint: need lo < hi, got lo=" + lo + " hi=" + hi);
        }
        Tensor t = Tensor.empty(DType.INT64, Shapes.checkShape("randint", shape));
        long[] out = (long[]) t.data();
        long range = hi - lo;
        for (int i = 0; i < out.length; i++) {
            if (range > 0) {
                out[i] = lo + rng.nextLong(range);
            } else {
                // the range is wider than Long.MAX_VALUE: draw whole longs until one falls inside
                long r;
                do {
                    r = rng.nextLong();
                } while (r < lo || r >= hi);
                out[i] = r;
            }
        }
        return t;
    }

    /**
     * A uniformly random permutation of {@code 0..n-1} as an int64 tensor.
     *
     * @param rng the random source
     * @param n   the length
     * @return the permutation
     */
    public static Tensor randperm(Rng rng, int n) {
        Require.atLeast(0, n, "randperm: n");
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int) rng.nextLong(i + 1);
            long tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return new Tensor(p, DType.INT64, new int[] {n});
    }

    private static DType floating(String op, DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating-point dtype, got " + dtype);
        }
        return dtype;
    }
}
