package dev.jinn.flow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a {@link GraphINN} decides once, when it is built: the checks of the node list, the roles of the
 * nodes, the execution order in each direction, and for each step which values it reads, writes and lets go.
 *
 * <p>The orders come from Kahn's algorithm run backwards from the end nodes (the output nodes forward, the input
 * nodes in reverse), taking the end nodes and each node's dependencies in reverse list order and reversing the
 * result. So the order is fixed, and where there is a choice, a node's earlier inputs are produced before its
 * later inputs, inputs before conditions, and independent branches keep the order of the node list.
 */
final class GraphPlan {
    /** One node's turn in a run: the ports whose values it reads, the ports it writes, and the values no one reads
     * after it. */
    record Step(AbstractNode node, List<Port> reads, List<Port> conditionReads, List<Port> writes, List<Port> release) {
    }

    /** Why a node must run after another: {@code on} has to run first. */
    private record Dep(AbstractNode on, String why) {
    }

    final List<AbstractNode> nodes;
    final List<InputNode> inputNodes = new ArrayList<>();
    final List<ConditionNode> conditionNodes = new ArrayList<>();
    final List<OutputNode> outputNodes = new ArrayList<>();
    final List<AbstractNode> forwardOrder;
    final List<AbstractNode> reverseOrder;
    final List<Step> forwardSteps;
    final List<Step> reverseSteps;

    private GraphPlan(List<AbstractNode> nodes) {
        this.nodes = nodes;
        for (AbstractNode n : nodes) {
            if (n instanceof InputNode i) {
                inputNodes.add(i);
            } else if (n instanceof ConditionNode c) {
                conditionNodes.add(c);
            } else if (n instanceof OutputNode o) {
                outputNodes.add(o);
            }
        }
        if (inputNodes.isEmpty() || outputNodes.isEmpty()) {
            throw new IllegalArgumentException("GraphINN: the node list has no " + (inputNodes.isEmpty() ? "InputNode"
                    : "OutputNode") + "; a graph needs at least one input and one output");
        }
        this.forwardOrder = order(outputNodes, false);
        this.reverseOrder = order(inputNodes, true);
        this.forwardSteps = steps(forwardOrder, false);
        this.reverseSteps = steps(reverseOrder, true);
    }

    /**
     * Checks a node list and plans its runs.
     *
     * @param given the nodes, in the order that fixes the order of inputs, conditions and outputs
     * @return the plan
     * @throws IllegalArgumentException naming the node, for every way the list can be wrong
     */
    static GraphPlan of(List<? extends AbstractNode> given) {
        if (given == null || given.isEmpty()) {
            throw new IllegalArgumentException("GraphINN: the node list is " + (given == null ? "null" : "empty"));
        }
        List<AbstractNode> nodes = new ArrayList<>();
        Map<AbstractNode, Integer> position = new IdentityHashMap<>();
        Map<String, AbstractNode> byName = new HashMap<>();
        for (int i = 0; i < given.size(); i++) {
            AbstractNode n = given.get(i);
            if (n == null) {
                throw new IllegalArgumentException("GraphINN: node " + i + " of the node list is null");
            }
            Integer before = position.putIfAbsent(n, i);
            if (before != null) {
                throw new IllegalArgumentException("GraphINN: " + n.describe() + " appears twice in the node list (at "
                        + before + " and " + i + ")");
            }
            AbstractNode sameName = byName.putIfAbsent(n.name(), n);
            if (sameName != null) {
                throw new IllegalArgumentException("GraphINN: " + sameName.describe() + " and " + n.describe()
                        + " have the same name; names must be unique within a graph");
            }
            nodes.add(n);
        }
        checkMembership(nodes, position.keySet());
        checkLooseEnds(nodes);
        return new GraphPlan(List.copyOf(nodes));
    }

    private static void checkMembership(List<AbstractNode> nodes, Set<AbstractNode> members) {
        for (AbstractNode n : nodes) {
            for (int i = 0; i < n.inputs().size(); i++) {
                NodeOutput in = n.inputs().get(i);
                if (!members.contains(in.node())) {
                    throw new IllegalArgumentException("GraphINN: " + n.describe() + " takes input " + i + " from " + in
                            + ", but " + in.node().describe() + " is not in the node list");
                }
            }
            for (int j = 0; j < n.conditions().size(); j++) {
                NodeOutput c = n.conditions().get(j);
                if (!members.contains(c.node())) {
                    throw new IllegalArgumentException("GraphINN: " + n.describe() + " is conditioned on " + c
                            + " (condition " + j + "), but " + c.node().describe() + " is not in the node list");
                }
            }
            for (int k = 0; k < n.outputDims().size(); k++) {
                Port consumer = n.consumer(k);
                if (consumer != null && !members.contains(consumer.node())) {
                    throw new IllegalArgumentException("GraphINN: " + n.out(k) + " is consumed by "
                            + consumer.node().describe() + " (input " + consumer.index() + "), but "
                            + consumer.node().describe() + " is not in the node list");
                }
            }
        }
    }

