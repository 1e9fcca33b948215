package dev.jinn.io;

import java.math.BigInteger;

/** Short descriptions of unpickled values for messages: never the whole value, which may be huge. */
final class Values {
    private static final int MAX_TEXT = 40;

    private Values() {
    }

    static String describe(Object v) {
        if (v instanceof String s) {
            return "'" + (s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "…" : s) + "'";
        }
        if (v instanceof Long || v instanceof BigInteger || v instanceof Double || v instanceof Boolean) {
            return String.valueOf(v);
        }
        if (v == PyNone.NONE) {
            return "None";
        }
        if (v instanceof PyGlobal g) {
            return g.dotted();
        }
        if (v instanceof PyTuple t) {
            return "a tuple of " + t.size();
        }
        if (v instanceof PyList l) {
            return "a list of " + l.items.size();
        }
        if (v instanceof PyDict d) {
            return "a dict of " + d.items.size();
        }
        if (v instanceof PySet s) {
            return "a set of " + s.items.size();
        }
        if (v instanceof byte[] b) {
            return b.length + " bytes";
        }
        if (v instanceof StorageRef s) {
            return "storage '" + s.key() + "'";
        }
        if (v instanceof TensorRef) {
            return "a tensor";
        }
        return v == null ? "nothing" : v.getClass().getSimpleName();
    }

    /** Whether {@code v} may be a dict key or set element, as in Python (tuples only of hashable values). */
    static boolean hashable(Object v) {
        if (v instanceof PyTuple t) {
            for (Object o : t.items()) {
                if (!hashable(o)) {
                    return false;
                }
            }
            return true;
        }
        return v instanceof String || v instanceof Long || v instanceof BigInteger || v instanceof Double
                || v instanceof Boolean || v == PyNone.NONE;
    }
}
