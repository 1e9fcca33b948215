package dev.jinn.flow;

/**
 * One output of a graph node, as FrEIA's {@code (node, k)} pair: obtained from {@link AbstractNode#out(int)} and
 * passed to other nodes as an input (which consumes it) or a condition (which does not).
 *
 * @param node  the node producing the value
 * @param index the 0-based output index
 */
public record NodeOutput(AbstractNode node, int index) implements Connectable {
    /**
     * Checks that the node has this output.
     *
     * @param node  the node
     * @param index the output index
     * @throws IllegalArgumentException if the node is null, has no outputs (an {@link OutputNode}) or fewer than
     *                                  {@code index + 1}
     */
    public NodeOutput {
        if (node == null) {
            throw new IllegalArgumentException("NodeOutput: the node is null");
        }
        node.checkOutputIndex(index);
    }

    /**
     * The per-sample shape of the value.
     *
     * @return the node's output shape at {@link #index()}
     */
    public Shape shape() {
        return node.outputDims().get(index);
    }

    /** How messages name it, e.g. {@code output 1 of node 'split'}. */
    @Override
    public String toString() {
        return "output " + index + " of " + node.kindLabel() + " '" + node.name() + "'";
    }
}
