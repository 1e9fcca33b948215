package dev.jinn.flow;

import java.util.Collections;
import java.util.List;

/**
 * A graph node that runs an invertible module (FrEIA's {@code Node}): any number of inputs, outputs and
 * conditions.
 *
 * <p>The module is built at once from the spec, for the shapes of the connected inputs and conditions, and its
 * output shapes become the node's. A spec that is an already-built module is accepted if it was built for exactly
 * these shapes. Inputs are consumed (each output has one consumer); conditions are not.
 *
 * <pre>{@code
 * var in = new InputNode(4).named("x");
 * var cond = new ConditionNode(3).named("c");
 * var coupling = new Node(in, GLOWCouplingBlock.builder().subnet(Subnets.mlp(64)), cond).named("coupling");
 * }</pre>
 */
public final class Node extends AbstractNode {
    private final InvertibleModule module;

    /**
     * An unconditional node with one input.
     *
     * @param input a node (its output 0) or one output of a node
     * @param spec  how to build the module (a builder, a lambda, or a module instance)
     */
    public Node(Connectable input, ModuleSpec spec) {
        this(Collections.singletonList(input), spec, List.of());
    }

    /**
     * An unconditional node with several inputs.
     *
     * @param inputs nodes or node outputs, in input-slot order
     * @param spec   how to build the module
     */
    public Node(List<? extends Connectable> inputs, ModuleSpec spec) {
        this(inputs, spec, List.of());
    }

    /**
     * A node with one input and one condition.
     *
     * @param input     a node or node output
     * @param spec      how to build the module
     * @param condition a node or node output; not consumed
     */
    public Node(Connectable input, ModuleSpec spec, Connectable condition) {
        this(Collections.singletonList(input), spec, Collections.singletonList(condition));
    }

    /**
     * A node with one input and several conditions.
     *
     * @param input      a node or node output
     * @param spec       how to build the module
     * @param conditions nodes or node outputs, in condition-slot order; not consumed
     */
    public Node(Connectable input, ModuleSpec spec, List<? extends Connectable> conditions) {
        this(Collections.singletonList(input), spec, conditions);
    }

    /**
     * A node with several inputs and one condition.
     *
     * @param inputs    nodes or node outputs
     * @param spec      how to build the module
     * @param condition a node or node output; not consumed
     */
    public Node(List<? extends Connectable> inputs, ModuleSpec spec, Connectable condition) {
        this(inputs, spec, Collections.singletonList(condition));
    }

    /**
     * A node with several inputs and conditions: the general form.
     *
     * @param inputs     nodes or node outputs, in input-slot order; at least one
     * @param spec       how to build the module
     * @param conditions nodes or node outputs, in condition-slot order; not consumed
     * @throws IllegalArgumentException if an input cannot be consumed (already consumed, a condition-only node),
     *                                  or the module cannot be built for the inferred shapes
     */
    public Node(List<? extends Connectable> inputs, ModuleSpec spec, List<? extends Connectable> conditions) {
        super("node", inputs, conditions);
        this.module = build(spec);
        connect(module.dimsOut());
    }


    private InvertibleModule build(ModuleSpec spec) {
        String who = constructionLabel(inputs());
        if (inputs().isEmpty()) {
            throw new IllegalArgumentException(who + ": a Node needs at least one input");
        }
        if (spec == null) {
            throw new IllegalArgumentException(who + ": the module spec is null");
        }
        InvertibleModule m;
        List<Shape> out;
        try {
            m = spec.build(inputDims(), conditionDims());
            if (m == null) {
                throw new IllegalArgumentException("the module spec built null");
            }
            out = m.dimsOut();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(who + (conditions().isEmpty() ? "" : " with conditions "
                    + conditionDims()) + ": " + e.getMessage(), e);
        }
        if (!m.dimsIn().equals(inputDims()) || !m.dimsC().equals(conditionDims())) {
            throw new IllegalArgumentException(who + ": " + m.describe() + " was built for inputs " + m.dimsIn()
                    + " and conditions " + m.dimsC() + ", but the node connects inputs " + inputDims()
                    + " and conditions " + conditionDims());
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(who + ": " + m.describe() + " has no outputs; an invertible module"
                    + " needs at least one");
        }
        return m;
    }

    /**
     * Names the node.
     *
     * @param newName a non-blank name
     * @return this node
     */
    @Override
    public Node named(String newName) {
        super.named(newName);
        return this;
    }

    /**
     * The invertible module this node runs.
     *
     * @return the module, built for {@link #inputDims()} and {@link #conditionDims()}
     */
    @Override
    public InvertibleModule module() {
        return module;
    }

    @Override
    String kindLabel() {
        return "node";
    }
}
