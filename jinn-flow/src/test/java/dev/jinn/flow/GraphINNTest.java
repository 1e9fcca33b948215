package dev.jinn.flow;

import static dev.jinn.flow.GraphFixtures.maxAbsDiff;
import static dev.jinn.flow.GraphFixtures.names;
import static dev.jinn.flow.GraphFixtures.randn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.flow.GraphTestModules.TestCoupling;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.flow.testing.ScaleShift;
import dev.jinn.nn.Linear;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a GraphINN computes: orders, shapes, round trips, log-dets, conditions, intermediates, state dicts. */
class GraphINNTest {
    private static final int B = 5;

    private static GraphINN rich64() {
        GraphINN g = GraphFixtures.rich();
        g.to(DType.FLOAT64);
        return g;
    }

    @Test
    void shapesComeFromTheNodesInNodeListOrder() {
        GraphINN g = GraphFixtures.rich();
        assertThat(g.dimsIn()).containsExactly(Shape.of(4), Shape.of(3));
        assertThat(g.dimsC()).containsExactly(Shape.of(2));
        assertThat(g.dimsOut()).containsExactly(Shape.of(4), Shape.of(3));
        assertThat(names(g.inputNodes())).containsExactly("x1", "x2");
        assertThat(names(g.outputNodes())).containsExactly("z1", "z2");
        assertThat(g.node("join").inputDims()).containsExactly(Shape.of(2), Shape.of(2));
        assertThat(g.node("join").outputDims()).containsExactly(Shape.of(4));
    }

    @Test
    void inputAndOutputOrderFollowTheNodeList() {
        // The same wiring listed with x2 before x1 and z2 before z1 swaps the order of the tensors.
        List<AbstractNode> nodes = new ArrayList<>(GraphFixtures.richNodes());
        Collections.swap(nodes, 0, 1);
        Collections.swap(nodes, 9, 10);
        GraphINN swapped = new GraphINN(nodes);
        swapped.to(DType.FLOAT64);
        GraphINN g = rich64(); // same seeded modules, so the same parameters
        assertThat(swapped.dimsIn()).containsExactly(Shape.of(3), Shape.of(4));
        assertThat(swapped.dimsOut()).containsExactly(Shape.of(3), Shape.of(4));

        Rng rng = new Rng(1);
        List<Tensor> x = randn(rng, DType.FLOAT64, B, g.dimsIn());
        List<Tensor> c = randn(rng, DType.FLOAT64, B, g.dimsC());
        GraphResult r = g.forward(x, c);
        GraphResult s = swapped.forward(List.of(x.get(1), x.get(0)), c);
        assertThat(maxAbsDiff(s.output(0), r.output(1))).isEqualTo(0.0);
        assertThat(maxAbsDiff(s.output(1), r.output(0))).isEqualTo(0.0);
        assertThat(maxAbsDiff(s.logDet(), r.logDet())).isEqualTo(0.0);
    }

    @Test
    void executionOrdersAreFixedTopologicalOrders() {
        GraphINN g = GraphFixtures.rich();
        // Kahn's algorithm backwards from the ends, as documented on GraphPlan (worked out by hand).
        assertThat(names(g.forwardOrder()))
                .containsExactly("x1", "split", "c", "a", "features", "b", "x2", "join", "m", "z1", "z2");
        assertThat(names(g.reverseOrder()))
                .containsExactly("z1", "c", "join", "features", "a", "b", "z2", "split", "m", "x1", "x2");
        // The order of the inner nodes in the list does not matter.
        List<AbstractNode> shuffled = new ArrayList<>(GraphFixtures.richNodes());
        List<AbstractNode> inner = new ArrayList<>(shuffled.subList(3, 9));
        Collections.shuffle(inner, new java.util.Random(3));
        for (int i = 0; i < inner.size(); i++) {
            shuffled.set(3 + i, inner.get(i));
        }
        GraphINN h = new GraphINN(shuffled);
        assertThat(names(h.forwardOrder())).isEqualTo(names(GraphFixtures.rich().forwardOrder()));
        assertThat(names(h.reverseOrder())).isEqualTo(names(GraphFixtures.rich().reverseOrder()));
    }

