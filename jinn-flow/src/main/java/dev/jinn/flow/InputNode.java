package dev.jinn.flow;

import java.util.List;

/**
 * An input of a {@link GraphINN} (FrEIA's {@code InputNode}): a value given to {@code forward} and recovered by
 * {@code inverse}. It has one output of the given shape, which must be consumed, and takes no conditions. The
 * order of the input nodes in the graph's node list is the order of the tensors passed to {@code forward}.
 */
public final class InputNode extends AbstractNode {
    /**
     * An input of the given per-sample shape.
     *
     * @param dims the shape without the batch axis, e.g. {@code 2} or {@code 3, 32, 32}; at least one size
     */
    public InputNode(int... dims) {
        super("input", List.of(), List.of());
        connect(List.of(checkedDims("InputNode", dims)));
    }

    /**
     * Names the node.
     *
     * @param newName a non-blank name
     * @return this node
     */
    @Override
    public InputNode named(String newName) {
        super.named(newName);
        return this;
    }

    /**
     * The per-sample shape of the input.
     *
     * @return the shape
     */
    public Shape shape() {
        return outputDims().get(0);
    }
}
