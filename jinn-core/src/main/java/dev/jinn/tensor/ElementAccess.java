package dev.jinn.tensor;

/**
 * Reads and writes single elements of a storage array of any {@link DType} as doubles. Used by the generic
 * (strided, mixed-type) paths; the hot contiguous paths index the primitive arrays directly.
 */
final class ElementAccess {
    private ElementAccess() {
    }

    /** Allocates a zero-filled storage array of the given type. */
    static Object allocate(DType type, int n) {
        switch (type) {
            case FLOAT32: return new float[n];
            case FLOAT64: return new double[n];
            case INT64: return new long[n];
            default: return new boolean[n];
        }
    }

    /** Reads element {@code i} as a double (booleans read as 0/1). */
    static double read(Object data, DType type, int i) {
        switch (type) {
            case FLOAT32: return ((float[]) data)[i];
            case FLOAT64: return ((double[]) data)[i];
            case INT64: return ((long[]) data)[i];
            default: return ((boolean[]) data)[i] ? 1.0 : 0.0;
        }
    }

    /** Writes element {@code i} from a double (rounded for float32, truncated for int64, nonzero for bool). */
    static void write(Object data, DType type, int i, double v) {
        switch (type) {
            case FLOAT32: ((float[]) data)[i] = (float) v; break;
            case FLOAT64: ((double[]) data)[i] = v; break;
            case INT64: ((long[]) data)[i] = (long) v; break;
            default: ((boolean[]) data)[i] = v != 0.0;
        }
    }

    /** Reads element {@code i} of an integer-valued storage as a long (exact for int64). */
    static long readLong(Object data, DType type, int i) {
        if (type == DType.INT64) {
            return ((long[]) data)[i];
        }
        return (long) read(data, type, i);
    }

    /** Copies one element between storages of possibly different types. */
    static void copy(Object src, DType srcType, int si, Object dst, DType dstType, int di) {
        if (srcType == DType.INT64 && dstType == DType.INT64) {
            ((long[]) dst)[di] = ((long[]) src)[si];
        } else {
            write(dst, dstType, di, read(src, srcType, si));
        }
    }
}
