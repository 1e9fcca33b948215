package dev.jinn.flow;

import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link GraphINN} run returns: the results in the order of the output nodes (of the input nodes in
 * reverse), the summed per-sample log-det, and, when asked for, every node's values and log-det.
 *
 * @param outputs       the results, batch axis first
 * @param logDet        shape {@code [B]}: the sum of the nodes' log-dets (zeros when none was requested)
 * @param intermediates for each node in execution order, the values it produced in the direction run (a node's
 *                      outputs forward, its recovered inputs in reverse; an input, condition or output node's one
 *                      value); empty unless requested
 * @param nodeLogDets   for each node with an invertible module, in execution order, its log-det {@code [B]};
 *                      empty unless intermediates and the log-det were requested
 */
public record GraphResult(List<Tensor> outputs, Tensor logDet, Map<AbstractNode, List<Tensor>> intermediates,
        Map<AbstractNode, Tensor> nodeLogDets) {
    /**
     * Copies the collections, keeping the execution order of the maps.
     *
     * @param outputs       the results
     * @param logDet        the total log-det
     * @param intermediates the values per node
     * @param nodeLogDets   the log-det per node
     */
    public GraphResult {
        outputs = List.copyOf(outputs);
        Map<AbstractNode, List<Tensor>> values = new LinkedHashMap<>();
        intermediates.forEach((n, v) -> values.put(n, Collections.unmodifiableList(new ArrayList<>(v))));
        intermediates = Collections.unmodifiableMap(values);
        nodeLogDets = Collections.unmodifiableMap(new LinkedHashMap<>(nodeLogDets));
    }

    /**
     * The only result.
     *
     * @return the result tensor
     * @throws IllegalStateException if there is not exactly one
     */
    public Tensor output() {
        if (outputs.size() != 1) {
            throw new IllegalStateException("GraphResult.output(): the graph returned " + outputs.size()
                    + " results; use outputs() or output(k)");
        }
        return outputs.get(0);
    }

    /**
     * One result.
     *
     * @param k 0-based, in the order of the output nodes (input nodes in reverse)
     * @return the k-th result
     */
    public Tensor output(int k) {
        return outputs.get(k);
    }

    /**
     * The values a node produced in this run.
     *
     * @param nodeName the node's name
     * @return its outputs (forward) or recovered inputs (reverse)
     * @throws IllegalArgumentException if intermediates were not kept or no node has that name
     */
    public List<Tensor> intermediate(String nodeName) {
        return find(intermediates, nodeName, "intermediate");
    }

    /**
     * The log-det of one node in this run.
     *
     * @param nodeName the node's name
     * @return its log-det {@code [B]}
     * @throws IllegalArgumentException if per-node log-dets were not kept or that node has none
     */
    public Tensor nodeLogDet(String nodeName) {
        return find(nodeLogDets, nodeName, "nodeLogDet");
    }

    private static <V> V find(Map<AbstractNode, V> map, String name, String method) {
        if (map.isEmpty()) {
            throw new IllegalArgumentException("GraphResult." + method + "('" + name + "'): nothing was kept; run the"
                    + " graph with keepIntermediates = true" + (method.equals("nodeLogDet") ? " and computeLogDet = true"
                    : ""));
        }
        List<String> names = new ArrayList<>();
        for (Map.Entry<AbstractNode, V> e : map.entrySet()) {
            if (e.getKey().name().equals(name)) {
                return e.getValue();
            }
            names.add(e.getKey().name());
        }
        throw new IllegalArgumentException("GraphResult." + method + ": no node named '" + name + "' among " + names);
    }

    /**
     * The results and the log-det as a {@link FlowResult}.
     *
     * @return the result without the intermediates
     */
    public FlowResult toFlowResult() {
        return new FlowResult(outputs, logDet);
    }
}
