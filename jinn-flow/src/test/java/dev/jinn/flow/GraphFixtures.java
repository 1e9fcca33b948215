package dev.jinn.flow;

import dev.jinn.flow.GraphTestModules.TestConcat;
import dev.jinn.flow.GraphTestModules.TestCoupling;
import dev.jinn.flow.GraphTestModules.TestSplit;
import dev.jinn.flow.testing.ScaleShift;
import dev.jinn.nn.Linear;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;

/** Graphs shared by the graph tests. */
final class GraphFixtures {
    private GraphFixtures() {
    }

    /**
     * Two inputs, one condition, two outputs, with every kind of condition:
     * <pre>
     * x1 (4,) -> split -> out 0 -> a (cond: c)            -> join -> z1 (4,)
     *                  -> out 1 -> b (cond: a, features)  /
     * x2 (3,) -> m (cond: x1, recovered in reverse by split)  -> z2 (3,)
     * c (2,) -> features = Linear(2, 3) (feed-forward)
     * </pre>
     */
    static List<AbstractNode> richNodes() {
        var x1 = new InputNode(4).named("x1");
        var x2 = new InputNode(3).named("x2");
        var c = new ConditionNode(2).named("c");
        var features = new FeedForwardNode(c, Shape.of(3), new Linear(2, 3, true, new Rng(5))).named("features");
        var split = new Node(x1, TestSplit.of(2, 2)).named("split");
        var a = new Node(split.out(0), TestCoupling.seeded(1), c).named("a");
        var b = new Node(split.out(1), TestCoupling.seeded(2), List.of(a, features)).named("b");
        var m = new Node(x2, TestCoupling.seeded(3), x1).named("m");
        var join = new Node(List.of(a, b), TestConcat.spec()).named("join");
        var z1 = new OutputNode(join).named("z1");
        var z2 = new OutputNode(m).named("z2");
        return List.of(x1, x2, c, features, split, a, b, m, join, z1, z2);
    }

    static GraphINN rich() {
        return new GraphINN(richNodes());
    }

    /** A spec building {@link #rich()}, for the conformance harness. */
    static ModuleSpec richSpec() {
        return (in, c) -> {
            GraphINN g = rich();
            if (!g.dimsIn().equals(in) || !g.dimsC().equals(c)) {
                throw new IllegalArgumentException("richSpec: built for " + g.dimsIn() + " / " + g.dimsC());
            }
            return g;
        };
    }

    /**
     * FrEIA's image graph test, with test modules: (3,4,4) split into channels [1, 2]; the first branch scaled,
     * the second scaled under an image condition and again under a vector condition; concatenated.
     */
    static ModuleSpec imageSpec() {
        return (in, cs) -> {
            var x = new InputNode(in.get(0).dims()).named("x");
            var cImg = new ConditionNode(cs.get(0).dims()).named("c image");
            var cVec = new ConditionNode(cs.get(1).dims()).named("c vector");
            var split = new Node(x, TestSplit.of(1, 2)).named("split");
            var p = new Node(split.out(0), (i, c) -> new ScaleShift(i, c, false)).named("p");
            var q = new Node(split.out(1), (i, c) -> new ScaleShift(i, c, false), cImg).named("q");
            var r = new Node(q, (i, c) -> new ScaleShift(i, c, false), cVec).named("r");
            var join = new Node(List.of(p.out(0), r.out(0)), TestConcat.spec()).named("join");
            var z = new OutputNode(join).named("z");
            return new GraphINN(List.of(x, cImg, cVec, split, p, q, r, join, z));
        };
    }

    static List<Tensor> randn(Rng rng, DType dtype, int batch, List<Shape> shapes) {
        List<Tensor> out = new ArrayList<>();
        for (Shape s : shapes) {
            out.add(Tensors.randn(rng, dtype, s.withBatch(batch)));
        }
        return out;
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        double m = 0;
        double[] x = a.to(DType.FLOAT64).toDoubleArray();
        double[] y = b.to(DType.FLOAT64).toDoubleArray();
        if (x.length != y.length) {
            throw new AssertionError("sizes differ: " + x.length + " vs " + y.length);
        }
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    static double maxAbsDiff(List<Tensor> a, List<Tensor> b) {
        if (a.size() != b.size()) {
            throw new AssertionError("counts differ: " + a.size() + " vs " + b.size());
        }
        double m = 0;
        for (int i = 0; i < a.size(); i++) {
            m = Math.max(m, maxAbsDiff(a.get(i), b.get(i)));
        }
        return m;
    }

    static List<String> names(List<? extends AbstractNode> nodes) {
        List<String> out = new ArrayList<>();
        for (AbstractNode n : nodes) {
            out.add(n.name());
        }
        return out;
    }
}
