package dev.jinn.flow.freia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fixture files FrEIA wrote are read completely and agree with the architecture they describe. */
class FreiaFixtureTest {
    static final String[] ALL = {"allinone_sequence", "glow_permute_actnorm", "conditional_image_graph",
        "invauto_sequence"};

    @ParameterizedTest
    @ValueSource(strings = {"allinone_sequence", "glow_permute_actnorm", "conditional_image_graph",
        "invauto_sequence"})
    void dataShapesMatchTheDescribedArchitecture(String name) {
        FreiaFixture f = FreiaFixture.load(name);
        Shapes expected = Shapes.of(f.architecture());
        int b = f.batch();

        assertThat(shapes(f.inputs())).containsExactlyElementsOf(withBatch(b, expected.inputs));
        assertThat(shapes(f.reverseOutputs())).containsExactlyElementsOf(withBatch(b, expected.inputs));
        assertThat(shapes(f.conditions())).containsExactlyElementsOf(withBatch(b, expected.conditions));
        assertThat(shapes(f.outputs())).containsExactlyElementsOf(withBatch(b, expected.outputs));
        assertThat(f.logDet().shape()).containsExactly(b);
        assertThat(f.reverseLogDet().shape()).containsExactly(b);
        List<Tensor> data = new ArrayList<>(f.inputs());
        data.addAll(f.conditions());
        data.addAll(f.outputs());
        data.addAll(f.reverseOutputs());
        data.add(f.logDet());
        data.add(f.reverseLogDet());
        assertThat(data).allSatisfy(t -> assertThat(t.dtype()).isEqualTo(DType.FLOAT64));
    }

