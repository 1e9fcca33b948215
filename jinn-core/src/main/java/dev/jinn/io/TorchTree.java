package dev.jinn.io;

import dev.jinn.tensor.Tensor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the unpickled value tree into Java: the whole tree ({@link TorchFile#root()}) and its leaves under
 * dotted keys ({@link TorchFile#tensors()}, {@link TorchFile#values()}). Containers may be shared (the memo)
 * and even cyclic (a list appended to itself), so the walk refuses cycles, nesting deeper than
 * {@link #MAX_DEPTH} and trees that expand to more than {@link #MAX_VISITS} entries (a small pickle of
 * shared lists can describe an exponentially large tree). Shared values are converted once.
 */
final class TorchTree {
    /** Deeper than any state dict or optimizer state. */
    static final int MAX_DEPTH = 100;
    /** Far more entries than any real checkpoint; a memo bomb reaches it quickly. */
    static final int MAX_VISITS = 10_000_000;

    private final Path file;
    private final TorchStorages storages;
    private final Map<Object, Object> converted = new IdentityHashMap<>();
    private final Set<Object> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, Object> values = new LinkedHashMap<>();
    private int visits;

    private TorchTree(Path file, TorchStorages storages) {
        this.file = file;
        this.storages = storages;
    }

    /**
     * Converts and flattens the value tree of a file.
     *
     * @throws TorchFileException for a cycle, a too deep or too large tree, a bare storage, or a tensor whose
     *                            storage is bad
     */
    static TorchFile of(Path file, Object root, TorchStorages storages) throws IOException {
        TorchTree tree = new TorchTree(file, storages);
        Object javaRoot = tree.convert(root, 0);
        tree.flatten("", javaRoot);
        return new TorchFile(tree.tensors, tree.values, javaRoot);
    }

    private TorchFileException bad(String problem) {
        return new TorchFileException(file, problem);
    }

    private Object convert(Object v, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw bad("containers nested more than " + MAX_DEPTH + " deep (a recursion bomb?)");
        }
        if (v == PyNone.NONE) {
            return null;
        }
        if (v instanceof String || v instanceof Long || v instanceof BigInteger || v instanceof Double
                || v instanceof Boolean) {
            return v;
        }
        if (v instanceof byte[] b) {
            return b.clone();
        }
        if (v instanceof PyGlobal g) {
            return g.dotted();
        }
        if (v instanceof StorageRef s) {
            throw bad("a bare storage '" + s.key() + "' outside any tensor (not a state dict)");
        }
        Object done = converted.get(v);
        if (done != null) {
            return done;
        }
        if (!open.add(v)) {
            throw bad("a container that contains itself (a cyclic value)");
        }
        Object out = convertContainer(v, depth);
        open.remove(v);
        converted.put(v, out);
        return out;
    }

    private Object convertContainer(Object v, int depth) throws IOException {
        if (v instanceof TensorRef t) {
            return TensorRebuild.rebuild(file, t, storages.bytes(t.storage()));
        }
        if (v instanceof PyTuple t) {
            return convertAll(t.items(), depth);
        }
        if (v instanceof PyList l) {
            return convertAll(l.items, depth);
        }
        if (v instanceof PySet s) {
            Set<Object> out = new LinkedHashSet<>();
            for (Object o : s.items) {
                out.add(convert(o, depth + 1));
            }
            return Collections.unmodifiableSet(out);
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : ((PyDict) v).items.entrySet()) {
            out.put(convert(e.getKey(), depth + 1), convert(e.getValue(), depth + 1));
        }
        return Collections.unmodifiableMap(out);
    }

    private List<Object> convertAll(List<Object> items, int depth) throws IOException {
        List<Object> out = new ArrayList<>(items.size());
        for (Object o : items) {
            out.add(convert(o, depth + 1));
        }
        return Collections.unmodifiableList(out);
    }

    private void flatten(String key, Object v) throws TorchFileException {
        // Every visit counts, not only leaves: shared empty lists can expand without a single leaf.
        if (++visits > MAX_VISITS) {
            throw bad("the value tree expands to more than " + MAX_VISITS + " entries (a memo bomb?)");
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                flatten(join(key, keyText(e.getKey())), e.getValue());
            }
            return;
        }
        if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                flatten(join(key, Integer.toString(i)), l.get(i));
            }
            return;
        }
        if (tensors.containsKey(key) || values.containsKey(key)) {
            throw bad("two entries flatten to the same key '" + key + "'");
        }
        if (v instanceof Tensor t) {
            tensors.put(key, t);
        } else {
            values.put(key, v);
        }
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    /** Python's str() of a key, for the usual key types. */
    private static String keyText(Object key) {
        if (key == null) {
            return "None";
        }
        if (key instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return String.valueOf(key);
    }
}
