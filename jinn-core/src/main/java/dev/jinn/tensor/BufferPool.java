package dev.jinn.tensor;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Float32 and float64 arrays that fused ops hand back when they are done with them, for the next op asking
 * for the same length. A fresh Java array is zeroed in memory that has not been touched since the last young
 * collection, so writing it misses every cache level (a 200 KB array costs about as much as a whole small
 * matrix product); an array handed back a moment ago is still in cache. This is what PyTorch's caching
 * allocator gives libtorch.
 *
 * <p>Only arrays an op owns outright may be given back: scratch results and values saved for its own backward,
 * never the storage of a tensor that a caller can see. Arrays come back with stale contents, so a taker must
 * write every element before reading one. The pool keeps the most recently returned arrays first (the hottest
 * in cache), at most {@value #PER_LENGTH} of each length, through soft references, so that the collector may
 * reclaim them when memory runs short.
 */
final class BufferPool {
    /** Below this many elements a fresh array from the allocation buffer is as cheap; those are not kept. */
    static final int MIN_LENGTH = 4096;
    /** Most arrays kept per element type and length. */
    static final int PER_LENGTH = 16;

    private static final Map<Long, ArrayDeque<SoftReference<Object>>> FREE = new HashMap<>();

    private BufferPool() {
    }

    /**
     * A float32 or float64 array of exactly {@code n} elements with unspecified contents.
     *
     * @param type FLOAT32 or FLOAT64
     * @param n    the length
     * @return a recycled array, or a new one
     */
    static Object array(DType type, int n) {
        Object a = take(type, n);
        return a != null ? a : ElementAccess.allocate(type, n);
    }

    /**
     * Hands an array back. The caller must hold the only reference that will ever be used again.
     *
     * @param array a float[] or double[]; null and short arrays are ignored
     */
    static void give(Object array) {
        int n;
        DType type;
        if (array instanceof float[] f) {
            n = f.length;
            type = DType.FLOAT32;
        } else if (array instanceof double[] d) {
            n = d.length;
            type = DType.FLOAT64;
        } else {
            return;
        }
        if (n < MIN_LENGTH) {
            return;
        }
        synchronized (FREE) {
            ArrayDeque<SoftReference<Object>> free = FREE.computeIfAbsent(key(type, n), k -> new ArrayDeque<>());
            if (free.size() == PER_LENGTH) {
                free.pollLast();
            }
            free.push(new SoftReference<>(array));
        }
    }

    private static Object take(DType type, int n) {
        if (n < MIN_LENGTH) {
            return null;
        }
        synchronized (FREE) {
            ArrayDeque<SoftReference<Object>> free = FREE.get(key(type, n));
            while (free != null && !free.isEmpty()) {
                Object a = free.pop().get();
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    private static long key(DType type, int n) {
        return ((long) type.ordinal() << 32) | n;
    }
}
