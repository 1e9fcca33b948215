package dev.jinn.autograd;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a backward pass over the recorded graph: visits the nodes reachable from the roots in topological
 * order, sums the gradients arriving at each output and hands them to the node's rule. In accumulate mode
 * (plain {@code backward()}) gradients end in the leaves' {@code grad}; in capture mode
 * ({@link Grad#grad}) they are collected for the requested tensors and no {@code grad} is touched.
 */
final class Engine {
    private Engine() {
    }

    /**
     * Runs backward.
     *
     * @param roots       tensors to differentiate
     * @param rootGrads   their incoming gradients (same shapes)
     * @param targets     edges whose gradient to capture, or {@code null} to accumulate into leaves
     * @param retainGraph keep saved tensors so the graph can be walked again
     * @param createGraph record the backward computation so the result is differentiable
     * @return the captured gradients per target ({@code null} entries where nothing arrived), or null
     */
    static Tensor[] run(List<Tensor> roots, List<Tensor> rootGrads, Edge[] targets, boolean retainGraph,
            boolean createGraph) {
        boolean previous = GradMode.set(createGraph);
        try {
            return execute(roots, rootGrads, targets, retainGraph, createGraph);
        } finally {
            GradMode.set(previous);
        }
    }

    private static Tensor[] execute(List<Tensor> roots, List<Tensor> rootGrads, Edge[] targets,
            boolean retainGraph, boolean createGraph) {
        Map<GradNode, Tensor[]> buffers = new IdentityHashMap<>();
        List<GradNode> starts = new ArrayList<>();
        for (int i = 0; i < roots.size(); i++) {
            Edge e = Edge.of(roots.get(i));
            if (e == null) {
                continue;
            }
            starts.add(e.node());
            accumulate(buffers, e, rootGrads.get(i));
        }
        Map<GradNode, List<Integer>> targetIndex = new IdentityHashMap<>();
        if (targets != null) {
            for (int t = 0; t < targets.length; t++) {
                if (targets[t] != null) {
                    targetIndex.computeIfAbsent(targets[t].node(), k -> new ArrayList<>()).add(t);
                }
            }
        }
        List<GradNode> order = topologicalOrder(starts);
        Map<GradNode, Boolean> needed = neededNodes(order, targets == null ? null : targetIndex);
        Tensor[] captured = targets == null ? null : new Tensor[targets.length];
        for (GradNode node : order) {
            Tensor[] grads = buffers.remove(node);
            if (grads == null || !needed.get(node)) {
                continue;
            }
            List<Integer> hits = targetIndex.get(node);
            if (hits != null) {
                for (int t : hits) {
                    captured[t] = grads[targets[t].index()];
                }
                if (!leadsFurther(node, needed)) {
                    continue;
                }
            }
            materializeZeros(node, grads);
            Tensor[] inputGrads = node.run(grads, wantedInputs(node, needed));
            if (!retainGraph) {
                node.release();
            }
            for (int i = 0; i < node.next.length; i++) {
                Edge e = node.next[i];
                if (e == null || i >= inputGrads.length || inputGrads[i] == null || !needed.get(e.node())) {
                    continue;
                }
                Tensor g = inputGrads[i];
                checkGradShape(node, i, e, g);
                accumulate(buffers, e, createGraph ? g : g.detach());
            }
        }
        return captured;
    }

    /** Which of the node's inputs lead to a wanted gradient (so that its rule skips the others). */
    private static boolean[] wantedInputs(GradNode node, Map<GradNode, Boolean> needed) {
        boolean[] wanted = new boolean[node.next.length];
        for (int i = 0; i < wanted.length; i++) {
            Edge e = node.next[i];
            wanted[i] = e != null && needed.get(e.node());
        }
        return wanted;
    }

    /** Whether any producer of the node's inputs still needs a gradient. */
    private static boolean leadsFurther(GradNode node, Map<GradNode, Boolean> needed) {
        for (Edge e : node.next) {
            if (e != null && needed.get(e.node())) {
                return true;
            }
        }
        return false;
    }

    private static void checkGradShape(GradNode node, int input, Edge e, Tensor g) {
        int[] expected = e.node().outputShape(e.index());
        if (!Arrays.equals(expected, g.shape())) {
            throw new IllegalStateException("backward: " + node.name() + " returned a gradient of shape "
                    + Arrays.toString(g.shape()) + " for its input " + input + ", which has shape "
                    + Arrays.toString(expected));
        }
    }

    /**
     * Adds {@code g} to the gradient buffered for output {@code e.index()} of {@code e.node()}, first casting it to
     * that output's dtype: seeds and hand-written {@link Function} backward rules may hand in a wider type, and
     * a gradient must have the type of the tensor it belongs to (as in PyTorch).
     */
    private static void accumulate(Map<GradNode, Tensor[]> buffers, Edge e, Tensor g) {
        DType type = e.node().outputType(e.index());
        if (g.dtype() != type && type.isFloatingPoint()) {
            g = g.to(type);
        }
        Tensor[] slot = buffers.computeIfAbsent(e.node(), n -> new Tensor[n.numOutputs()]);
        Tensor cur = slot[e.index()];
        slot[e.index()] = cur == null ? g : cur.add(g);
    }

    private static void materializeZeros(GradNode node, Tensor[] grads) {
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] == null) {
                grads[i] = Tensors.zeros(node.outputType(i), node.outputShape(i));
            }
        }
    }

    /** Nodes reachable from the starts, each before every node that produced one of its inputs. */
    private static List<GradNode> topologicalOrder(List<GradNode> starts) {
        Map<GradNode, Boolean> visited = new IdentityHashMap<>();
        List<GradNode> postOrder = new ArrayList<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (GradNode s : starts) {
            if (visited.put(s, Boolean.TRUE) != null) {
                continue;
            }
            stack.push(new Object[] {s, new int[] {0}});
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                GradNode n = (GradNode) frame[0];
                int[] pos = (int[]) frame[1];
                if (pos[0] < n.next.length) {
                    Edge e = n.next[pos[0]++];
                    if (e != null && visited.put(e.node(), Boolean.TRUE) == null) {
                        stack.push(new Object[] {e.node(), new int[] {0}});
                    }
                } else {
                    stack.pop();
                    postOrder.add(n);
                }
            }
        }
        List<GradNode> order = new ArrayList<>(postOrder.size());
        for (int i = postOrder.size() - 1; i >= 0; i--) {
            order.add(postOrder.get(i));
        }
        return order;
    }

    /**
     * A node is needed when it is a target or leads to one. With no targets (accumulate mode), the leaves'
     * sinks are the targets.
     */
    private static Map<GradNode, Boolean> neededNodes(List<GradNode> order, Map<GradNode, List<Integer>> targets) {
        Map<GradNode, Boolean> needed = new IdentityHashMap<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            GradNode n = order.get(i);
            boolean need = targets == null ? n instanceof AccumulateGrad : targets.containsKey(n);
            for (Edge e : n.next) {
                if (need) {
                    break;
                }
                need = e != null && needed.get(e.node());
            }
            needed.put(n, need);
        }
        return needed;
    }
}
