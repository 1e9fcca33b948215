package dev.jinn.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.flow.testing.ScaleShift;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The printable overview of graphs and sequences. */
class SummaryTest {
    @Test
    void aGraphSummaryListsEveryNodeInForwardOrder() {
        GraphINN g = GraphFixtures.rich();
        Summary s = Summary.of(g);
        assertThat(s.rows()).extracting(SummaryRow::name)
                .containsExactly("x1", "split", "c", "a", "features", "b", "x2", "join", "m", "z1", "z2");
        // TestCoupling on (2,): w, u, b of 1x1 plus one weight per condition; on (3,): 1x2 each; Linear(2, 3): 6 + 3
        assertThat(s.rows()).extracting(SummaryRow::parameters).containsExactly(0L, 0L, 0L, 4L, 9L, 5L, 0L, 0L, 7L, 0L,
                0L);
        assertThat(s.totalParameters()).isEqualTo(25).isEqualTo(g.parameterCount());
        assertThat(s.moduleCount()).isEqualTo(6);

        SummaryRow b = s.rows().get(5);
        assertThat(b.module()).isEqualTo("TestCoupling");
        assertThat(b.inputs()).containsExactly(Shape.of(2));
        assertThat(b.outputs()).containsExactly(Shape.of(2));
        assertThat(b.conditions()).containsExactly("a (2,)", "features (3,)");
        SummaryRow features = s.rows().get(4);
        assertThat(features.module()).isEqualTo("Linear (feed-forward)");
        assertThat(features.inputs()).isEmpty();
        assertThat(features.conditions()).containsExactly("c (2,)");
        SummaryRow split = s.rows().get(1);
        assertThat(split.outputs()).containsExactly(Shape.of(2), Shape.of(2));
        assertThat(s.rows().get(0).module()).isEqualTo("InputNode");
        assertThat(s.rows().get(9).inputs()).containsExactly(Shape.of(4));
        assertThat(s.rows().get(9).outputs()).isEmpty();

        String text = s.toString();
        assertThat(text).startsWith("GraphINN: inputs [(4,), (3,)], conditions [(2,)] -> outputs [(4,), (3,)]\n");
        assertThat(text).containsPattern("(?m)^Node +Module +Inputs -> Outputs +Conditions +Parameters$");
        assertThat(text).containsPattern("(?m)^features +Linear \\(feed-forward\\) +- -> \\(3,\\) +c \\(2,\\) +9$");
        assertThat(text).containsPattern("(?m)^split +TestSplit +\\(4,\\) -> \\(2,\\), \\(2,\\) +0$");
        assertThat(text).containsPattern("(?m)^b +TestCoupling +\\(2,\\) -> \\(2,\\) +a \\(2,\\), features \\(3,\\) +5$");
        assertThat(text).endsWith("Total: 11 nodes, 6 modules, 25 parameters\n");
    }

    @Test
    void aConditionFromOneOfSeveralOutputsNamesTheOutput() {
        var x = new InputNode(4).named("x");
        var split = new Node(x, GraphTestModules.TestSplit.of(1, 3)).named("split");
        var p = new Node(split.out(1), (in, c) -> new ScaleShift(in, c, false), split.out(0)).named("p");
        var join = new Node(List.of(split.out(0), p.out(0)), GraphTestModules.TestConcat.spec()).named("join");
        var z = new OutputNode(join).named("z");
        Summary s = Summary.of(new GraphINN(List.of(x, split, p, join, z)));
        assertThat(s.rows().get(2).name()).isEqualTo("p");
        assertThat(s.rows().get(2).conditions()).containsExactly("split[0] (1,)");
    }

    @Test
    void aSequenceSummaryListsItsModules() {
        var seq = new SequenceINN(3)
                .append((in, c) -> new ScaleShift(in, c, false))
                .append((in, c) -> new ScaleShift(in, c, false), 0, 2, 2);
        Summary s = Summary.of(seq);
        assertThat(s.rows()).extracting(SummaryRow::name).containsExactly("0", "1");
        assertThat(s.rows().get(1).conditions()).containsExactly("c[0] (2, 2)");
        assertThat(s.rows().get(0).conditions()).isEmpty();
        assertThat(s.rows()).extracting(SummaryRow::parameters).containsExactly(6L, 6L);
        assertThat(s.totalParameters()).isEqualTo(12).isEqualTo(seq.parameterCount());
        String text = s.toString();
        assertThat(text).startsWith("SequenceINN: input (3,), conditions [(2, 2)] -> output (3,)\n");
        assertThat(text).containsPattern("(?m)^1 +ScaleShift +\\(3,\\) -> \\(3,\\) +c\\[0\\] \\(2, 2\\) +6$");
        assertThat(text).endsWith("Total: 2 modules, 12 parameters\n");
    }
}