    /** An output nobody consumes would be lost in forward and missing in reverse: FrEIA crashes on it late. */
    private static void checkLooseEnds(List<AbstractNode> nodes) {
        for (AbstractNode n : nodes) {
            if (!consumable(n)) {
                continue;
            }
            for (int k = 0; k < n.outputDims().size(); k++) {
                if (n.consumer(k) == null) {
                    throw new IllegalArgumentException("GraphINN: output " + k + " of " + n.describe() + ", shape "
                            + n.outputDims().get(k) + ", is not consumed by any node: a loose end. Connect it to a"
                            + " node or an OutputNode");
                }
            }
        }
    }

    private static boolean consumable(AbstractNode n) {
        return n instanceof Node || n instanceof InputNode;
    }

    /**
     * Where a condition's value is found in reverse: a condition or feed-forward node gives the same value in both
     * directions; an ordinary value is recovered by its consumer, as that consumer's reverse output.
     */
    static Port reverseSource(NodeOutput c) {
        AbstractNode n = c.node();
        return consumable(n) ? n.consumer(c.index()) : new Port(n, c.index());
    }

    private static List<Dep> deps(AbstractNode b, boolean reverse) {
        List<Dep> d = new ArrayList<>();
        if (!reverse) {
            for (int i = 0; i < b.inputs().size(); i++) {
                NodeOutput in = b.inputs().get(i);
                d.add(new Dep(in.node(), "input " + i + " is " + in));
            }
        } else if (consumable(b)) {
            for (int k = 0; k < b.outputDims().size(); k++) {
                AbstractNode consumer = b.consumer(k).node();
                d.add(new Dep(consumer, "in reverse, its output " + k + " comes back from " + consumer.describe()));
            }
        }
        for (int j = 0; j < b.conditions().size(); j++) {
            NodeOutput c = b.conditions().get(j);
            AbstractNode source = reverse ? reverseSource(c).node() : c.node();
            d.add(new Dep(source, source == c.node() ? "condition " + j + " is " + c
                    : "condition " + j + ", " + c + ", is recovered in reverse by " + source.describe()));
        }
        return d;
    }

    private List<AbstractNode> order(List<? extends AbstractNode> ends, boolean reverse) {
        Map<AbstractNode, List<Dep>> deps = new IdentityHashMap<>();
        ArrayDeque<AbstractNode> todo = new ArrayDeque<>(ends);
        List<AbstractNode> reached = new ArrayList<>();
        for (AbstractNode e : ends) {
            deps.put(e, null);
        }
        while (!todo.isEmpty()) {
            AbstractNode b = todo.poll();
            reached.add(b);
            List<Dep> d = deps(b, reverse);
            deps.put(b, d);
            for (Dep dep : d) {
                if (!deps.containsKey(dep.on())) {
                    deps.put(dep.on(), null);
                    todo.add(dep.on());
                }
            }
        }
        List<AbstractNode> idle = new ArrayList<>();
        for (AbstractNode n : nodes) {
            if (deps.containsKey(n)) {
                continue;
            }
            if (!(n instanceof ConditionNode)) {
                throw new IllegalArgumentException("GraphINN: " + n.describe() + (n instanceof FeedForwardNode
                        ? " is not used: no node that leads to an output is conditioned on it"
                        : " is not connected to any " + (reverse ? "input" : "output")));
            }
            idle.add(n); // a condition nobody reads: it is still one of the graph's conditions
        }
        Map<AbstractNode, Integer> pending = new IdentityHashMap<>();
        for (AbstractNode b : reached) {
            for (Dep dep : deps.get(b)) {
                pending.merge(dep.on(), 1, Integer::sum);
            }
        }
        ArrayDeque<AbstractNode> ready = new ArrayDeque<>();
        for (int i = ends.size() - 1; i >= 0; i--) {
            ready.add(ends.get(i));
        }
        List<AbstractNode> sorted = new ArrayList<>();
        while (!ready.isEmpty()) {
            AbstractNode b = ready.poll();
            sorted.add(b);
            List<Dep> d = deps.get(b);
            for (int i = d.size() - 1; i >= 0; i--) {
                AbstractNode on = d.get(i).on();
                if (pending.merge(on, -1, Integer::sum) == 0) {
                    ready.add(on);
                }
            }
        }
        if (sorted.size() < reached.size()) {
            throw cycle(reached, sorted, deps, reverse);
        }
        Collections.reverse(sorted);
        List<AbstractNode> order = new ArrayList<>(idle);
        order.addAll(sorted);
        return List.copyOf(order);
    }

