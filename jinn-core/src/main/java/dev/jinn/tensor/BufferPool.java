package dev.jinn.tensor;

import java.util.Arrays;

/**
 * The one pool of float32 and float64 storage arrays, bucketed by exact length. Two kinds of owners give arrays
 * back: fused ops (scratch results and values saved for their own backward) and {@link TensorScope}s (the
 * storages of the tensors they closed). A fresh Java array is zeroed in memory that has not been touched since
 * the last young collection, so writing it misses every cache level (a 200 KB array costs about as much as a
 * whole small matrix product); an array handed back a moment ago is still in cache, and a training step that
 * takes back what the previous one gave allocates nothing. This is what PyTorch's caching allocator gives
 * libtorch.
 *
 * <p>Only arrays an owner holds outright may be given back, never one that a live tensor can see. Arrays come
 * back with stale contents: {@link #array} hands them out as they are (the taker writes every element before
 * reading one), {@link #zeroed} clears them. The pool keeps the most recently returned arrays first (the
 * hottest in cache), at most {@value #PER_LENGTH} of each length and at most a quarter of the maximum heap in
 * all; arrays beyond that are left to the collector. Strong references, not soft ones: a soft reference would
 * be one more object per array given back.
 *
 * <p>{@code -Djinn.pool=false} (read once) turns recycling off: nothing is kept and every request is a fresh
 * array, to compare. Thread-safe (one lock; a request is a few table reads).
 */
final class BufferPool {
    /** Below this many elements a fresh array from the allocation buffer is as cheap; those are not kept. */
    static final int MIN_LENGTH = 64;
    /** Most arrays kept per element type and length (a step of a 12-block flow holds ~100 alive at once). */
    static final int PER_LENGTH = 512;
    /** Whether arrays are recycled at all ({@code jinn.pool}, default true; tests may switch it). */
    private static volatile boolean enabled =
            !"false".equalsIgnoreCase(System.getProperty("jinn.pool", "true").trim());
    private static final long MAX_BYTES = Runtime.getRuntime().maxMemory() / 4;

    private static final Object LOCK = new Object();
    /** Open-addressing table: key (dtype ordinal, length) → stack of free arrays; 0 = empty slot. */
    private static long[] keys = new long[256];
    private static Object[][] stacks = new Object[256][];
    private static int[] sizes = new int[256];
    private static int used;
    private static long bytes;
    /** Test hook: arrays given back are filled with NaN, so that a taker reading before writing shows up. */
    private static volatile boolean poison;

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
     * A zero-filled float32 or float64 array of exactly {@code n} elements.
     *
     * @param type FLOAT32 or FLOAT64
     * @param n    the length
     * @return a recycled array (cleared), or a new one
     */
    static Object zeroed(DType type, int n) {
        Object a = take(type, n);
        if (a == null) {
            return ElementAccess.allocate(type, n);
        }
        if (a instanceof float[] f) {
            Arrays.fill(f, 0f);
        } else {
            Arrays.fill((double[]) a, 0.0);
        }
        return a;
    }

    /**
     * Whether arrays of this type and length are worth pooling.
     *
     * @param type the element type
     * @param n    the length
     * @return true for float32 and float64 arrays of at least {@link #MIN_LENGTH} elements, when enabled
     */
    static boolean pools(DType type, int n) {
        return enabled && n >= MIN_LENGTH && (type == DType.FLOAT32 || type == DType.FLOAT64);
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
            if (poison) {
                Arrays.fill(f, Float.NaN);
            }
        } else if (array instanceof double[] d) {
            n = d.length;
            type = DType.FLOAT64;
            if (poison) {
                Arrays.fill(d, Double.NaN);
            }
        } else {
            return;
        }
        if (!pools(type, n)) {
            return;
        }
        long size = (long) n * type.byteSize();
        synchronized (LOCK) {
            if (bytes + size > MAX_BYTES) {
                return;
            }
            int slot = slot(key(type, n), true);
            Object[] stack = stacks[slot];
            int k = sizes[slot];
            if (k == PER_LENGTH) {
                return;
            }
            if (k == stack.length) {
                stack = Arrays.copyOf(stack, Math.min(PER_LENGTH, 2 * k));
                stacks[slot] = stack;
            }
            stack[k] = array;
            sizes[slot] = k + 1;
            bytes += size;
        }
    }

    private static Object take(DType type, int n) {
        if (!pools(type, n)) {
            return null;
        }
        synchronized (LOCK) {
            int slot = slot(key(type, n), false);
            if (slot < 0 || sizes[slot] == 0) {
                return null;
            }
            int k = --sizes[slot];
            Object a = stacks[slot][k];
            stacks[slot][k] = null;
            bytes -= (long) n * type.byteSize();
            return a;
        }
    }

    /** The table slot of a key, inserting it when asked (holding the lock); -1 when absent and not inserting. */
    private static int slot(long key, boolean insert) {
        int i = probe(keys, key);
        if (keys[i] == key) {
            return i;
        }
        if (!insert) {
            return -1;
        }
        if (2 * (used + 1) > keys.length) {
            grow();
            return slot(key, true);
        }
        keys[i] = key;
        stacks[i] = new Object[8];
        used++;
        return i;
    }

    /** Where {@code key} is in {@code table}, or the empty slot where it would go (linear probing). */
    private static int probe(long[] table, long key) {
        int mask = table.length - 1;
        int i = Long.hashCode(key * 0x9E3779B97F4A7C15L) & mask;
        while (table[i] != 0 && table[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static void grow() {
        long[] oldKeys = keys;
        Object[][] oldStacks = stacks;
        int[] oldSizes = sizes;
        keys = new long[2 * oldKeys.length];
        stacks = new Object[keys.length][];
        sizes = new int[keys.length];
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != 0) {
                int i = probe(keys, oldKeys[j]);
                keys[i] = oldKeys[j];
                stacks[i] = oldStacks[j];
                sizes[i] = oldSizes[j];
            }
        }
    }

    /** The key of a (type, length) bucket; never 0, the empty-slot marker. */
    private static long key(DType type, int n) {
        return ((long) (type.ordinal() + 1) << 32) | n;
    }

    /**
     * Test hook: from now on, fill every array given back with NaN (or stop doing so).
     *
     * @param on whether to poison
     */
    static void poisonReturnedArrays(boolean on) {
        poison = on;
    }

    /**
     * Whether arrays are recycled ({@code -Djinn.pool}).
     *
     * @return true when recycling is on
     */
    static boolean enabled() {
        return enabled;
    }

    /**
     * Test hook: turns recycling on or off as {@code -Djinn.pool} does (and drops the kept arrays).
     *
     * @param on whether to recycle
     */
    static void setEnabled(boolean on) {
        enabled = on;
        clear();
    }

    /** Test hook: drops every kept array. */
    static void clear() {
        synchronized (LOCK) {
            Arrays.fill(keys, 0);
            Arrays.fill(stacks, null);
            Arrays.fill(sizes, 0);
            used = 0;
            bytes = 0;
        }
    }
}
