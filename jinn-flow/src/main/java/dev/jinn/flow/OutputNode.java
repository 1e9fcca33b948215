package dev.jinn.flow;

import java.util.Collections;
import java.util.List;

/**
 * An output of a {@link GraphINN} (FrEIA's {@code OutputNode}): consumes exactly one value, which {@code forward}
 * returns and {@code inverse} takes. It has no outputs, so it can be neither consumed nor used as a condition. The
 * order of the output nodes in the graph's node list is the order of the results.
 */
public final class OutputNode extends AbstractNode {
    /**
     * An output reading one value.
     *
     * @param input a node (its output 0) or one output of a node
     */
    public OutputNode(Connectable input) {
        super("output", Collections.singletonList(input), List.of());
        connect(List.of());
    }

    /**
     * Names the node.
     *
     * @param newName a non-blank name
     * @return this node
     */
    @Override
    public OutputNode named(String newName) {
        super.named(newName);
        return this;
    }

    /**
     * The per-sample shape of the output.
     *
     * @return the shape of the consumed value
     */
    public Shape shape() {
        return inputDims().get(0);
    }
}
