package dev.jinn.flow.freia;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.GraphINN;
import dev.jinn.flow.GraphResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleCall;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Shape;
import dev.jinn.flow.freia.FreiaFixture.Meta;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * FrEIA checkpoints load into the equivalent jinn models and reproduce FrEIA's numbers: each fixture was written
 * by FrEIA itself ({@code jinn-flow/scripts/freia_fixtures.py}); the jinn model is built from the recorded
 * architecture, converted to float64, loaded strictly from FrEIA's state dict, and must give FrEIA's forward
 * outputs and log-det, and FrEIA's reverse outputs and log-det, to 1e-12.
 */
class FreiaCheckpointTest {
    /** Relative to the size of the value (|a − b| ≤ TOL·(1 + |b|)); both sides are float64 end to end. */
    private static final double TOL = 1e-12;

    @Test
    void allInOneSequenceReproducesFreia() {
        checkSequence(FreiaFixture.load("allinone_sequence"));
    }

    @Test
    void glowPermuteActNormChainReproducesFreia() {
        FreiaFixture f = FreiaFixture.load("glow_permute_actnorm");
        SequenceINN inn = FreiaModels.sequence(f.architecture());
        // Before anything is loaded: a seeded PermuteRandom draws numpy's permutation, as FrEIA's does.
        for (String module : List.of("module_list.1.", "module_list.4.")) {
            assertThat(inn.stateDict().get(module + "perm").toLongArray()).as(module + "perm")
                    .containsExactly(f.state().get(module + "perm").toLongArray());
            assertThat(inn.stateDict().get(module + "perm_inv").toLongArray()).as(module + "perm_inv")
                    .containsExactly(f.state().get(module + "perm_inv").toLongArray());
        }
        checkSequence(f, inn);
    }

    /** FrEIA's reverse of these layers is their transpose, not their inverse: jinn must give the same numbers. */
    @Test
    void invertibleAutoencoderSequenceReproducesFreia() {
        checkSequence(FreiaFixture.load("invauto_sequence"));
    }

    @Test
    void conditionalImageGraphReproducesFreia() {
        FreiaFixture f = FreiaFixture.load("conditional_image_graph");
        GraphINN graph = FreiaModels.graph(f.architecture());
        graph.to(DType.FLOAT64);
        graph.loadStateDict(FreiaModels.graphState(f, graph), true);
        try (var g = Grad.disabled()) {
            GraphResult fwd = graph.forward(f.inputs(), f.conditions());
            assertClose("graph forward outputs", fwd.outputs(), f.outputs());
            assertClose("graph forward log-det", fwd.logDet(), f.logDet());
            GraphResult rev = graph.inverse(f.outputs(), f.conditions());
            assertClose("graph reverse outputs", rev.outputs(), f.reverseOutputs());
            assertClose("graph reverse log-det", rev.logDet(), f.reverseLogDet());
        }
    }

