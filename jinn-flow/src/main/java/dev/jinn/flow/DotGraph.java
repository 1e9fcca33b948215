package dev.jinn.flow;

import dev.jinn.nn.Module;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flow drawn as Graphviz DOT text, FrEIA's {@code plot_graph}: one box per module node (its name, module class
 * and shapes), ellipses for the inputs, conditions and outputs, a solid edge per data connection labelled with the
 * output and input port and the shape it carries, and a dashed edge per condition. Render it with
 * {@code dot -Tsvg flow.dot -o flow.svg}.
 *
 * <p>A {@link GraphINN} is drawn node by node in forward order; a {@link SequenceINN} as the chain it is: its
 * input, each module by position, its output, and a condition node per condition index with dashed edges to the
 * modules that read it.
 */
public final class DotGraph {
    private final String title;
    private final List<String> nodes = new ArrayList<>();
    private final List<String> edges = new ArrayList<>();

    private DotGraph(String title) {
        this.title = title;
    }

    /**
     * The drawing of a graph.
     *
     * @param graph the graph
     * @return the drawing
     */
    public static DotGraph of(GraphINN graph) {
        DotGraph dot = new DotGraph("GraphINN");
        Map<AbstractNode, String> ids = new IdentityHashMap<>();
        for (AbstractNode n : graph.forwardOrder()) {
            String id = "n" + ids.size();
            ids.put(n, id);
            Module m = n.module();
            if (m == null) {
                List<Shape> shapes = n instanceof OutputNode ? n.inputDims() : n.outputDims();
                dot.terminal(id, n.name(), n.getClass().getSimpleName(), shapes, n instanceof ConditionNode);
            } else {
                // A feed-forward node computes its value from conditions: they are what it reads.
                boolean feedForward = n instanceof FeedForwardNode;
                String type = m.getClass().getSimpleName() + (feedForward ? " (feed-forward)" : "");
                dot.module(id, n.name(), type, feedForward ? n.conditionDims() : n.inputDims(), n.outputDims());
            }
        }
        for (AbstractNode n : graph.forwardOrder()) {
            for (int j = 0; j < n.inputs().size(); j++) {
                NodeOutput from = n.inputs().get(j);
                dot.data(ids.get(from.node()), ids.get(n), from.index() + " → " + j, from.shape());
            }
            for (int j = 0; j < n.conditions().size(); j++) {
                NodeOutput from = n.conditions().get(j);
                dot.condition(ids.get(from.node()), ids.get(n), "condition " + j, from.shape());
            }
        }
        return dot;
    }

    /**
     * The drawing of a sequence: {@code in}, the modules named by their positions, {@code out}, and the
     * conditions {@code c[i]}.
     *
     * @param sequence the sequence
     * @return the drawing
     */
    public static DotGraph of(SequenceINN sequence) {
        DotGraph dot = new DotGraph("SequenceINN");
        Shape shape = sequence.dimsIn().get(0);
        dot.terminal("in", "in", "input", List.of(shape), false);
        for (int i = 0; i < sequence.dimsC().size(); i++) {
            dot.terminal("c" + i, "c[" + i + "]", "condition", List.of(sequence.dimsC().get(i)), true);
        }
        String previous = "in";
        for (int k = 0; k < sequence.size(); k++) {
            InvertibleModule m = sequence.get(k);
            String id = "m" + k;
            dot.module(id, Integer.toString(k), m.getClass().getSimpleName(), m.dimsIn(), m.dimsOut());
            dot.data(previous, id, "", shape);
            if (sequence.conditionIndex(k) >= 0) {
                int ci = sequence.conditionIndex(k);
                dot.condition("c" + ci, id, "c[" + ci + "]", sequence.dimsC().get(ci));
            }
            shape = m.dimsOut().get(0);
            previous = id;
        }
        dot.terminal("out", "out", "output", List.of(shape), false);
        dot.data(previous, "out", "", shape);
        return dot;
    }

    private void terminal(String id, String name, String kind, List<Shape> shapes, boolean condition) {
        nodes.add("  " + id + " [shape=ellipse" + (condition ? ", style=dashed" : "") + ", label=" + quote(name + "\n"
                + kind + "\n" + shapes(shapes)) + "];");
    }

    private void module(String id, String name, String type, List<Shape> in, List<Shape> out) {
        nodes.add("  " + id + " [label=" + quote(name + "\n" + type + "\n" + shapes(in) + " → " + shapes(out)) + "];");
    }

    private void data(String from, String to, String port, Shape shape) {
        String label = port.isEmpty() ? shape.toString() : port + " " + shape;
        edges.add("  " + from + " -> " + to + " [label=" + quote(label) + "];");
    }

    private void condition(String from, String to, String what, Shape shape) {
        edges.add("  " + from + " -> " + to + " [style=dashed, label=" + quote(what + " " + shape) + "];");
    }

    private static String shapes(List<Shape> shapes) {
        List<String> s = new ArrayList<>();
        for (Shape shape : shapes) {
            s.add(shape.toString());
        }
        return String.join(", ", s);
    }

    /** A DOT string literal: quotes and backslashes escaped, line breaks as DOT's centred {@code \n}. */
    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "\\n") + "\"";
    }

    /**
     * The DOT text.
     *
     * @return {@code digraph … { … }}, one statement per line
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("digraph " + title + " {\n");
        out.append("  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n");
        out.append("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for (String n : nodes) {
            out.append(n).append('\n');
        }
        for (String e : edges) {
            out.append(e).append('\n');
        }
        return out.append("}\n").toString();
    }
}
