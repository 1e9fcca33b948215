package dev.jinn.flow;

import java.util.List;

/**
 * A condition of a {@link GraphINN} (FrEIA's {@code ConditionNode}): a value given to both {@code forward} and
 * {@code inverse} and passed unchanged to the nodes conditioned on it. It can only be a condition: consuming it as
 * an input is an error. The order of the condition nodes in the graph's node list is the order of the condition
 * tensors.
 */
public final class ConditionNode extends AbstractNode {
    /**
     * A condition of the given per-sample shape.
     *
     * @param dims the shape without the batch axis; at least one size
     */
    public ConditionNode(int... dims) {
        super("condition", List.of(), List.of());
        connect(List.of(checkedDims("ConditionNode", dims)));
    }

    /**
     * Names the node.
     *
     * @param newName a non-blank name
     * @return this node
     */
    @Override
    public ConditionNode named(String newName) {
        super.named(newName);
        return this;
    }

    /**
     * The per-sample shape of the condition.
     *
     * @return the shape
     */
    public Shape shape() {
        return outputDims().get(0);
    }
}
