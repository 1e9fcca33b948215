package dev.jinn.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.flow.GraphTestModules.TestConcat;
import dev.jinn.flow.GraphTestModules.TestSplit;
import dev.jinn.flow.testing.ScaleShift;
import dev.jinn.nn.Linear;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Building nodes: eager shape inference, consumption, names, and every construction error. */
class GraphNodeTest {
    private static final ModuleSpec SCALE = (in, c) -> new ScaleShift(in, c, false);

    @Test
    void theSpecIsBuiltWithTheInferredInputAndConditionShapes() {
        List<List<Shape>> seen = new ArrayList<>();
        ModuleSpec recording = (in, c) -> {
            seen.add(in);
            seen.add(c);
            return new TestConcat(in, c);
        };
        var x = new InputNode(6, 2);
        var c1 = new ConditionNode(3);
        var split = new Node(x, TestSplit.of(2, 4));
        var f = new FeedForwardNode(c1, Shape.of(5), new Linear(3, 5));
        var join = new Node(List.of(split.out(1), split.out(0)), recording, List.of(f, c1, x));
        assertThat(seen).containsExactly(List.of(Shape.of(4, 2), Shape.of(2, 2)),
                List.of(Shape.of(5), Shape.of(3), Shape.of(6, 2)));
        assertThat(split.outputDims()).containsExactly(Shape.of(2, 2), Shape.of(4, 2));
        assertThat(split.out(1).shape()).isEqualTo(Shape.of(4, 2));
        assertThat(join.outputDims()).containsExactly(Shape.of(6, 2));
        assertThat(join.inputDims()).containsExactly(Shape.of(4, 2), Shape.of(2, 2));
        assertThat(join.conditionDims()).containsExactly(Shape.of(5), Shape.of(3), Shape.of(6, 2));
        assertThat(join.inputs()).containsExactly(split.out(1), split.out(0));
        assertThat(join.conditions()).containsExactly(f.out(0), c1.out(0), x.out(0));
        assertThat(f.outputDims()).containsExactly(Shape.of(5));
        assertThat(x.outputDims()).containsExactly(Shape.of(6, 2));
        assertThat(new OutputNode(join).inputDims()).containsExactly(Shape.of(6, 2));
    }

