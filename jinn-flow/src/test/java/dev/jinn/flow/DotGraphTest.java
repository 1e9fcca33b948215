package dev.jinn.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.flow.linear.PermuteRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The DOT drawing names every node with its module and shapes and draws every connection with its ports. */
class DotGraphTest {
    private static final Pattern NODE = Pattern.compile("^  (\\w+) \\[(.*)label=\"(.*)\"\\];$");
    private static final Pattern EDGE = Pattern.compile("^  (\\w+) -> (\\w+) \\[(style=dashed, )?label=\"(.*)\"\\];$");

    @Test
    void aGraphShowsEveryNodeAndEveryConnectionWithItsPorts() {
        Drawing d = Drawing.parse(GraphFixtures.rich().toDot());
        assertThat(d.labels).containsOnlyKeys("x1", "x2", "c", "features", "split", "a", "b", "m", "join", "z1", "z2");
        assertThat(d.labels.get("x1")).isEqualTo("x1\\nInputNode\\n(4,)");
        assertThat(d.labels.get("c")).isEqualTo("c\\nConditionNode\\n(2,)");
        assertThat(d.labels.get("features")).isEqualTo("features\\nLinear (feed-forward)\\n(2,) → (3,)");
        assertThat(d.labels.get("split")).isEqualTo("split\\nTestSplit\\n(4,) → (2,), (2,)");
        assertThat(d.labels.get("join")).isEqualTo("join\\nTestConcat\\n(2,), (2,) → (4,)");
        assertThat(d.labels.get("z2")).isEqualTo("z2\\nOutputNode\\n(3,)");
        assertThat(d.attributes.get("c")).contains("style=dashed");
        assertThat(d.edges).containsExactlyInAnyOrder(
                "c -> features: dashed condition 0 (2,)",
                "x1 -> split: 0 → 0 (4,)",
                "split -> a: 0 → 0 (2,)",
                "c -> a: dashed condition 0 (2,)",
                "split -> b: 1 → 0 (2,)",
                "a -> b: dashed condition 0 (2,)",
                "features -> b: dashed condition 1 (3,)",
                "x2 -> m: 0 → 0 (3,)",
                "x1 -> m: dashed condition 0 (4,)",
                "a -> join: 0 → 0 (2,)",
                "b -> join: 0 → 1 (2,)",
                "join -> z1: 0 → 0 (4,)",
                "m -> z2: 0 → 0 (3,)");
    }

    @Test
    void aSequenceIsAChainWithItsConditions() {
        SequenceINN inn = new SequenceINN(4);
        inn.append(GraphTestModules.TestCoupling.seeded(1), 0, 3);
        inn.append(PermuteRandom.seed(1));
        inn.append(GraphTestModules.TestCoupling.seeded(2), 0, 3);
        Drawing d = Drawing.parse(inn.toDot());
        assertThat(d.labels).containsOnlyKeys("in", "c[0]", "0", "1", "2", "out");
        assertThat(d.labels.get("1")).isEqualTo("1\\nPermuteRandom\\n(4,) → (4,)");
        assertThat(d.labels.get("c[0]")).isEqualTo("c[0]\\ncondition\\n(3,)");
        assertThat(d.edges).containsExactlyInAnyOrder("in -> 0: (4,)", "0 -> 1: (4,)", "1 -> 2: (4,)",
                "2 -> out: (4,)", "c[0] -> 0: dashed c[0] (3,)", "c[0] -> 2: dashed c[0] (3,)");
    }

    @Test
    void namesAreQuotedForDot() {
        assertThat(DotGraph.quote("a \"b\" \\ c\nd")).isEqualTo("\"a \\\"b\\\" \\\\ c\\nd\"");
    }

    /** The DOT text read back: node labels and attributes by node name, edges as "from -> to: [dashed ]label". */
    private record Drawing(Map<String, String> labels, Map<String, String> attributes, List<String> edges) {
        static Drawing parse(String dot) {
            assertThat(dot).startsWith("digraph ").endsWith("}\n");
            Map<String, String> names = new HashMap<>();
            Map<String, String> labels = new HashMap<>();
            Map<String, String> attributes = new HashMap<>();
            List<String> edges = new ArrayList<>();
            for (String line : dot.split("\n")) {
                Matcher n = NODE.matcher(line);
                if (n.matches() && !line.contains(" -> ")) {
                    String name = n.group(3).split("\\\\n")[0];
                    names.put(n.group(1), name);
                    labels.put(name, n.group(3));
                    attributes.put(name, n.group(2));
                }
            }
            for (String line : dot.split("\n")) {
                Matcher e = EDGE.matcher(line);
                if (e.matches()) {
                    edges.add(names.get(e.group(1)) + " -> " + names.get(e.group(2)) + ": "
                            + (e.group(3) != null ? "dashed " : "") + e.group(4));
                }
            }
            return new Drawing(labels, attributes, edges);
        }
    }
}