    @ParameterizedTest
    @ValueSource(strings = {"allinone_sequence", "glow_permute_actnorm", "conditional_image_graph"})
    void freiaItselfInvertedItsOutputs(String name) {
        FreiaFixture f = FreiaFixture.load(name);
        // FrEIA's reverse log-det is the negated forward one, and its reverse gives back the inputs — so the
        // fixture is not garbage. Only up to ~1e-7: FrEIA stores its soft permutation matrices rounded to float32,
        // so they are not exactly orthogonal and the reverse path sees slightly different intermediate values.
        assertThat(maxAbs(f.logDet().add(f.reverseLogDet()))).isLessThan(1e-6);
        assertThat(maxAbs(f.logDet())).isGreaterThan(0.1);
        for (int i = 0; i < f.inputs().size(); i++) {
            assertThat(maxAbs(f.inputs().get(i).sub(f.reverseOutputs().get(i)))).isLessThan(1e-5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"allinone_sequence", "glow_permute_actnorm", "conditional_image_graph",
        "invauto_sequence"})
    void everyStateEntryBelongsToADescribedModule(String name) {
        FreiaFixture f = FreiaFixture.load(name);
        List<String> prefixes = new ArrayList<>();
        String listKey = f.architecture().string("kind").equals("GraphINN") ? "nodes" : "modules";
        for (FreiaFixture.Meta m : f.architecture().list(listKey)) {
            if (m.has("state_prefix")) {
                prefixes.add(m.string("state_prefix"));
            }
        }
        assertThat(prefixes).doesNotHaveDuplicates();
        assertThat(f.state()).isNotEmpty();
        assertThat(f.state().keySet()).allSatisfy(k -> assertThat(prefixes).anySatisfy(p -> assertThat(k).startsWith(p)));
        int total = prefixes.stream().mapToInt(p -> f.state(p).size()).sum();
        assertThat(total).isEqualTo(f.state().size());
        assertThat(f.keys()).filteredOn(k -> !k.startsWith("state."))
                .allSatisfy(k -> assertThat(k).matches("(x|c|z|xrev)\\.\\d+|logdet|logdet_rev"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"allinone_sequence", "glow_permute_actnorm", "conditional_image_graph",
        "invauto_sequence"})
    void metadataNamesTheFreiaCommitAndTorchVersion(String name) {
        FreiaFixture f = FreiaFixture.load(name);
        assertThat(f.metadata("freia_commit")).matches("[0-9a-f]{40}");
        assertThat(f.metadata("torch_version")).isNotBlank();
        assertThat(f.architecture().string("dtype")).isEqualTo("float64");
    }

    @Test
    void indexAndFlagBuffersKeepFreiasDtypes() {
        FreiaFixture glow = FreiaFixture.load("glow_permute_actnorm");
        Tensor perm = glow.state().get("module_list.1.perm");
        assertThat(perm.dtype()).isEqualTo(DType.INT64);
        assertThat(perm.toLongArray()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
        Tensor flag = glow.state().get("module_list.2.is_initialized");
        assertThat(flag.dtype()).isEqualTo(DType.BOOL);
        assertThat(flag.shape()).isEmpty();
        assertThat(flag.toBooleanArray()).containsExactly(true);

        FreiaFixture aio = FreiaFixture.load("allinone_sequence");
        assertThat(aio.state().get("module_list.0.w_perm").dtype()).isEqualTo(DType.INT64);
        assertThat(aio.state().get("module_list.1.w_perm").dtype()).isEqualTo(DType.FLOAT64);
        assertThat(aio.state("module_list.3.").keySet()).contains("w_0", "vk_householder");
    }

    @Test
    void anUnknownFixtureIsAClearError() {
        assertThatThrownBy(() -> FreiaFixture.load("no_such_fixture"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/freia/no_such_fixture.safetensors");
        FreiaFixture f = FreiaFixture.load(ALL[0]);
        assertThatThrownBy(() -> f.architecture().integer("missing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
        assertThatThrownBy(() -> f.architecture().integer("kind"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected an int");
    }

    /** The per-sample shapes of the inputs, conditions and outputs that the description promises. */
    record Shapes(List<List<Integer>> inputs, List<List<Integer>> conditions, List<List<Integer>> outputs) {
        static Shapes of(FreiaFixture.Meta arch) {
            if (arch.string("kind").equals("SequenceINN")) {
                // The sequence keeps the shape unless the fixture names another output shape.
                List<Integer> dims = boxed(arch.ints("dims"));
                List<Integer> out = arch.has("output_dims") ? boxed(arch.ints("output_dims")) : dims;
                List<List<Integer>> conds = new ArrayList<>();
                for (FreiaFixture.Meta c : arch.list("conditions")) {
                    conds.add(boxed(c.list().stream().mapToInt(FreiaFixture.Meta::asInt).toArray()));
                }
                return new Shapes(List.of(dims), conds, List.of(out));
            }
            return new Shapes(nodeDims(arch, "inputs"), nodeDims(arch, "conditions"), nodeDims(arch, "outputs"));
        }

        private static List<List<Integer>> nodeDims(FreiaFixture.Meta arch, String which) {
            List<List<Integer>> out = new ArrayList<>();
            for (FreiaFixture.Meta wanted : arch.list(which)) {
                FreiaFixture.Meta node = arch.list("nodes").stream()
                        .filter(n -> n.string("name").equals(wanted.asString())).findFirst().orElseThrow();
                out.add(boxed(node.ints("dims")));
            }
            return out;
        }
    }

    private static List<List<Integer>> withBatch(int batch, List<List<Integer>> shapes) {
        List<List<Integer>> out = new ArrayList<>();
        for (List<Integer> s : shapes) {
            List<Integer> full = new ArrayList<>();
            full.add(batch);
            full.addAll(s);
            out.add(full);
        }
        return out;
    }

    private static List<List<Integer>> shapes(List<Tensor> tensors) {
        return tensors.stream().map(t -> boxed(t.shape())).toList();
    }

    private static List<Integer> boxed(int[] values) {
        return IntStream.of(values).boxed().toList();
    }

    static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.toDoubleArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
