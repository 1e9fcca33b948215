package dev.jinn.flow;

import static dev.jinn.flow.GraphFixtures.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.flow.GraphTestModules.Misbehaving;
import dev.jinn.flow.GraphTestModules.TestConcat;
import dev.jinn.flow.GraphTestModules.TestCoupling;
import dev.jinn.flow.GraphTestModules.TestSplit;
import dev.jinn.flow.testing.ScaleShift;
import dev.jinn.nn.Identity;
import dev.jinn.nn.Linear;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way a graph can be wrong, at construction and at call time, fails with a message naming the node. */
class GraphINNErrorsTest {
    private static final ModuleSpec SCALE = (in, c) -> new ScaleShift(in, c, false);

    @Test
    void aLooseEndIsNamed() {
        var x = new InputNode(4).named("x");
        var split = new Node(x, TestSplit.of(1, 3)).named("split");
        var z = new OutputNode(split.out(0)).named("z");
        assertThatThrownBy(() -> new GraphINN(List.of(x, split, z)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GraphINN: output 1 of node 'split' (TestSplit), shape (3,), is not consumed by any"
                        + " node: a loose end");
        var unused = new InputNode(2).named("unused");
        var y = new InputNode(2).named("y");
        var s = new Node(y, SCALE).named("s");
        var out = new OutputNode(s).named("out");
        assertThatThrownBy(() -> new GraphINN(List.of(unused, y, s, out)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GraphINN: output 0 of InputNode 'unused', shape (2,), is not consumed");
    }

    @Test
    void everyConnectedNodeMustBeInTheList() {
        var x = new InputNode(2).named("x");
        var a = new Node(x, SCALE).named("a");
        var z = new OutputNode(a).named("z");
        assertThatThrownBy(() -> new GraphINN(List.of(a, z)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GraphINN: node 'a' (ScaleShift) takes input 0 from output 0 of InputNode 'x', but"
                        + " InputNode 'x' is not in the node list");
        assertThatThrownBy(() -> new GraphINN(List.of(x, a)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GraphINN: output 0 of node 'a' is consumed by OutputNode 'z' (input 0), but"
                        + " OutputNode 'z' is not in the node list");
        var y = new InputNode(2).named("y");
        var c = new ConditionNode(3).named("c");
        var b = new Node(y, SCALE, c).named("b");
        var w = new OutputNode(b).named("w");
        assertThatThrownBy(() -> new GraphINN(List.of(y, b, w)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GraphINN: node 'b' (ScaleShift) is conditioned on output 0 of ConditionNode 'c'"
                        + " (condition 0), but ConditionNode 'c' is not in the node list");
    }

    @Test
    void duplicatesEmptyListsAndMissingEndsAreRejected() {
        var x = new InputNode(2).named("x");
        var a = new Node(x, SCALE).named("a");
        var z = new OutputNode(a).named("z");
        assertThatThrownBy(() -> new GraphINN(List.of(x, a, a, z)))
                .hasMessageContaining("GraphINN: node 'a' (ScaleShift) appears twice in the node list (at 1 and 2)");
        a.named("x");
        assertThatThrownBy(() -> new GraphINN(List.of(x, a, z)))
                .hasMessageContaining("GraphINN: InputNode 'x' and node 'x' (ScaleShift) have the same name");
        a.named("a");
        assertThatThrownBy(() -> new GraphINN(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GraphINN: the node list is empty");
        List<AbstractNode> withNull = new ArrayList<>(List.of(x, a, z));
        withNull.add(1, null);
        assertThatThrownBy(() -> new GraphINN(withNull)).hasMessageContaining("GraphINN: node 1 of the node list is null");
        var c = new ConditionNode(2).named("c");
        var f = new FeedForwardNode(c, Shape.of(2), new Linear(2, 2)).named("f");
        assertThatThrownBy(() -> new GraphINN(List.of(c, f)))
                .hasMessageContaining("GraphINN: the node list has no InputNode");
    }

    @Test
    void anUnusedFeedForwardNodeIsAnError() {
        var x = new InputNode(2).named("x");
        var c = new ConditionNode(2).named("c");
        var f = new FeedForwardNode(c, Shape.of(2), new Linear(2, 2)).named("f");
        var a = new Node(x, SCALE).named("a");
        var z = new OutputNode(a).named("z");
        assertThatThrownBy(() -> new GraphINN(List.of(x, c, f, a, z)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GraphINN: FeedForwardNode 'f' (Linear) is not used");
    }

    @Test
    void aFeedForwardConditionOnTheInputOfItsOwnUserIsACycle() {
        // FrEIA's test_cyclic_graph: in reverse, 'core' is needed to recover x, which 'core_cond' needs first.
        var x = new InputNode(4).named("input");
        var ff = new FeedForwardNode(x, Shape.of(4), new Identity()).named("core_cond");
        var coupled = new Node(x, TestCoupling.seeded(1), ff).named("coupled");
        var z = new OutputNode(coupled).named("out");
        assertThatThrownBy(() -> new GraphINN(List.of(x, ff, coupled, z)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GraphINN: the graph is cyclic in reverse")
                .hasMessageContaining("node 'coupled' (TestCoupling) needs FeedForwardNode 'core_cond' (Identity) first"
                        + " (condition 0 is output 0 of FeedForwardNode 'core_cond')")
                .hasMessageContaining("FeedForwardNode 'core_cond' (Identity) needs node 'coupled' (TestCoupling) first"
                        + " (condition 0, output 0 of InputNode 'input', is recovered in reverse by node 'coupled'")
                .hasMessageContaining("cannot be inverted");
    }

    @Test
    void conditioningOnAValueRecoveredOnlyLaterInReverseIsACycle() {
        var x = new InputNode(4).named("x");
        var first = new Node(x, TestCoupling.seeded(1)).named("first");
        var second = new Node(first, TestCoupling.seeded(2), x).named("second");
        var z = new OutputNode(second).named("z");
        assertThatThrownBy(() -> new GraphINN(List.of(x, first, second, z)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cyclic in reverse")
                .hasMessageContaining("node 'second' (TestCoupling) needs node 'first' (TestCoupling) first (condition 0,"
                        + " output 0 of InputNode 'x', is recovered in reverse by node 'first' (TestCoupling))")
                .hasMessageContaining("node 'first' (TestCoupling) needs node 'second' (TestCoupling) first (in reverse,"
                        + " its output 0 comes back from node 'second' (TestCoupling))");
        // conditioned on its own input: a node cannot recover what it needs to run
        var y = new InputNode(4).named("y");
        var self = new Node(y, TestCoupling.seeded(3), y).named("self");
        var w = new OutputNode(self).named("w");
        assertThatThrownBy(() -> new GraphINN(List.of(y, self, w)))
                .hasMessageContaining("node 'self' (TestCoupling) needs node 'self' (TestCoupling) first");
        // The same condition is fine when the conditioned node runs after the one recovering it in reverse.
        var u = new InputNode(4).named("u");
        var split = new Node(u, TestSplit.of(2, 2)).named("split");
        var p = new Node(split.out(0), TestCoupling.seeded(4)).named("p");
        var q = new Node(split.out(1), TestCoupling.seeded(5), p).named("q");
        var join = new Node(List.of(p, q), TestConcat.spec()).named("join");
        var out = new OutputNode(join).named("out");
        GraphINN ok = new GraphINN(List.of(u, split, p, q, join, out));
        ok.to(DType.FLOAT64);
        Tensor u0 = Tensors.randn(new Rng(1), DType.FLOAT64, 3, 4);
        assertThat(GraphFixtures.maxAbsDiff(ok.inverse(ok.forward(List.of(u0)).outputs()).output(), u0))
                .isLessThan(1e-12);
    }

    @Test
    void wrongCountsShapesBatchesAndDtypesAtCallTime() {
        GraphINN g = GraphFixtures.rich();
        Rng rng = new Rng(1);
        List<Tensor> x = randn(rng, DType.FLOAT32, 5, g.dimsIn());
        List<Tensor> c = randn(rng, DType.FLOAT32, 5, g.dimsC());
        assertThatThrownBy(() -> g.forward(x.subList(0, 1), c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphINN: got 1 input, but expected 2: InputNode 'x1' (4,), InputNode 'x2' (3,)");
        assertThatThrownBy(() -> g.forward(x, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphINN: got 0 conditions, but expected 1: ConditionNode 'c' (2,)");
        assertThatThrownBy(() -> g.inverse(List.of(x.get(0)), c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphINN: got 1 output, but expected 2: OutputNode 'z1' (4,), OutputNode 'z2' (3,)");
        assertThatThrownBy(() -> g.forward(List.of(x.get(1), x.get(0)), c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphINN: input 0 (InputNode 'x1') has shape [5, 3], expected [B, 4]");
        assertThatThrownBy(() -> g.forward(x, List.of(Tensors.zeros(5, 2, 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphINN: condition 0 (ConditionNode 'c') has shape [5, 2, 1], expected [B, 2]");
        assertThatThrownBy(() -> g.forward(List.of(x.get(0), Tensors.zeros(4, 3)), c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphINN: input 1 (InputNode 'x2') has batch size 4, but input 0 has 5");
        assertThatThrownBy(() -> g.forward(List.of(x.get(0), x.get(1).to(DType.FLOAT64)), c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphINN: input 1 (InputNode 'x2') has dtype float64, expected float32 like input 0");
        assertThatThrownBy(() -> g.forward(x, List.of(c.get(0).to(DType.INT64))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphINN: condition 0 (ConditionNode 'c') has dtype int64, expected float32 like input 0");
        assertThatThrownBy(() -> g.forward((List<Tensor>) null, c))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("GraphINN: the input list is null");
        // Through the InvertibleModule contract, the checks are ModuleCall's, naming the graph.
        assertThatThrownBy(() -> ModuleCall.run(g, g.describe(), x.subList(0, 1), c, false, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GraphINN[(4,), (3,)]: got 1 input, but expected 2");
    }

    @Test
    void aFailingModuleIsReportedWithItsNode() {
        var x = new InputNode(2).named("x");
        var bad = new Node(x, (in, c) -> new Misbehaving(in, c, false)).named("coupling 3");
        var z = new OutputNode(bad).named("z");
        GraphINN g = new GraphINN(List.of(x, bad, z));
        assertThatThrownBy(() -> g.forward(List.of(Tensors.zeros(3, 2))))
                .isInstanceOf(FlowException.class)
                .hasMessage("node 'coupling 3' (Misbehaving) encountered an error: boom")
                .hasCauseInstanceOf(IllegalStateException.class);

        var y = new InputNode(2).named("y");
        var wide = new Node(y, (in, c) -> new Misbehaving(in, c, true)).named("wide");
        var w = new OutputNode(wide).named("w");
        GraphINN h = new GraphINN(List.of(y, wide, w));
        assertThatThrownBy(() -> h.inverse(List.of(Tensors.zeros(3, 2))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("node 'wide' (Misbehaving) returned reverse result 0 of shape [3, 4], expected [3, 2]");
    }

    @Test
    void aFeedForwardLayerReturningTheWrongShapeIsReported() {
        var x = new InputNode(2).named("x");
        var c = new ConditionNode(3).named("c");
        var f = new FeedForwardNode(c, Shape.of(4), new Linear(3, 5)).named("features");
        var a = new Node(x, SCALE, f).named("a");
        var z = new OutputNode(a).named("z");
        GraphINN g = new GraphINN(List.of(x, c, f, a, z));
        assertThatThrownBy(() -> g.forward(List.of(Tensors.zeros(6, 2)), List.of(Tensors.zeros(6, 3))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("FeedForwardNode 'features' (Linear) returned a value of shape [6, 5], but the node declares"
                        + " [6, 4]");
    }

    @Test
    void lookupsOfUnknownNamesAndModulelessNodes() {
        GraphINN g = GraphFixtures.rich();
        assertThatThrownBy(() -> g.node("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphINN: no node named 'nope'; the nodes are [x1, x2, c, features, split, a, b, m, join,"
                        + " z1, z2]");
        assertThatThrownBy(() -> g.module("x1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphINN: InputNode 'x1' has no module");
        GraphResult r = g.forward(randn(new Rng(1), DType.FLOAT32, 2, g.dimsIn()),
                randn(new Rng(2), DType.FLOAT32, 2, g.dimsC()));
        assertThatThrownBy(() -> r.intermediate("a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nothing was kept; run the graph with keepIntermediates = true");
        assertThatThrownBy(() -> r.output())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the graph returned 2 results");
    }

    @Test
    void numericalLogJacobianRejectsBadSteps() {
        GraphINN g = GraphFixtures.rich();
        List<Tensor> x = randn(new Rng(1), DType.FLOAT32, 2, g.dimsIn());
        List<Tensor> c = randn(new Rng(2), DType.FLOAT32, 2, g.dimsC());
        assertThatThrownBy(() -> g.logJacobianNumerical(x, c, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the step h must be > 0, got 0.0");
    }
}
