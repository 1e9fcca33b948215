package dev.jinn.autograd;

import dev.jinn.tensor.AutogradAccess;
import dev.jinn.tensor.Tensor;

/**
 * A link from a node of the autograd graph to the node that produced one of its inputs: the gradient for
 * that input flows into output {@code index} of {@code node}.
 */
record Edge(GradNode node, int index) {
    /**
     * The edge through which a gradient for {@code t} enters the graph: into its node's output, or into the
     * sink of a leaf (made on first use); null when {@code t} requires no gradient.
     */
    static Edge of(Tensor t) {
        if (!t.requiresGrad()) {
            return null;
        }
        GradNode fn = AutogradAccess.gradFn(t);
        if (fn != null) {
            return new Edge(fn, AutogradAccess.outputIndex(t));
        }
        GradNode sink = AutogradAccess.sink(t);
        if (sink == null) {
            sink = new AccumulateGrad(t);
            AutogradAccess.setSink(t, sink);
        }
        return new Edge(sink, 0);
    }
}
