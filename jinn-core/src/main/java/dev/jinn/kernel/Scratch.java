package dev.jinn.kernel;

import java.lang.ref.SoftReference;

/**
 * Reusable temporary arrays for kernels whose scratch matrices are large (such as the column matrices of a
 * convolution). Allocating them per call costs zeroing them and, for arrays of a few MB, a humongous-object
 * allocation in G1; each thread instead keeps one set of arrays, grown on demand.
 *
 * <p>{@link #take()} hands out the calling thread's set and {@link #close()} gives it back, so a nested user on
 * the same thread gets a set of its own rather than the arrays in use. The cached set is softly referenced, so
 * the collector can reclaim it under memory pressure. Arrays come with whatever a previous user left in them.
 */
public final class Scratch implements AutoCloseable {
    private static final ThreadLocal<SoftReference<Scratch>> CACHED = new ThreadLocal<>();

    private final float[][] floats;
    private final double[][] doubles;
    /** Native memory for a float32 column matrix, grown on demand (null until first asked for). */
    private NativeFloats nativeColumns;

    private Scratch(int slots) {
        floats = new float[slots][];
        doubles = new double[slots][];
    }

    /**
     * The calling thread's scratch set (a new one when it has none, or it is in use).
     *
     * @return the set; close it to hand it back
     */
    public static Scratch take() {
        SoftReference<Scratch> ref = CACHED.get();
        Scratch s = ref == null ? null : ref.get();
        if (s == null) {
            return new Scratch(Slot.values().length);
        }
        CACHED.remove();
        return s;
    }

    /** Hands the set back to the calling thread for its next {@link #take()}. */
    @Override
    public void close() {
        CACHED.set(new SoftReference<>(this));
    }

    /** The independent arrays of a set: a caller may hold one of each at a time. */
    public enum Slot {
        /** A column matrix. */
        COLUMNS,
        /** A side-by-side gathered operand or product. */
        SIDE,
        /** A transposed copy of another scratch matrix. */
        TRANSPOSED,
        /** A partial result. */
        PART
    }

    /**
     * An array of at least {@code length} elements, in the requested precision; its contents are undefined.
     *
     * @param slot   which of the set's arrays
     * @param single true for a {@code float[]}, false for a {@code double[]}
     * @param length the elements needed
     * @return a {@code float[]} or a {@code double[]}
     */
    public Object array(Slot slot, boolean single, int length) {
        int i = slot.ordinal();
        if (single) {
            if (floats[i] == null || floats[i].length < length) {
                floats[i] = new float[length];
            }
            return floats[i];
        }
        if (doubles[i] == null || doubles[i].length < length) {
            doubles[i] = new double[length];
        }
        return doubles[i];
    }

    /**
     * Native memory of at least {@code length} floats for a column matrix that the native GEMM reads in place,
     * or null when no native backend is loaded; its contents are undefined.
     *
     * @param length the floats needed
     * @return the memory, or null
     */
    public NativeFloats nativeColumns(int length) {
        if (nativeColumns == null || nativeColumns.capacity() < length) {
            nativeColumns = Gemm.nativeFloats(length);
        }
        return nativeColumns;
    }
}