    /**
     * The graph fixture's modules, each built from its node description and loaded from its own FrEIA
     * {@code module_list} entry, run by hand in the node list's order (forward) and its reverse (inverse): the
     * modules alone, without jinn's GraphINN, reproduce FrEIA's graph.
     */
    @Test
    void conditionalImageGraphModulesReproduceFreiaNodeByNode() {
        FreiaFixture f = FreiaFixture.load("conditional_image_graph");
        Meta arch = f.architecture();
        Map<String, Tensor> values = new HashMap<>();
        for (int i = 0; i < f.inputs().size(); i++) {
            values.put(arch.list("inputs").get(i).asString() + ":0", f.inputs().get(i));
        }
        for (int i = 0; i < f.conditions().size(); i++) {
            values.put(arch.list("conditions").get(i).asString() + ":0", f.conditions().get(i));
        }
        Map<String, Shape> shapes = new HashMap<>();
        for (Meta node : arch.list("nodes")) {
            if (node.has("dims") && !node.string("type").equals("OutputNode")) {
                shapes.put(node.string("name") + ":0", Shape.of(node.ints("dims")));
            }
        }
        List<Meta> nodes = arch.list("nodes").stream().filter(n -> n.string("type").equals("Node")).toList();
        Map<String, InvertibleModule> modules = new HashMap<>();
        for (Meta node : nodes) {
            List<Shape> dimsIn = node.list("input_dims").stream().map(d -> Shape.of(ints(d))).toList();
            List<Shape> dimsC = refs(node, "conditions").stream().map(shapes::get).toList();
            InvertibleModule module = FreiaModels.spec(node).build(dimsIn, dimsC);
            module.to(DType.FLOAT64);
            module.loadStateDict(f.state(node.string("state_prefix")), true);
            modules.put(node.string("name"), module);
        }
        try (var g = Grad.disabled()) {
            Tensor logDet = Tensors.zeros(DType.FLOAT64, f.batch());
            for (Meta node : nodes) {
                String name = node.string("name");
                FlowResult r = ModuleCall.run(modules.get(name), name, lookup(values, refs(node, "inputs")),
                        lookup(values, refs(node, "conditions")), false, true);
                for (int k = 0; k < r.outputs().size(); k++) {
                    values.put(name + ":" + k, r.outputs().get(k));
                }
                logDet = logDet.add(r.logDet());
            }
            assertClose("graph by hand, forward outputs", lookup(values, outputRefs(arch)), f.outputs());
            assertClose("graph by hand, forward log-det", logDet, f.logDet());

            // The reverse pass starts from FrEIA's outputs and the conditions only: nothing of the forward pass.
            Map<String, Tensor> back = new HashMap<>();
            for (int i = 0; i < f.conditions().size(); i++) {
                back.put(arch.list("conditions").get(i).asString() + ":0", f.conditions().get(i));
            }
            List<String> outs = outputRefs(arch);
            for (int i = 0; i < outs.size(); i++) {
                back.put(outs.get(i), f.outputs().get(i));
            }
            Tensor reverseLogDet = Tensors.zeros(DType.FLOAT64, f.batch());
            for (int n = nodes.size() - 1; n >= 0; n--) {
                Meta node = nodes.get(n);
                String name = node.string("name");
                List<Tensor> outputs = new ArrayList<>();
                for (int k = 0; k < node.list("output_dims").size(); k++) {
                    outputs.add(back.remove(name + ":" + k));
                }
                FlowResult r = ModuleCall.run(modules.get(name), name, outputs,
                        lookup(back, refs(node, "conditions")), true, true);
                List<String> inputs = refs(node, "inputs");
                for (int k = 0; k < inputs.size(); k++) {
                    back.put(inputs.get(k), r.outputs().get(k));
                }
                reverseLogDet = reverseLogDet.add(r.logDet());
            }
            assertClose("graph by hand, reverse outputs", lookup(back, List.of("x:0")), f.reverseOutputs());
            assertClose("graph by hand, reverse log-det", reverseLogDet, f.reverseLogDet());
        }
    }

    private static List<String> refs(Meta node, String key) {
        return node.list(key).stream().map(r -> r.list().get(0).asString() + ":" + r.list().get(1).asInt()).toList();
    }

    private static List<String> outputRefs(Meta arch) {
        List<String> out = new ArrayList<>();
        for (Meta wanted : arch.list("outputs")) {
            Meta node = arch.list("nodes").stream().filter(n -> n.string("name").equals(wanted.asString()))
                    .findFirst().orElseThrow();
            out.addAll(refs(node, "inputs"));
        }
        return out;
    }

    private static List<Tensor> lookup(Map<String, Tensor> values, List<String> keys) {
        return keys.stream().map(k -> Objects.requireNonNull(values.get(k), k)).toList();
    }

    private static int[] ints(Meta list) {
        return list.list().stream().mapToInt(Meta::asInt).toArray();
    }

    private static void checkSequence(FreiaFixture f) {
        checkSequence(f, FreiaModels.sequence(f.architecture()));
    }

    private static void checkSequence(FreiaFixture f, SequenceINN inn) {
        inn.to(DType.FLOAT64);
        inn.loadStateDict(f.state(), true);
        try (var g = Grad.disabled()) {
            FlowResult fwd = inn.forward(f.inputs().get(0), f.conditions());
            assertClose(f.name() + " forward output", fwd.output(), f.outputs().get(0));
            assertClose(f.name() + " forward log-det", fwd.logDet(), f.logDet());
            FlowResult rev = inn.inverse(f.outputs().get(0), f.conditions());
            assertClose(f.name() + " reverse output", rev.output(), f.reverseOutputs().get(0));
            assertClose(f.name() + " reverse log-det", rev.logDet(), f.reverseLogDet());
        }
    }

    static void assertClose(String what, List<Tensor> actual, List<Tensor> expected) {
        assertThat(actual).as(what + " count").hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertClose(what + " " + i, actual.get(i), expected.get(i));
        }
    }

    static void assertClose(String what, Tensor actual, Tensor expected) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        assertThat(actual.dtype()).as(what + " dtype").isEqualTo(DType.FLOAT64);
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < a.length; i++) {
            double err = Math.abs(a[i] - e[i]) / (1 + Math.abs(e[i]));
            if (Double.isNaN(err)) {
                worst = Double.POSITIVE_INFINITY;
                at = i;
                break;
            }
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        assertThat(worst).as("%s: worst relative error at flat index %d (jinn %s, FrEIA %s)", what, at,
                at < 0 ? "-" : a[at], at < 0 ? "-" : e[at]).isLessThanOrEqualTo(TOL);
    }
}
