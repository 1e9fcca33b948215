package dev.jinn.flow;

import dev.jinn.autograd.Grad;
import dev.jinn.nn.Module;
import dev.jinn.nn.ModuleList;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An invertible network given as a graph of nodes (FrEIA's {@code GraphINN}): any number of inputs, outputs and
 * conditions, modules with several inputs and outputs, and values shared as conditions. It is itself an
 * {@link InvertibleModule}: {@code dimsIn} are the shapes of the {@link InputNode}s, {@code dimsC} those of the
 * {@link ConditionNode}s, and its outputs those of the {@link OutputNode}s, each in node-list order.
 *
 * <p>Forward, the nodes run in a topological order, each module on the values its inputs name, and the log-det is
 * the sum of the modules' log-dets. In reverse, the nodes run in the reverse topological order, each module
 * inverted, and each returns the log-det of its inverse map, so the reverse total at {@code f(x)} is minus the
 * forward total at {@code x}. Conditions are given in both directions; a condition taken from an ordinary node's
 * output is, in reverse, the value recovered by that output's consumer.
 *
 * <p>The graph is checked when built, with messages naming the nodes: every node connected to the graph must be in
 * the list, every output must be consumed, names must be unique, and the graph must be acyclic in both directions
 * (a node conditioned on a value that is recovered only after it in reverse cannot be inverted). The execution
 * orders are fixed (see {@link #forwardOrder()}), unlike FrEIA's, which iterates sets.
 *
 * <p>Modules are registered as {@code module_list.{i}}, {@code i} counting the nodes with a module in forward
 * order, so FrEIA state dicts load.
 *
 * <pre>{@code
 * var x = new InputNode(4).named("x");
 * var c = new ConditionNode(2).named("c");
 * var split = new Node(x, Split.sections(2, 2)).named("split");  // two outputs
 * var a = new Node(split.out(0), coupling, c).named("a");
 * var b = new Node(split.out(1), coupling, a).named("b");        // conditioned on a's output
 * var join = new Node(List.of(a, b), concat).named("join");      // two inputs
 * var z = new OutputNode(join).named("z");
 * var net = new GraphINN(List.of(x, c, split, a, b, join, z));
 * GraphResult r = net.forward(List.of(x0), List.of(c0));    // r.output(), r.logDet()
 * Tensor back = net.inverse(r.outputs(), List.of(c0)).output();
 * }</pre>
 */
public final class GraphINN extends InvertibleModule {
    private final GraphPlan plan;
    private final ModuleList moduleList;
    /** The module nodes that run memory-saving in training (see {@link #memorySaving(boolean)}). */
    private final Set<Node> memorySaving = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * Builds the network from its nodes.
     *
     * @param nodes every node of the graph; the order of the input, condition and output nodes in this list fixes
     *              the order of the tensors passed to and returned from the runs
     * @throws IllegalArgumentException if the graph is incomplete, has a loose end, a duplicate node or name, no
     *                                  input or output, an unused feed-forward node, or a cycle
     */
    public GraphINN(List<? extends AbstractNode> nodes) {
        this(GraphPlan.of(nodes));
    }

    private GraphINN(GraphPlan plan) {
        super(shapes(plan.inputNodes), shapes(plan.conditionNodes));
        this.plan = plan;
        this.moduleList = registerModule("module_list", new ModuleList());
        for (AbstractNode n : plan.forwardOrder) {
            if (n.module() != null) {
                moduleList.add(n.module());
            }
        }
    }

    private static List<Shape> shapes(List<? extends AbstractNode> nodes) {
        List<Shape> s = new ArrayList<>();
        for (AbstractNode n : nodes) {
            s.add(n instanceof OutputNode ? n.inputDims().get(0) : n.outputDims().get(0));
        }
        return List.copyOf(s);
    }

    // ------------------------------------------------------------------------------------------------
    // Runs

    /**
     * Runs the graph forward without conditions.
     *
     * @param inputs one tensor per input node, in node-list order
     * @return the results in output-node order and the log-det {@code [B]}
     */
    public GraphResult forward(List<Tensor> inputs) {
        return forward(inputs, List.of());
    }

    /**
     * Runs the graph forward.
     *
     * @param inputs     one tensor per input node, in node-list order
     * @param conditions one tensor per condition node, in node-list order
     * @return the results in output-node order and the log-det {@code [B]}
     */
    public GraphResult forward(List<Tensor> inputs, List<Tensor> conditions) {
        return run(inputs, conditions, false, true, false);
    }

    /**
     * Runs the graph in reverse without conditions.
     *
     * @param outputs one tensor per output node, in node-list order
     * @return the recovered inputs in input-node order and the log-det of the inverse {@code [B]}
     */
    public GraphResult inverse(List<Tensor> outputs) {
        return inverse(outputs, List.of());
    }

    /**
     * Runs the graph in reverse.
     *
     * @param outputs    one tensor per output node, in node-list order
     * @param conditions one tensor per condition node, the same as forward
     * @return the recovered inputs in input-node order and the log-det of the inverse {@code [B]}
     */
    public GraphResult inverse(List<Tensor> outputs, List<Tensor> conditions) {
        return run(outputs, conditions, true, true, false);
    }

    /** The {@link InvertibleModule} contract: {@link #run} without intermediates. */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        return run(x, c, reverse, computeLogDet, false).toFlowResult();
    }

    /**
     * Runs the graph in either direction.
     *
     * @param given             forward: one tensor per input node; reverse: one per output node; node-list order
     * @param conditions        one tensor per condition node (null or empty if there are none)
     * @param reverse           whether to run the inverse
     * @param computeLogDet     whether to sum the modules' log-dets (else the log-det is zeros)
     * @param keepIntermediates whether to return every node's values, and its log-det if computed
     * @return the results: the output-node values forward, the input-node values in reverse
     * @throws IllegalArgumentException if the number, shapes, batch sizes or dtypes of the tensors are wrong
     * @throws FlowException            if a module fails, naming its node
     */
    public GraphResult run(List<Tensor> given, List<Tensor> conditions, boolean reverse, boolean computeLogDet,
            boolean keepIntermediates) {
        List<Tensor> c = conditions == null ? List.of() : conditions;
        List<? extends AbstractNode> starts = reverse ? plan.outputNodes : plan.inputNodes;
        int batch = checkGiven(reverse ? "output" : "input", given, starts, -1, null);
        DType dtype = given.get(0).dtype();
        checkGiven("condition", c, plan.conditionNodes, batch, dtype);

        Map<Port, Tensor> values = new HashMap<>();
        for (int i = 0; i < starts.size(); i++) {
            values.put(new Port(starts.get(i), 0), given.get(i));
        }
        for (int j = 0; j < plan.conditionNodes.size(); j++) {
            values.put(new Port(plan.conditionNodes.get(j), 0), c.get(j));
        }
        Map<AbstractNode, List<Tensor>> kept = new LinkedHashMap<>();
        Map<AbstractNode, Tensor> nodeLogDets = new LinkedHashMap<>();
        Tensor logDet = Tensors.zeros(dtype, batch);
        // Memory saving matters only where a graph is recorded, i.e. in a forward pass with autograd on.
        MemorySavingRun saving = !reverse && Grad.isEnabled() && !memorySaving.isEmpty() ? new MemorySavingRun() : null;
        for (GraphPlan.Step step : reverse ? plan.reverseSteps : plan.forwardSteps) {
            AbstractNode n = step.node();
            List<Tensor> produced;
            if (n instanceof Node node) {
                List<Tensor> in = read(values, step.reads());
                List<Tensor> cond = read(values, step.conditionReads());
                FlowResult r = saving != null && memorySaving.contains(node)
                        ? saving.block(node.module(), node.describe(), in, cond)
                        : ModuleCall.run(node.module(), node.describe(), in, cond, reverse, computeLogDet);
                produced = r.outputs();
                if (computeLogDet) {
                    logDet = logDet.add(r.logDet());
                    if (keepIntermediates) {
                        nodeLogDets.put(n, r.logDet());
                    }
                }
            } else if (n instanceof FeedForwardNode ff) {
                produced = List.of(ff.compute(read(values, step.conditionReads())));
            } else if (step.reads().isEmpty()) {
                produced = List.of(values.get(step.writes().get(0))); // a given value
            } else {
                produced = read(values, step.reads()); // an end node taking its result
            }
            for (int k = 0; k < produced.size(); k++) {
                values.put(step.writes().get(k), produced.get(k));
            }
            if (keepIntermediates) {
                kept.put(n, produced);
            }
            for (Port p : step.release()) {
                values.remove(p);
            }
        }
        if (saving != null) {
            saving.finish();
        }
        List<Tensor> results = new ArrayList<>();
        for (AbstractNode end : reverse ? plan.inputNodes : plan.outputNodes) {
            results.add(values.get(new Port(end, 0)));
        }
        return new GraphResult(results, logDet, kept, nodeLogDets);
    }

    /**
     * Switches memory-saving backprop on or off for every module node. In a training forward pass (autograd
     * on) a memory-saving node keeps none of its activations: the backward pass rebuilds the node's inputs from
     * its outputs with the inverse and re-runs its forward pass on them, so training memory no longer grows with
     * depth. Values that leave the graph (output nodes, intermediates the caller asked for) or feed a node that
     * does not save memory are kept as usual. See {@link SequenceINN#memorySaving(boolean)} for what is refused.
     *
     * @param on whether to save memory
     * @return this graph
     */
    public GraphINN memorySaving(boolean on) {
        memorySaving.clear();
        if (on) {
            for (AbstractNode n : plan.nodes) {
                if (n instanceof Node node) {
                    memorySaving.add(node);
                }
            }
        }
        return this;
    }

    /**
     * Switches memory-saving backprop for one module node.
     *
     * @param node a node of this graph with a module
     * @param on   whether it saves memory
     * @return this graph
     * @throws IllegalArgumentException when the node is not one of this graph's
     */
    public GraphINN memorySaving(Node node, boolean on) {
        if (plan.nodes.stream().noneMatch(n -> n == node)) {
            throw new IllegalArgumentException("GraphINN.memorySaving: " + (node == null ? "null" : node.describe())
                    + " is not a node of this graph");
        }
        if (on) {
            memorySaving.add(node);
        } else {
            memorySaving.remove(node);
        }
        return this;
    }

    /**
     * Whether a module node runs memory-saving in training.
     *
     * @param node a node of this graph
     * @return true when it does
     */
    public boolean isMemorySaving(Node node) {
        return memorySaving.contains(node);
    }

    private static List<Tensor> read(Map<Port, Tensor> values, List<Port> ports) {
        List<Tensor> out = new ArrayList<>(ports.size());
        for (Port p : ports) {
            out.add(values.get(p));
        }
        return out;
    }

    /** Checks the tensors given for the input, output or condition nodes; returns the batch size. */
    private static int checkGiven(String kind, List<Tensor> ts, List<? extends AbstractNode> nodes, int batch,
            DType dtype) {
        if (ts == null) {
            throw new IllegalArgumentException("GraphINN: the " + kind + " list is null");
        }
        if (ts.size() != nodes.size()) {
            List<String> expected = new ArrayList<>();
            for (AbstractNode n : nodes) {
                expected.add(n.describe() + " " + shapes(List.of(n)).get(0));
            }
            throw new IllegalArgumentException("GraphINN: got " + ts.size() + " " + kind + (ts.size() == 1 ? "" : "s")
                    + ", but expected " + nodes.size() + (nodes.isEmpty() ? "" : ": " + String.join(", ", expected)));
        }
        int b = batch;
        DType dt = dtype;
        for (int i = 0; i < ts.size(); i++) {
            Tensor t = ts.get(i);
            AbstractNode n = nodes.get(i);
            String what = "GraphINN: " + kind + " " + i + " (" + n.describe() + ")";
            if (t == null) {
                throw new IllegalArgumentException(what + " is null");
            }
            Shape expected = shapes(List.of(n)).get(0);
            if (!expected.matches(t)) {
                String inner = Arrays.toString(expected.dims());
                throw new IllegalArgumentException(what + " has shape " + Arrays.toString(t.shape()) + ", expected [B, "
                        + inner.substring(1, inner.length() - 1) + "]");
            }
            if (b >= 0 && t.size(0) != b) {
                throw new IllegalArgumentException(what + " has batch size " + t.size(0) + ", but input 0 has " + b);
            }
            b = t.size(0);
            if (!t.dtype().isFloatingPoint() || (dt != null && t.dtype() != dt)) {
                throw new IllegalArgumentException(what + " has dtype " + t.dtype() + ", expected "
                        + (dt == null ? "a floating-point dtype" : dt + " like input 0"));
            }
            dt = t.dtype();
        }
        return b;
    }

    /**
     * The per-sample log-det by finite differences (FrEIA's {@code log_jacobian_numerical}): the Jacobian of the
     * whole map, inputs and outputs each flattened and concatenated per sample, by central differences along each
     * input coordinate, then {@code log|det|} per sample. A check for tests; it runs the graph {@code 2·D} times.
     *
     * @param x       forward: the inputs; reverse: the outputs
     * @param c       the conditions
     * @param reverse whether to differentiate the inverse
     * @param h       the step, e.g. {@code 1e-4} in float64 (float32 needs a larger one)
     * @return shape {@code [B]}, in the dtype of {@code x}
     * @throws IllegalArgumentException if {@code h <= 0} or the map does not keep the number of values per sample
     */
    public Tensor logJacobianNumerical(List<Tensor> x, List<Tensor> c, boolean reverse, double h) {
        if (!(h > 0)) {
            throw new IllegalArgumentException("GraphINN.logJacobianNumerical: the step h must be > 0, got " + h);
        }
        run(x, c, reverse, false, false); // checks the tensors before the loop
        int b = x.get(0).size(0);
        DType dtype = x.get(0).dtype();
        try (var g = Grad.disabled()) {
            List<Tensor> flat = new ArrayList<>();
            for (Tensor t : x) {
                flat.add(t.reshape(b, -1));
            }
            Tensor xf = Tensor.cat(flat, 1);
            int d = xf.size(1);
            double[] jac = new double[b * d * d];
            for (int i = 0; i < d; i++) {
                double[] step = new double[d];
                step[i] = h;
                Tensor offset = Tensors.of(step, 1, d).to(dtype);
                Tensor plus = flatOutputs(run(unflatten(xf.add(offset), x), c, reverse, false, false), b);
                Tensor minus = flatOutputs(run(unflatten(xf.sub(offset), x), c, reverse, false, false), b);
                if (plus.size(1) != d) {
                    throw new IllegalArgumentException("GraphINN.logJacobianNumerical: the map takes " + d
                            + " values per sample but returns " + plus.size(1) + "; its Jacobian is not square");
                }
                double[] column = plus.sub(minus).to(DType.FLOAT64).toDoubleArray();
                for (int s = 0; s < b; s++) {
                    for (int r = 0; r < d; r++) {
                        jac[(s * d + r) * d + i] = column[s * d + r] / (2 * h);
                    }
                }
            }
            return Tensors.of(jac, b, d, d).slogdet().logAbsDet().to(dtype);
        }
    }

    private static List<Tensor> unflatten(Tensor flat, List<Tensor> like) {
        List<Tensor> out = new ArrayList<>();
        int at = 0;
        for (Tensor t : like) {
            int n = t.numel() / t.size(0);
            out.add(flat.narrow(1, at, n).reshape(t.shape()));
            at += n;
        }
        return out;
    }

    private static Tensor flatOutputs(GraphResult r, int b) {
        List<Tensor> flat = new ArrayList<>();
        for (Tensor t : r.outputs()) {
            flat.add(t.reshape(b, -1));
        }
        return Tensor.cat(flat, 1);
    }

    // ------------------------------------------------------------------------------------------------
    // Shapes and structure

    /** The output-node shapes; the given shapes must be the input-node shapes. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        if (!dimsIn().equals(inputDims)) {
            throw new IllegalArgumentException("GraphINN: built for inputs " + dimsIn() + ", got " + inputDims);
        }
        return shapes(plan.outputNodes);
    }

    /**
     * The graph: every node with its name, module class and shapes, every connection with its ports, conditions as dashed edges as Graphviz DOT text (FrEIA's {@code plot_graph}): see {@link DotGraph}.
     *
     * @return the DOT text
     */
    public String toDot() {
        return DotGraph.of(this).toString();
    }

    /**
     * The nodes as given.
     *
     * @return the node list
     */
    public List<AbstractNode> nodes() {
        return plan.nodes;
    }

    /**
     * The order in which forward runs the nodes: a topological order, fixed by the graph's structure (Kahn's
     * algorithm from the output nodes, backwards): where there is a choice, earlier inputs come before later ones,
     * inputs before conditions, and independent branches in node-list order. Condition nodes nobody reads come
     * first.
     *
     * @return every node, in execution order
     */
    public List<AbstractNode> forwardOrder() {
        return plan.forwardOrder;
    }

    /**
     * The order in which reverse runs the nodes, fixed in the same way from the input nodes.
     *
     * @return every node, in execution order
     */
    public List<AbstractNode> reverseOrder() {
        return plan.reverseOrder;
    }

    /**
     * The input nodes.
     *
     * @return in node-list order, the order of the tensors given to forward
     */
    public List<InputNode> inputNodes() {
        return List.copyOf(plan.inputNodes);
    }

    /**
     * The condition nodes.
     *
     * @return in node-list order, the order of the condition tensors
     */
    public List<ConditionNode> conditionNodes() {
        return List.copyOf(plan.conditionNodes);
    }

    /**
     * The output nodes.
     *
     * @return in node-list order, the order of the results of forward
     */
    public List<OutputNode> outputNodes() {
        return List.copyOf(plan.outputNodes);
    }

    /**
     * A node by name.
     *
     * @param name the node's name
     * @return the node
     * @throws IllegalArgumentException if no node has that name
     */
    public AbstractNode node(String name) {
        List<String> names = new ArrayList<>();
        for (AbstractNode n : plan.nodes) {
            if (n.name().equals(name)) {
                return n;
            }
            names.add(n.name());
        }
        throw new IllegalArgumentException("GraphINN: no node named '" + name + "'; the nodes are " + names);
    }

    /**
     * The module of a node, by the node's name.
     *
     * @param name the node's name
     * @return its invertible module, or the layer of a feed-forward node
     * @throws IllegalArgumentException if no node has that name, or it has no module (input, condition and output
     *                                  nodes)
     */
    public Module module(String name) {
        AbstractNode n = node(name);
        if (n.module() == null) {
            throw new IllegalArgumentException("GraphINN: " + n.describe() + " has no module");
        }
        return n.module();
    }
}
