package dev.jinn.kernel;

import java.nio.FloatBuffer;

/**
 * A float32 matrix in native memory that the native GEMM reads where it lies. Large column matrices (im2col of
 * a convolution with many input channels) are written straight into one, instead of into a Java array that the
 * native call would then copy: for a {@code [4, 2304] · [2304, 8192]} product that copy took as long as the
 * product itself. Only the native backend makes them ({@link Gemm#nativeFloats(int)} returns null otherwise),
 * and only products that run on it accept them.
 *
 * <p>Writes go through {@link #buffer()}, whose absolute bulk puts may run on several threads at once for
 * disjoint ranges.
 */
public final class NativeFloats {
    /** The backend's own handle to the memory (a pointer object of the binding). */
    final Object handle;
    private final FloatBuffer buffer;
    private final int capacity;

    NativeFloats(Object handle, FloatBuffer buffer, int capacity) {
        this.handle = handle;
        this.buffer = buffer;
        this.capacity = capacity;
    }

    /**
     * A view of the whole memory in native byte order, position 0; use its absolute bulk {@code put}s.
     *
     * @return the shared buffer
     */
    public FloatBuffer buffer() {
        return buffer;
    }

    /**
     * The number of floats the memory holds.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }
}
