package dev.jinn.flow;

import java.util.List;

/**
 * One line of a {@link Summary}: a graph node or a module of a sequence.
 *
 * @param name       the node's name, or the module's position in a sequence
 * @param module     the module's class name, or the kind of a node without module ({@code InputNode}, ...)
 * @param inputs     the per-sample input shapes
 * @param outputs    the per-sample output shapes
 * @param conditions the condition sources, each as {@code name (shape)}; a graph names the node (with
 *                   {@code [k]} for output k of a node with several outputs), a sequence the condition index
 *                   ({@code c[0]})
 * @param parameters the number of trainable values of the module
 */
public record SummaryRow(String name, String module, List<Shape> inputs, List<Shape> outputs,
        List<String> conditions, long parameters) {
    /**
     * Copies the lists.
     *
     * @param name       the name
     * @param module     the module
     * @param inputs     the input shapes
     * @param outputs    the output shapes
     * @param conditions the conditions
     * @param parameters the parameter count
     */
    public SummaryRow {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        conditions = List.copyOf(conditions);
    }
}