    /** Finds one cycle among the nodes Kahn's algorithm could not place and describes it edge by edge. */
    private static IllegalArgumentException cycle(List<AbstractNode> reached, List<AbstractNode> sorted,
            Map<AbstractNode, List<Dep>> deps, boolean reverse) {
        Set<AbstractNode> done = Collections.newSetFromMap(new IdentityHashMap<>());
        done.addAll(sorted);
        // Every unplaced node waits for an unplaced dependent; following dependents must come back round.
        Map<AbstractNode, AbstractNode> neededBy = new IdentityHashMap<>();
        Map<AbstractNode, Dep> because = new IdentityHashMap<>();
        AbstractNode start = null;
        for (AbstractNode b : reached) {
            if (done.contains(b)) {
                continue;
            }
            start = start == null ? b : start;
            for (Dep dep : deps.get(b)) {
                if (!done.contains(dep.on()) && !neededBy.containsKey(dep.on())) {
                    neededBy.put(dep.on(), b);
                    because.put(dep.on(), dep);
                }
            }
        }
        List<AbstractNode> path = new ArrayList<>();
        Map<AbstractNode, Integer> at = new IdentityHashMap<>();
        AbstractNode cur = start;
        while (!at.containsKey(cur)) {
            at.put(cur, path.size());
            path.add(cur);
            cur = neededBy.get(cur);
        }
        List<AbstractNode> loop = path.subList(at.get(cur), path.size());
        StringBuilder sb = new StringBuilder("GraphINN: the graph is cyclic " + (reverse ? "in reverse" : "forward")
                + ": ");
        for (int i = loop.size() - 1; i >= 0; i--) {
            AbstractNode needed = loop.get(i);
            sb.append(neededBy.get(needed).describe()).append(" needs ").append(needed.describe()).append(" first (")
                    .append(because.get(needed).why()).append(i == 0 ? ")." : "); ");
        }
        if (reverse) {
            sb.append(" A node conditioned on a value that is recovered only after it in reverse cannot be inverted.");
        }
        return new IllegalArgumentException(sb.toString());
    }

    private List<Step> steps(List<AbstractNode> order, boolean reverse) {
        List<Step> steps = new ArrayList<>();
        for (AbstractNode n : order) {
            List<Port> reads = new ArrayList<>();
            List<Port> conds = new ArrayList<>();
            List<Port> writes = new ArrayList<>();
            boolean given = n instanceof ConditionNode || (reverse ? n instanceof OutputNode : n instanceof InputNode);
            if (!given) {
                if (n instanceof OutputNode || n instanceof InputNode) {
                    // the graph's result: the value fed to the output node, or given back to the input node
                    reads.add(reverse ? n.consumer(0) : portOf(n.inputs().get(0)));
                } else if (n instanceof Node) {
                    if (reverse) {
                        for (int k = 0; k < n.outputDims().size(); k++) {
                            reads.add(n.consumer(k));
                        }
                    } else {
                        for (NodeOutput in : n.inputs()) {
                            reads.add(portOf(in));
                        }
                    }
                }
                for (NodeOutput c : n.conditions()) {
                    conds.add(reverse ? reverseSource(c) : portOf(c));
                }
            }
            int produced = n instanceof Node && reverse ? n.inputs().size() : Math.max(1, n.outputDims().size());
            for (int k = 0; k < produced; k++) {
                writes.add(new Port(n, k));
            }
            steps.add(new Step(n, List.copyOf(reads), List.copyOf(conds), List.copyOf(writes), new ArrayList<>()));
        }
        // A value can go once its last reader has run (the results are written by the end nodes, never read).
        Map<Port, Integer> lastUse = new HashMap<>();
        for (int s = 0; s < steps.size(); s++) {
            for (Port p : steps.get(s).reads()) {
                lastUse.put(p, s);
            }
            for (Port p : steps.get(s).conditionReads()) {
                lastUse.put(p, s);
            }
        }
        for (Map.Entry<Port, Integer> e : lastUse.entrySet()) {
            steps.get(e.getValue()).release().add(e.getKey());
        }
        List<Step> frozen = new ArrayList<>();
        for (Step s : steps) {
            frozen.add(new Step(s.node(), s.reads(), s.conditionReads(), s.writes(), List.copyOf(s.release())));
        }
        return List.copyOf(frozen);
    }

    private static Port portOf(NodeOutput o) {
        return new Port(o.node(), o.index());
    }
}
