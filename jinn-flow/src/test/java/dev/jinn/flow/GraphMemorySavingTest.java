package dev.jinn.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.testing.ScaleShift;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Memory-saving backprop through a graph with two inputs, two outputs, a split, a join, a feed-forward feature
 * extractor and a node output used as another node's condition: the same gradients as ordinary backprop.
 */
class GraphMemorySavingTest {
    private record Run(Map<String, Tensor> params, List<Tensor> inputs, List<Tensor> conditions, double loss) {
    }

    private static Run run(GraphINN g) {
        Rng rng = new Rng(3);
        List<Tensor> x = new ArrayList<>();
        for (Tensor t : GraphFixtures.randn(rng, DType.FLOAT64, 6, g.dimsIn())) {
            x.add(t.requiresGrad(true));
        }
        List<Tensor> c = new ArrayList<>();
        for (Tensor t : GraphFixtures.randn(rng, DType.FLOAT64, 6, g.dimsC())) {
            c.add(t.requiresGrad(true));
        }
        GraphResult r = g.forward(x, c);
        Tensor loss = r.logDet().mul(Tensors.randn(rng, DType.FLOAT64, 6)).sum();
        for (Tensor z : r.outputs()) {
            loss = loss.add(z.mul(Tensors.randn(rng, DType.FLOAT64, z.shape())).sum());
        }
        loss.backward();
        return new Run(g.namedParameters(), x, c, loss.item());
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        assertThat(actual).as(what).isNotNull();
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertThat(a[i]).as(what + "[" + i + "]").isCloseTo(e[i], within(1e-10 * Math.max(1, Math.abs(e[i]))));
        }
    }

    @Test
    void aRichGraphGetsTheGradientsOfOrdinaryBackprop() {
        GraphINN plain = (GraphINN) GraphFixtures.rich().to(DType.FLOAT64);
        GraphINN saving = (GraphINN) GraphFixtures.rich().to(DType.FLOAT64);
        saving.loadStateDict(plain.stateDict(), true);
        saving.memorySaving(true);
        Run a = run(plain);
        Run b = run(saving);
        assertThat(b.loss()).isCloseTo(a.loss(), within(1e-10 * Math.abs(a.loss())));
        for (String k : a.params().keySet()) {
            if (a.params().get(k).grad() != null) {
                assertClose(k, a.params().get(k).grad(), b.params().get(k).grad());
            }
        }
        for (int i = 0; i < a.inputs().size(); i++) {
            assertClose("input " + i, a.inputs().get(i).grad(), b.inputs().get(i).grad());
        }
        for (int j = 0; j < a.conditions().size(); j++) {
            assertClose("condition " + j, a.conditions().get(j).grad(), b.conditions().get(j).grad());
        }
    }

    @Test
    void nodesAreSwitchedOneByOneAndOnlyTheirOwn() {
        List<AbstractNode> nodes = GraphFixtures.richNodes();
        GraphINN g = new GraphINN(nodes);
        Node a = (Node) nodes.stream().filter(n -> "a".equals(n.name())).findFirst().orElseThrow();
        g.memorySaving(a, true);
        assertThat(g.isMemorySaving(a)).isTrue();
        assertThat(nodes.stream().filter(n -> n instanceof Node && n != a).map(n -> (Node) n)
                .noneMatch(g::isMemorySaving)).isTrue();
        Node stranger = new Node(new InputNode(4), (i, cs) -> new ScaleShift(i, cs, false));
        assertThatThrownBy(() -> g.memorySaving(stranger, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a node of this graph");
        // Inference and the reverse direction are not affected.
        g.memorySaving(true);
        Rng rng = new Rng(1);
        List<Tensor> x = GraphFixtures.randn(rng, DType.FLOAT32, 3, g.dimsIn());
        List<Tensor> c = GraphFixtures.randn(rng, DType.FLOAT32, 3, g.dimsC());
        GraphResult r = g.forward(x, c);
        GraphResult back = g.inverse(r.outputs(), c);
        for (int i = 0; i < x.size(); i++) {
            assertThat(back.outputs().get(i).sub(x.get(i)).abs().max().item()).isLessThan(1e-5);
        }
        assertThat(Grad.savedBytes(r.logDet())).isPositive();
    }
}