    @Test
    void aModuleInstanceIsAcceptedWhenBuiltForTheInferredShapes() {
        var x = new InputNode(3);
        var m = new ScaleShift(List.of(Shape.of(3)), List.of(), false);
        var n = new Node(x, m);
        assertThat(n.module()).isSameAs(m);

        var y = new InputNode(4).named("y");
        assertThatThrownBy(() -> new Node(y, m))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("new Node on [output 0 of InputNode 'y' (4,)]")
                .hasMessageContaining("ScaleShift[(3,)] was built for inputs [(3,)] but is connected to inputs [(4,)]");
        var c = new ConditionNode(2).named("c");
        var z = new InputNode(3);
        assertThatThrownBy(() -> new Node(z, new ScaleShift(List.of(Shape.of(3)), List.of(), false), c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("with conditions [(2,)]")
                .hasMessageContaining("built for conditions [] but is connected to conditions [(2,)]");
        // the failed nodes consumed nothing
        assertThat(new Node(y, SCALE).inputDims()).containsExactly(Shape.of(4));
    }

    @Test
    void aSpecThatBuildsTheWrongModuleIsRejected() {
        var x = new InputNode(3).named("x");
        ModuleSpec wrong = (in, c) -> new ScaleShift(List.of(Shape.of(5)), c, false);
        assertThatThrownBy(() -> new Node(x, wrong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ScaleShift[(5,)] was built for inputs [(5,)] and conditions []")
                .hasMessageContaining("the node connects inputs [(3,)]");
        assertThatThrownBy(() -> new Node(x, (in, c) -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the module spec built null");
        assertThatThrownBy(() -> new Node(x, (ModuleSpec) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the module spec is null");
        assertThatThrownBy(() -> new Node(x, TestSplit.of(1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("new Node on [output 0 of InputNode 'x' (3,)]: TestSplit: sections do not add up");
    }

    @Test
    void namesAreShortUniqueIdsUntilNamed() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            var x = new InputNode(2);
            var n = new Node(x, SCALE);
            names.add(x.name());
            names.add(n.name());
            assertThat(x.name()).startsWith("input").hasSizeLessThan(16);
            assertThat(n.name()).startsWith("node").hasSizeLessThan(16);
        }
        assertThat(names).hasSize(40);
        Node n = new Node(new InputNode(2), SCALE).named("scale 1");
        assertThat(n.name()).isEqualTo("scale 1");
        assertThat(n.describe()).isEqualTo("node 'scale 1' (ScaleShift)");
        assertThat(n.toString()).isEqualTo("Node 'scale 1': [(2,)] -> ScaleShift -> [(2,)]");
        assertThat(new ConditionNode(3).named("c").describe()).isEqualTo("ConditionNode 'c'");
        assertThatThrownBy(() -> n.named(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node 'scale 1' (ScaleShift): a node name must not be null or blank");
    }

    @Test
    void conditionsDoNotConsume() {
        var x = new InputNode(4).named("x");
        var a = new Node(x, SCALE, x).named("a");
        var b = new Node(a, SCALE, List.of(x, a)).named("b");
        var c = new Node(b, SCALE, List.of(a, a.out(0), x)).named("c");
        assertThat(c.conditionDims()).hasSize(3);
    }

    @Test
    void anOutputHasExactlyOneConsumer() {
        var x = new InputNode(4).named("x");
        new Node(x, SCALE).named("first");
        assertThatThrownBy(() -> new Node(x, SCALE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 0 (output 0 of InputNode 'x') is already consumed by node 'first' (input 0)")
                .hasMessageContaining("use a split module to fan out");
        var y = new InputNode(2).named("y");
        assertThatThrownBy(() -> new Node(List.of(y, y.out(0)), TestConcat.spec()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 1 (output 0 of InputNode 'y') is given twice (also as input 0)");
        // the failed node consumed nothing
        new Node(y, SCALE);
    }

    @Test
    void conditionOnlyAndTerminalNodesCannotBeConsumed() {
        var c = new ConditionNode(2).named("c");
        assertThatThrownBy(() -> new Node(c, SCALE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 0 (output 0 of ConditionNode 'c') cannot be consumed: a ConditionNode only"
                        + " provides conditions");
        var f = new FeedForwardNode(c, Shape.of(2), new Linear(2, 2)).named("f");
        assertThatThrownBy(() -> new Node(f.out(0), SCALE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("output 0 of FeedForwardNode 'f') cannot be consumed");
        var x = new InputNode(2);
        var z = new OutputNode(x).named("z");
        assertThatThrownBy(() -> new Node(z, SCALE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OutputNode 'z' has no outputs: it ends the graph");
        assertThatThrownBy(() -> new OutputNode(z))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OutputNode 'z' has no outputs");
        var y = new InputNode(2);
        assertThatThrownBy(() -> new Node(y, SCALE, z))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OutputNode 'z' has no outputs");
    }

    @Test
    void outputIndicesAreChecked() {
        var x = new InputNode(4);
        var split = new Node(x, TestSplit.of(1, 3)).named("split");
        assertThatThrownBy(() -> split.out(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node 'split' (TestSplit) has 2 outputs [(1,), (3,)]; output 2 does not exist");
        assertThatThrownBy(() -> new NodeOutput(split, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("output -1 does not exist");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> new InputNode())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("InputNode: empty dims");
        assertThatThrownBy(() -> new ConditionNode())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ConditionNode: empty dims");
        assertThatThrownBy(() -> new InputNode(3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("InputNode: sizes must be positive, got [3, 0]");
        assertThatThrownBy(() -> new Node(List.of(), SCALE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("new Node: a Node needs at least one input");
        assertThatThrownBy(() -> new Node((Connectable) null, SCALE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 0 is null");
        assertThatThrownBy(() -> new OutputNode(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("new OutputNode: input 0 is null");
        var c = new ConditionNode(2, 3).named("c");
        var v = new ConditionNode(4).named("v");
        assertThatThrownBy(() -> new FeedForwardNode(List.of(), Shape.of(2), new Linear(2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a FeedForwardNode needs at least one condition");
        assertThatThrownBy(() -> new FeedForwardNode(c, Shape.of(2), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("new FeedForwardNode on [output 0 of ConditionNode 'c' (2, 3)]: the layer is null");
        assertThatThrownBy(() -> new FeedForwardNode(List.of(c, v), Shape.of(2), new Linear(2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conditions [(2, 3), (4,)] cannot be concatenated along the channel axis");
    }
}
