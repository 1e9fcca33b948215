package dev.jinn.tensor;

import dev.jinn.autograd.GradNode;

/**
 * Internal: the one door through which {@code dev.jinn.autograd} reads and sets the graph state a tensor
 * carries (its producing node, its output index, its leaf sink) and reaches its storage. The autograd engine
 * lives in its own package, but that state belongs to the tensor; this bridge keeps {@link Tensor}'s fields
 * package-private instead of opening them all. Not for applications: use {@link Tensor#requiresGrad()},
 * {@link Tensor#grad()} and the {@code dev.jinn.autograd.Grad} API.
 */
public final class AutogradAccess {
    private AutogradAccess() {
    }

    /**
     * The node that computed a tensor.
     *
     * @param t the tensor
     * @return its node, or null for a leaf
     */
    public static GradNode gradFn(Tensor t) {
        return t.gradFn;
    }

    /**
     * Which output of its {@link #gradFn node} a tensor is.
     *
     * @param t the tensor
     * @return the output index (0 for single-output operations and leaves)
     */
    public static int outputIndex(Tensor t) {
        return t.outputIndex;
    }

    /**
     * Marks a fresh result as output {@code index} of {@code node}: it then requires a gradient.
     *
     * @param t     the result
     * @param node  the node that computed it
     * @param index its output index
     */
    public static void attach(Tensor t, GradNode node, int index) {
        t.attach(node, index);
    }

    /**
     * The sink node that accumulates a leaf's gradient, made once per leaf by the autograd package.
     *
     * @param leaf the leaf
     * @return its sink, or null before the first graph through it was recorded
     */
    public static GradNode sink(Tensor leaf) {
        return leaf.sink;
    }

    /**
     * Remembers a leaf's sink node, so that every graph through the leaf accumulates into one node.
     *
     * @param leaf the leaf
     * @param sink its sink
     */
    public static void setSink(Tensor leaf, GradNode sink) {
        leaf.sink = sink;
    }

    /**
     * Adds a gradient to a leaf's {@link Tensor#grad()} (see {@link Tensor#accumulateGrad}).
     *
     * @param leaf the leaf
     * @param g    the gradient arriving at its sink
     */
    public static void accumulateGrad(Tensor leaf, Tensor g) {
        leaf.accumulateGrad(g);
    }

    /**
     * The storage array a tensor views, to count the memory a graph keeps alive.
     *
     * @param t the tensor
     * @return its {@code float[]}, {@code double[]}, {@code long[]} or {@code boolean[]}, shared by views
     */
    public static Object storage(Tensor t) {
        return t.data();
    }
}