    @Test
    void everyNodeRunsAfterWhatItReadsInBothDirections() {
        GraphINN g = GraphFixtures.rich();
        List<AbstractNode> fwd = g.forwardOrder();
        for (AbstractNode n : fwd) {
            for (NodeOutput in : n.inputs()) {
                assertThat(fwd.indexOf(in.node())).as(n.name() + " after its input").isLessThan(fwd.indexOf(n));
            }
            for (NodeOutput c : n.conditions()) {
                assertThat(fwd.indexOf(c.node())).as(n.name() + " after its condition").isLessThan(fwd.indexOf(n));
            }
        }
        List<AbstractNode> rev = g.reverseOrder();
        // m is conditioned on x1, which only split recovers in reverse; b on a's output, which join recovers.
        assertThat(rev.indexOf(g.node("split"))).isLessThan(rev.indexOf(g.node("m")));
        assertThat(rev.indexOf(g.node("join"))).isLessThan(rev.indexOf(g.node("b")));
        assertThat(rev.indexOf(g.node("features"))).isLessThan(rev.indexOf(g.node("b")));
    }

    @Test
    void passesTheConformanceHarness() {
        FlowConformance.of("rich graph", GraphFixtures.richSpec(), List.of(Shape.of(4), Shape.of(3)),
                List.of(Shape.of(2))).run();
        FlowConformance.of("image graph", GraphFixtures.imageSpec(), List.of(Shape.of(3, 4, 4)),
                List.of(Shape.of(1, 4, 4), Shape.of(5))).withoutGradientCheck().run();
    }

    @Test
    void roundTripAndLogDetsWithConditionsOfEveryKind() {
        GraphINN g = rich64();
        Rng rng = new Rng(2);
        List<Tensor> x = randn(rng, DType.FLOAT64, B, g.dimsIn());
        List<Tensor> c = randn(rng, DType.FLOAT64, B, g.dimsC());
        GraphResult fwd = g.forward(x, c);
        GraphResult rev = g.inverse(fwd.outputs(), c);
        assertThat(maxAbsDiff(rev.outputs(), x)).isLessThan(1e-12);
        assertThat(maxAbsDiff(rev.logDet(), fwd.logDet().neg())).isLessThan(1e-12);
        Tensor exact = FlowConformance.bruteForceLogDet(g, x, c);
        assertThat(maxAbsDiff(fwd.logDet(), exact)).isLessThan(1e-10);
        assertThat(maxAbs(fwd.logDet())).as("a non-trivial log-det").isGreaterThan(0.1);
    }

    @Test
    void eachKindOfConditionIsUsedAndRecoveredInReverse() {
        GraphINN g = rich64();
        Rng rng = new Rng(3);
        List<Tensor> x = randn(rng, DType.FLOAT64, B, g.dimsIn());
        List<Tensor> c = randn(rng, DType.FLOAT64, B, g.dimsC());
        GraphResult fwd = g.forward(x, c);
        // The condition node (via a and via features -> b) changes z1; x1 (recovered by split) changes z2.
        GraphResult otherC = g.forward(x, List.of(c.get(0).add(0.5)));
        assertThat(maxAbsDiff(otherC.output(0), fwd.output(0))).isGreaterThan(1e-3);
        assertThat(maxAbsDiff(otherC.output(1), fwd.output(1))).isEqualTo(0.0);
        GraphResult otherX1 = g.forward(List.of(x.get(0).add(0.5), x.get(1)), c);
        assertThat(maxAbsDiff(otherX1.output(1), fwd.output(1))).isGreaterThan(1e-3);
        // Each node's conditions in reverse are the values it saw forward.
        GraphResult fwdAll = g.run(x, c, false, true, true);
        GraphResult revAll = g.run(fwd.outputs(), c, true, true, true);
        assertThat(maxAbsDiff(revAll.intermediate("features"), fwdAll.intermediate("features"))).isEqualTo(0.0);
        assertThat(maxAbsDiff(revAll.intermediate("a"), List.of(fwdAll.intermediate("split").get(0))))
                .isLessThan(1e-12);
        // join recovers a's output in reverse, which b then reads as its condition
        assertThat(maxAbsDiff(revAll.intermediate("join"),
                List.of(fwdAll.intermediate("a").get(0), fwdAll.intermediate("b").get(0)))).isLessThan(1e-12);
        assertThat(maxAbsDiff(revAll.output(0), x.get(0))).isLessThan(1e-12);
    }

    @Test
    void feedForwardConditionsGetGradients() {
        GraphINN g = rich64();
        Rng rng = new Rng(4);
        List<Tensor> x = randn(rng, DType.FLOAT64, B, g.dimsIn());
        List<Tensor> c = randn(rng, DType.FLOAT64, B, g.dimsC());
        GraphResult r = g.forward(x, c);
        r.output(0).square().sum().add(r.logDet().sum()).backward();
        Tensor w = ((Linear) g.module("features")).parameter("weight");
        assertThat(w.grad()).isNotNull();
        assertThat(maxAbs(w.grad())).isGreaterThan(0.0);
    }

