package dev.jinn.io;

import java.util.List;

/**
 * A Python tuple: immutable, so its nesting depth is known when it is made, which lets the unpickler refuse a
 * tuple nested a million deep before anything recurses over it (hashing, conversion).
 *
 * @param items the elements
 * @param depth 1 + the deepest nested tuple among the elements
 */
record PyTuple(List<Object> items, int depth) {
    /** Deeper nesting than any state dict needs; recursion over deeper values could overflow the stack. */
    static final int MAX_DEPTH = 200;

    /**
     * A tuple of the given elements (copied).
     *
     * @param items the elements
     * @return the tuple, or null when it would be nested deeper than {@link #MAX_DEPTH}
     */
    static PyTuple of(List<Object> items) {
        int depth = 1;
        for (Object o : items) {
            if (o instanceof PyTuple t) {
                depth = Math.max(depth, t.depth + 1);
            }
        }
        return depth > MAX_DEPTH ? null : new PyTuple(List.copyOf(items), depth);
    }

    int size() {
        return items.size();
    }

    Object get(int i) {
        return items.get(i);
    }
}
