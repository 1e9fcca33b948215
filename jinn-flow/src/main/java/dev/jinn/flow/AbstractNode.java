package dev.jinn.flow;

import dev.jinn.nn.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node of a {@link GraphINN}: the common part of every node kind (FrEIA's {@code AbstractNode}).
 *
 * <p>Nodes are built eagerly. The constructor of every kind resolves its inputs and conditions to
 * {@link NodeOutput}s of nodes built before, takes their shapes, builds its module for those shapes and so knows
 * its own output shapes at once. Each input <em>consumes</em> the output it reads: an output has exactly one
 * consumer (fan-out needs a split module), while a value used as a condition is not consumed and may condition any
 * number of nodes.
 *
 * <p>The kinds are {@link Node} (an invertible module), {@link InputNode}, {@link ConditionNode},
 * {@link OutputNode} and {@link FeedForwardNode} (a value computed from conditions, usable only as a condition).
 * A node has a name, a short unique id until {@link #named(String)} gives it one; names appear in messages and in
 * {@link GraphINN#node(String)}.
 */
public abstract sealed class AbstractNode implements Connectable
        permits Node, InputNode, ConditionNode, OutputNode, FeedForwardNode {
    private static final AtomicLong IDS = new AtomicLong();

    private String name;
    private final List<NodeOutput> inputs;
    private final List<NodeOutput> conditions;
    private final List<Shape> inputDims;
    private final List<Shape> conditionDims;
    private List<Shape> outputDims;
    /** For each output, the input slot that consumes it, or null while unconsumed. */
    private Port[] consumers;

    /**
     * Resolves and checks the inputs and conditions; the subclass then builds its module and calls
     * {@link #connect(List)}.
     *
     * @param idPrefix   the start of the default name, e.g. {@code node}
     * @param inputs     what the node consumes
     * @param conditions what conditions it
     */
    AbstractNode(String idPrefix, List<? extends Connectable> inputs, List<? extends Connectable> conditions) {
        this.name = idPrefix + IDS.incrementAndGet();
        this.inputs = resolve("input", inputs);
        this.conditions = resolve("condition", conditions);
        checkInputsConsumable();
        this.inputDims = shapes(this.inputs);
        this.conditionDims = shapes(this.conditions);
    }

    private List<NodeOutput> resolve(String kind, List<? extends Connectable> given) {
        if (given == null) {
            throw new IllegalArgumentException(constructionLabel(List.of()) + ": the " + kind + " list is null");
        }
        List<NodeOutput> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            Connectable c = given.get(i);
            if (c == null) {
                throw new IllegalArgumentException(constructionLabel(List.of()) + ": " + kind + " " + i + " is null");
            }
            out.add(c instanceof NodeOutput o ? o : ((AbstractNode) c).out(0));
        }
        return List.copyOf(out);
    }

    private void checkInputsConsumable() {
        for (int i = 0; i < inputs.size(); i++) {
            NodeOutput in = inputs.get(i);
            AbstractNode source = in.node();
            String where = constructionLabel(inputs) + ": input " + i + " (" + in + ")";
            if (source instanceof ConditionNode || source instanceof FeedForwardNode) {
                throw new IllegalArgumentException(where + " cannot be consumed: a " + source.kindLabel()
                        + " only provides conditions (pass it in the conditions list instead)");
            }
            Port consumer = source.consumers[in.index()];
            if (consumer != null) {
                throw new IllegalArgumentException(where + " is already consumed by " + consumer.node().kindLabel()
                        + " '" + consumer.node().name() + "' (input " + consumer.index() + "); each output has "
                        + "exactly one consumer: use a split module to fan out, or pass the value as a condition");
            }
            for (int j = 0; j < i; j++) {
                if (inputs.get(j).equals(in)) {
                    throw new IllegalArgumentException(where + " is given twice (also as input " + j + "); each output"
                            + " has exactly one consumer");
                }
            }
        }
    }

    /**
     * Records the output shapes and consumes the inputs; called once the module is built, so a failed
     * construction consumes nothing.
     *
     * @param dims the output shapes
     */
    final void connect(List<Shape> dims) {
        this.outputDims = List.copyOf(dims);
        this.consumers = new Port[dims.size()];
        for (int i = 0; i < inputs.size(); i++) {
            NodeOutput in = inputs.get(i);
            in.node().consumers[in.index()] = new Port(this, i);
        }
    }

    private static List<Shape> shapes(List<NodeOutput> outs) {
        List<Shape> s = new ArrayList<>();
        for (NodeOutput o : outs) {
            s.add(o.shape());
        }
        return List.copyOf(s);
    }

    /**
     * How a node under construction is named in messages (its name is not chosen yet): kind and sources.
     *
     * @param sources the node's resolved inputs (or conditions, for a feed-forward node)
     * @return e.g. {@code new Node on [output 0 of InputNode 'x' (2,)]}
     */
    final String constructionLabel(List<NodeOutput> sources) {
        StringBuilder sb = new StringBuilder("new ").append(getClass().getSimpleName());
        if (!sources.isEmpty()) {
            sb.append(" on [");
            for (int i = 0; i < sources.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(sources.get(i)).append(' ').append(sources.get(i).shape());
            }
            sb.append(']');
        }
        return sb.toString();
    }

    /**
     * Names the node (fluent); the subclasses return their own type.
     *
     * @param newName a non-blank name, e.g. {@code "coupling 3"}
     * @return this node
     */
    public AbstractNode named(String newName) {
        if (newName == null || newName.isBlank()) {
            throw new IllegalArgumentException(describe() + ": a node name must not be null or blank, got "
                    + (newName == null ? "null" : "'" + newName + "'"));
        }
        this.name = newName;
        return this;
    }

    /**
     * The node's name.
     *
     * @return the name given by {@link #named(String)}, else a short unique id such as {@code node12}
     */
    public final String name() {
        return name;
    }

    /**
     * One output of this node, to pass to another node as an input or a condition.
     *
     * @param k 0-based output index
     * @return the output
     * @throws IllegalArgumentException if the node has no output {@code k}
     */
    public final NodeOutput out(int k) {
        return new NodeOutput(this, k);
    }

    final void checkOutputIndex(int k) {
        if (outputDims.isEmpty()) {
            throw new IllegalArgumentException(describe() + " has no outputs: it ends the graph and can be neither an"
                    + " input nor a condition of another node");
        }
        if (k < 0 || k >= outputDims.size()) {
            throw new IllegalArgumentException(describe() + " has " + outputDims.size() + " output"
                    + (outputDims.size() == 1 ? "" : "s") + " " + outputDims + "; output " + k + " does not exist");
        }
    }

    /**
     * The outputs this node consumes, in input-slot order.
     *
     * @return the inputs (empty for input, condition and feed-forward nodes)
     */
    public final List<NodeOutput> inputs() {
        return inputs;
    }

    /**
     * The values this node is conditioned on, in condition-slot order.
     *
     * @return the conditions (never consumed)
     */
    public final List<NodeOutput> conditions() {
        return conditions;
    }

    /**
     * The shapes of the inputs.
     *
     * @return one per input
     */
    public final List<Shape> inputDims() {
        return inputDims;
    }

    /**
     * The shapes of the conditions.
     *
     * @return one per condition
     */
    public final List<Shape> conditionDims() {
        return conditionDims;
    }

    /**
     * The shapes of the outputs, inferred when the node was built.
     *
     * @return one per output (empty for an {@link OutputNode})
     */
    public final List<Shape> outputDims() {
        return outputDims;
    }

    /**
     * The module this node runs.
     *
     * @return the module, or null for input, condition and output nodes
     */
    public Module module() {
        return null;
    }

    /**
     * The input slot consuming an output.
     *
     * @param k the output index
     * @return the consumer's port, or null while the output is a loose end
     */
    final Port consumer(int k) {
        return consumers[k];
    }

    /**
     * How the kind is named in messages.
     *
     * @return e.g. {@code node}, {@code InputNode}
     */
    String kindLabel() {
        return getClass().getSimpleName();
    }

    /**
     * How the node is named in messages.
     *
     * @return e.g. {@code node 'coupling 3' (GLOWCouplingBlock)} or {@code InputNode 'x'}
     */
    public String describe() {
        Module m = module();
        return kindLabel() + " '" + name + "'" + (m == null ? "" : " (" + m.getClass().getSimpleName() + ")");
    }

    /** FrEIA's form: {@code Node 'perm': [(2,)] -> PermuteRandom -> [(2,)]}. */
    @Override
    public String toString() {
        Module m = module();
        return getClass().getSimpleName() + " '" + name + "': " + inputDims + " -> "
                + (m == null ? "" : m.getClass().getSimpleName() + " -> ") + outputDims;
    }

    /**
     * Checks the dims given to an input or condition node.
     *
     * @param kind the node class name
     * @param dims the per-sample shape
     * @return the shape
     */
    static Shape checkedDims(String kind, int[] dims) {
        if (dims == null || dims.length == 0) {
            throw new IllegalArgumentException(kind + ": empty dims; give the per-sample shape without the batch axis,"
                    + " e.g. new " + kind + "(2) or new " + kind + "(3, 32, 32)");
        }
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException(kind + ": sizes must be positive, got " + Arrays.toString(dims));
            }
        }
        return Shape.of(dims);
    }
}