    @Test
    void numericalLogJacobianAgreesInBothDirections() {
        GraphINN g = rich64();
        Rng rng = new Rng(5);
        List<Tensor> x = randn(rng, DType.FLOAT64, 3, g.dimsIn());
        List<Tensor> c = randn(rng, DType.FLOAT64, 3, g.dimsC());
        GraphResult fwd = g.forward(x, c);
        Tensor numeric = g.logJacobianNumerical(x, c, false, 1e-5);
        assertThat(numeric.shape()).containsExactly(3);
        assertThat(maxAbsDiff(numeric, fwd.logDet())).isLessThan(1e-7);
        Tensor numericRev = g.logJacobianNumerical(fwd.outputs(), c, true, 1e-5);
        assertThat(maxAbsDiff(numericRev, fwd.logDet().neg())).isLessThan(1e-7);
    }

    @Test
    void intermediatesHoldEveryNodesValuesInExecutionOrder() {
        GraphINN g = rich64();
        Rng rng = new Rng(6);
        List<Tensor> x = randn(rng, DType.FLOAT64, B, g.dimsIn());
        List<Tensor> c = randn(rng, DType.FLOAT64, B, g.dimsC());
        GraphResult all = g.run(x, c, false, true, true);
        GraphResult plain = g.forward(x, c);
        assertThat(maxAbsDiff(all.outputs(), plain.outputs())).isEqualTo(0.0);
        assertThat(names(new ArrayList<>(all.intermediates().keySet()))).isEqualTo(names(g.forwardOrder()));
        assertThat(plain.intermediates()).isEmpty();

        // a's value is its module applied to split's output 0 under c.
        InvertibleModule a = (InvertibleModule) g.module("a");
        FlowResult direct = a.forward(all.intermediate("split").get(0), c);
        assertThat(maxAbsDiff(all.intermediate("a").get(0), direct.output())).isEqualTo(0.0);
        assertThat(maxAbsDiff(all.nodeLogDet("a"), direct.logDet())).isEqualTo(0.0);
        assertThat(all.intermediate("split")).hasSize(2);
        assertThat(maxAbsDiff(all.intermediate("x1").get(0), x.get(0))).isEqualTo(0.0);
        assertThat(maxAbsDiff(all.intermediate("z2").get(0), plain.output(1))).isEqualTo(0.0);

        // Per-node log-dets: one per invertible module, summing to the total.
        assertThat(names(new ArrayList<>(all.nodeLogDets().keySet()))).containsExactly("split", "a", "b", "join", "m");
        Tensor sum = Tensors.zeros(DType.FLOAT64, B);
        for (Tensor ld : all.nodeLogDets().values()) {
            sum = sum.add(ld);
        }
        assertThat(maxAbsDiff(sum, all.logDet())).isLessThan(1e-12);

        // Reverse: nodes give their recovered inputs.
        GraphResult back = g.run(plain.outputs(), c, true, true, true);
        assertThat(names(new ArrayList<>(back.intermediates().keySet()))).isEqualTo(names(g.reverseOrder()));
        assertThat(maxAbsDiff(back.intermediate("split"), List.of(x.get(0)))).isLessThan(1e-12);
        assertThat(maxAbsDiff(back.intermediate("m"), List.of(x.get(1)))).isLessThan(1e-12);
    }

    @Test
    void withoutLogDetTheLogDetIsZero() {
        GraphINN g = rich64();
        Rng rng = new Rng(7);
        List<Tensor> x = randn(rng, DType.FLOAT64, B, g.dimsIn());
        List<Tensor> c = randn(rng, DType.FLOAT64, B, g.dimsC());
        GraphResult r = g.run(x, c, false, false, true);
        assertThat(r.logDet().shape()).containsExactly(B);
        assertThat(maxAbs(r.logDet())).isEqualTo(0.0);
        assertThat(r.nodeLogDets()).isEmpty();
        assertThat(maxAbsDiff(r.outputs(), g.forward(x, c).outputs())).isEqualTo(0.0);
    }

