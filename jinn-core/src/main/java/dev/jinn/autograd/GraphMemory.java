package dev.jinn.autograd;

import dev.jinn.tensor.AutogradAccess;
import dev.jinn.tensor.Tensor;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Counts the memory a recorded graph keeps for its backward pass: the distinct storages (primitive arrays) that
 * the nodes' backward rules and custom functions hold on to, found by walking the nodes reachable from the roots
 * and, in each, the tensors and the float or double buffers its rule captured.
 *
 * <p>Backward rules are closures, so what they saved is read from their fields (and from the fields of the small
 * objects they hold, a few levels deep): this is a measuring instrument, not part of any computation. The
 * storages of leaves that require gradients (parameters) are not counted: the model owns them whether or not a
 * graph exists. Storages shared by several tensors (views) count once.
 */
final class GraphMemory {
    /** How deep to look into objects that a rule holds (a rule, its helper, the helper's tensors). */
    private static final int MAX_DEPTH = 4;

    private final Set<Object> storages = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    private long bytes;

    private GraphMemory() {
    }

    /**
     * The bytes of the distinct storages held for backward by the graphs behind the roots.
     *
     * @param roots tensors whose graphs to walk (untracked ones contribute nothing)
     * @return the byte count
     */
    static long savedBytes(Tensor... roots) {
        GraphMemory m = new GraphMemory();
        Deque<GradNode> queue = new ArrayDeque<>();
        Set<GradNode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor r : roots) {
            GradNode fn = AutogradAccess.gradFn(r);
            if (fn != null && seen.add(fn)) {
                queue.add(fn);
            }
        }
        while (!queue.isEmpty()) {
            GradNode n = queue.poll();
            if (!(n instanceof AccumulateGrad)) {
                m.scanFields(n, 0);
            }
            for (Edge e : n.next) {
                if (e != null && seen.add(e.node())) {
                    queue.add(e.node());
                }
            }
        }
        return m.bytes;
    }

    private void scan(Object value, int depth) {
        if (value == null || depth > MAX_DEPTH) {
            return;
        }
        if (value instanceof Tensor t) {
            if (!(t.requiresGrad() && AutogradAccess.gradFn(t) == null)) {
                count(AutogradAccess.storage(t));
            }
            return;
        }
        Class<?> type = value.getClass();
        if (type.isArray()) {
            // Raw float/double arrays are buffers a fused rule keeps (int[] and the like are shapes and flags).
            if (type == float[].class || type == double[].class) {
                count(value);
            } else if (!type.getComponentType().isPrimitive() && visited.add(value)) {
                for (int i = 0, n = Array.getLength(value); i < n; i++) {
                    scan(Array.get(value, i), depth + 1);
                }
            }
            return;
        }
        if (!visited.add(value) || value instanceof GradNode) {
            // Other nodes are walked as nodes; a rule's reference to one adds nothing here.
            return;
        }
        if (value instanceof Collection<?> c) {
            for (Object o : c) {
                scan(o, depth + 1);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Object o : map.values()) {
                scan(o, depth + 1);
            }
        } else if (!isOpaque(type)) {
            scanFields(value, depth);
        }
    }

    /** JDK objects and boxed values hold no storages a rule saved. */
    private static boolean isOpaque(Class<?> type) {
        String name = type.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || type.isEnum();
    }

    private void scanFields(Object owner, int depth) {
        for (Class<?> c = owner.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (c == GradNode.class) {
                continue; // its own fields are the edges and flags
            }
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    scan(f.get(owner), depth + 1);
                } catch (InaccessibleObjectException | IllegalAccessException e) {
                    // A field we may not read holds nothing we could count; the total is then a lower bound.
                }
            }
        }
    }

    private void count(Object storage) {
        if (storage == null || !storages.add(storage)) {
            return;
        }
        Class<?> component = storage.getClass().getComponentType();
        if (component == null || !component.isPrimitive()) {
            return;
        }
        bytes += (long) Array.getLength(storage) * elementBytes(component);
    }

    private static int elementBytes(Class<?> component) {
        if (component == double.class || component == long.class) {
            return 8;
        }
        if (component == float.class || component == int.class) {
            return 4;
        }
        if (component == short.class || component == char.class) {
            return 2;
        }
        return 1;
    }
}
