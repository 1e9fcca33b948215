package dev.jinn.flow;

import dev.jinn.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A printable overview of a flow: one row per graph node (in forward execution order) or per sequence module,
 * with its module class, input and output shapes, conditions and parameter count, and the totals.
 * {@link #toString()} prints it as a table:
 *
 * <pre>
 * GraphINN: inputs [(4,)], conditions [(2,)] -&gt; outputs [(4,)]
 * Node      Module             Inputs -&gt; Outputs  Conditions  Parameters
 * ------------------------------------------------------------------------
 * x         InputNode          - -&gt; (4,)                                0
 * c         ConditionNode      - -&gt; (2,)                                0
 * coupling  GLOWCouplingBlock  (4,) -&gt; (4,)       c (2,)           1,332
 * z         OutputNode         (4,) -&gt; -                                0
 * ------------------------------------------------------------------------
 * Total: 4 nodes, 1 module, 1,332 parameters
 * </pre>
 */
public final class Summary {
    private final String title;
    private final List<SummaryRow> rows;
    private final int moduleCount;
    private final long totalParameters;

    private Summary(String title, List<SummaryRow> rows, int moduleCount, long totalParameters) {
        this.title = title;
        this.rows = List.copyOf(rows);
        this.moduleCount = moduleCount;
        this.totalParameters = totalParameters;
    }

    /**
     * The summary of a graph.
     *
     * @param graph the graph
     * @return one row per node, in forward execution order
     */
    public static Summary of(GraphINN graph) {
        List<SummaryRow> rows = new ArrayList<>();
        int modules = 0;
        for (AbstractNode n : graph.forwardOrder()) {
            Module m = n.module();
            modules += m == null ? 0 : 1;
            List<String> conds = new ArrayList<>();
            for (NodeOutput c : n.conditions()) {
                AbstractNode src = c.node();
                conds.add(src.name() + (src.outputDims().size() > 1 ? "[" + c.index() + "]" : "") + " " + c.shape());
            }
            String module = m == null ? n.getClass().getSimpleName()
                    : m.getClass().getSimpleName() + (n instanceof FeedForwardNode ? " (feed-forward)" : "");
            rows.add(new SummaryRow(n.name(), module, n.inputDims(), n.outputDims(), conds,
                    m == null ? 0 : m.parameterCount()));
        }
        String title = "GraphINN: inputs " + graph.dimsIn() + ", conditions " + graph.dimsC() + " -> outputs "
                + graph.dimsOut();
        return new Summary(title, rows, modules, graph.parameterCount());
    }

    /**
     * The summary of a sequence.
     *
     * @param sequence the sequence
     * @return one row per module, named by its position
     */
    public static Summary of(SequenceINN sequence) {
        List<SummaryRow> rows = new ArrayList<>();
        for (int k = 0; k < sequence.size(); k++) {
            InvertibleModule m = sequence.get(k);
            int ci = sequence.conditionIndex(k);
            List<String> conds = ci < 0 ? List.of() : List.of("c[" + ci + "] " + m.dimsC().get(0));
            rows.add(new SummaryRow(Integer.toString(k), m.getClass().getSimpleName(), m.dimsIn(), m.dimsOut(), conds,
                    m.parameterCount()));
        }
        String title = "SequenceINN: input " + sequence.dimsIn().get(0) + ", conditions " + sequence.dimsC()
                + " -> output " + sequence.outputShape();
        return new Summary(title, rows, sequence.size(), sequence.parameterCount());
    }

    /**
     * The first line: the flow's input, condition and output shapes.
     *
     * @return the title
     */
    public String title() {
        return title;
    }

    /**
     * The rows.
     *
     * @return one per node or module
     */
    public List<SummaryRow> rows() {
        return rows;
    }

    /**
     * The number of modules (graph nodes with a module, feed-forward layers included).
     *
     * @return the count
     */
    public int moduleCount() {
        return moduleCount;
    }

    /**
     * The flow's trainable values ({@link Module#parameterCount()} of the whole flow).
     *
     * @return the count
     */
    public long totalParameters() {
        return totalParameters;
    }

    /** The table: title, header, one line per row, totals. */
    @Override
    public String toString() {
        boolean graph = title.startsWith("GraphINN");
        String[] header = {graph ? "Node" : "#", "Module", "Inputs -> Outputs", "Conditions", "Parameters"};
        List<String[]> cells = new ArrayList<>();
        cells.add(header);
        for (SummaryRow r : rows) {
            cells.add(new String[] {r.name(), r.module(), shapes(r.inputs()) + " -> " + shapes(r.outputs()),
                    String.join(", ", r.conditions()), count(r.parameters())});
        }
        int[] width = new int[header.length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder(title).append('\n');
        int total = 0;
        for (int w : width) {
            total += w + 2;
        }
        String rule = "-".repeat(total - 2) + "\n";
        for (int r = 0; r < cells.size(); r++) {
            String[] row = cells.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean last = i == row.length - 1;
                String pad = " ".repeat(width[i] - row[i].length());
                line.append(last ? pad + row[i] : row[i] + pad + "  ");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                sb.append(rule);
            }
        }
        sb.append(rule);
        sb.append("Total: ");
        if (graph) {
            sb.append(rows.size()).append(rows.size() == 1 ? " node, " : " nodes, ");
        }
        sb.append(moduleCount).append(moduleCount == 1 ? " module, " : " modules, ").append(count(totalParameters))
                .append(totalParameters == 1 ? " parameter" : " parameters").append('\n');
        return sb.toString();
    }

    private static String shapes(List<Shape> s) {
        if (s.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(s.get(i));
        }
        return sb.toString();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