    @Test
    void stateDictKeysFollowTheForwardOrderOfNodesWithModules() {
        GraphINN g = GraphFixtures.rich();
        // forward order: split(0) a(1) features(2) b(3) join(4) m(5); split and join have no parameters
        assertThat(g.stateDict().keySet()).containsExactly(
                "module_list.1.w", "module_list.1.u", "module_list.1.b", "module_list.1.v",
                "module_list.2.weight", "module_list.2.bias",
                "module_list.3.w", "module_list.3.u", "module_list.3.b", "module_list.3.v",
                "module_list.5.w", "module_list.5.u", "module_list.5.b", "module_list.5.v");
        Map<String, Tensor> state = g.stateDict();
        assertThat(state.get("module_list.2.weight")).isSameAs(((Linear) g.module("features")).parameter("weight"));
        assertThat(state.get("module_list.5.w")).isSameAs(g.module("m").parameter("w"));
    }

    @Test
    void lookupByName() {
        GraphINN g = GraphFixtures.rich();
        assertThat(g.node("b")).isInstanceOf(Node.class);
        assertThat(g.node("b").conditions()).extracting(o -> o.node().name()).containsExactly("a", "features");
        assertThat(g.module("b")).isInstanceOf(TestCoupling.class).isSameAs(((Node) g.node("b")).module());
        assertThat(g.module("features")).isInstanceOf(Linear.class);
    }

    @Test
    void aConditionNodeNobodyReadsIsStillAGraphCondition() {
        var x = new InputNode(2).named("x");
        var unused = new ConditionNode(7).named("unused");
        var s = new Node(x, (i, c) -> new ScaleShift(i, c, false)).named("s");
        var z = new OutputNode(s).named("z");
        GraphINN g = new GraphINN(List.of(x, unused, s, z));
        assertThat(g.dimsC()).containsExactly(Shape.of(7));
        assertThat(names(g.forwardOrder())).containsExactly("unused", "x", "s", "z");
        Tensor x0 = Tensors.randn(new Rng(1), 3, 2);
        GraphResult r = g.forward(List.of(x0), List.of(Tensors.zeros(3, 7)));
        assertThat(maxAbsDiff(g.inverse(r.outputs(), List.of(Tensors.zeros(3, 7))).output(), x0)).isLessThan(1e-6);
    }

    @Test
    void anInputCanGoStraightToAnOutput() {
        var x = new InputNode(3, 2).named("x");
        var z = new OutputNode(x).named("z");
        GraphINN g = new GraphINN(List.of(x, z));
        Tensor x0 = Tensors.randn(new Rng(1), 4, 3, 2);
        GraphResult r = g.forward(List.of(x0));
        assertThat(r.output()).isSameAs(x0);
        assertThat(maxAbs(r.logDet())).isEqualTo(0.0);
        assertThat(g.inverse(List.of(x0)).output()).isSameAs(x0);
        assertThat(g.stateDict()).isEmpty();
    }

    @Test
    void aGraphIsAModuleForNodesAndSequences() {
        // FrEIA: "a module instance inside a Node works"; a graph is an instance like any other.
        GraphINN inner = new GraphINN(chain("inner", 4));
        Tensor probe = Tensors.randn(new Rng(3), 2, 4);
        assertThat(maxAbsDiff(inner.forward(probe).output(), inner.forward(List.of(probe)).output())).isEqualTo(0.0);
        var x = new InputNode(4).named("x");
        var n = new Node(x, inner).named("nested");
        var after = new Node(n, TestCoupling.seeded(9)).named("after");
        var z = new OutputNode(after).named("z");
        GraphINN outer = new GraphINN(List.of(x, n, after, z));
        outer.to(DType.FLOAT64);
        assertThat(outer.stateDict()).containsKey("module_list.0.module_list.0.w");

        SequenceINN seq = new SequenceINN(4).append(outer).append(TestCoupling.seeded(10));
        seq.to(DType.FLOAT64);
        Tensor x0 = Tensors.randn(new Rng(2), DType.FLOAT64, B, 4);
        FlowResult fwd = seq.forward(x0);
        FlowResult rev = seq.inverse(fwd.output());
        assertThat(maxAbsDiff(rev.output(), x0)).isLessThan(1e-12);
        assertThat(maxAbsDiff(fwd.logDet(), FlowConformance.bruteForceLogDet(seq, List.of(x0), List.of())))
                .isLessThan(1e-10);
    }

    /** x -> TestCoupling -> z, one input and output. */
    static List<AbstractNode> chain(String prefix, int dim) {
        var x = new InputNode(dim).named(prefix + " x");
        var n = new Node(x, TestCoupling.seeded(8)).named(prefix + " coupling");
        var z = new OutputNode(n).named(prefix + " z");
        return List.of(x, n, z);
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.to(DType.FLOAT64).toDoubleArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
