package dev.jinn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.flow.SequenceINN;
import dev.jinn.io.SafeTensors;
import dev.jinn.io.SafeTensorsFile;
import dev.jinn.autograd.Grad;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ModelFileTest {
    @TempDir
    Path dir;

    private static DataTransform transform(int conditionDims) {
        ConditionEncoding c = conditionDims == 0 ? ConditionEncoding.NONE
                : new ConditionEncoding("kind, with comma", ConditionEncoding.Kind.CATEGORICAL, List.of("a", "b,c", "d"));
        return new DataTransform(List.of("x", "y", "z%"), new double[] {1, -2, 0.5}, new double[] {2, 0.5, 3}, 0, c);
    }

    /** Moves every weight away from its initial value, so a load that silently kept the init would be caught. */
    private static void perturb(SequenceINN m, long seed) {
        Rng rng = new Rng(seed);
        try (var g = Grad.disabled()) {
            for (Tensor p : m.parameters()) {
                p.copyFrom(p.add(Tensors.randn(rng, p.shape()).mul(0.05)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void aSavedModelLoadsBackWithIdenticalOutputs(Architecture arch) throws IOException {
        int cond = arch == Architecture.NICE || arch == Architecture.IRESNET ? 0 : 3;
        ModelConfig config = new ModelConfig(arch, 3, 16, 3, cond, 11);
        SequenceINN model = config.build();
        perturb(model, 2);
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("data", "some.csv");
        prov.put("heldout_nll", "1.25");
        Path file = dir.resolve(arch.id() + ".safetensors");
        new ModelFile(config, transform(cond), prov, model).save(file);

        ModelFile back = ModelFile.load(file);
        assertThat(back.config()).isEqualTo(config);
        assertThat(back.transform()).isEqualTo(transform(cond));
        assertThat(back.provenance()).containsEntry("data", "some.csv").containsEntry("heldout_nll", "1.25");
        Tensor x = Tensors.randn(new Rng(5), 7, 3);
        List<Tensor> c = cond == 0 ? List.of() : List.of(Tensors.randn(new Rng(6), 7, cond));
        model.eval();
        try (var g = Grad.disabled()) {
            assertThat(back.model().forward(x, c).output().toFloatArray())
                    .isEqualTo(model.forward(x, c).output().toFloatArray());
            assertThat(back.model().forward(x, c).logDet().toFloatArray())
                    .isEqualTo(model.forward(x, c).logDet().toFloatArray());
        }
    }

    @Test
    void theSameConfigBuildsTheSameInitialNetwork() {
        ModelConfig config = new ModelConfig(Architecture.GLOW, 2, 8, 4, 0, 3);
        Map<String, Tensor> a = config.build().stateDict();
        Map<String, Tensor> b = config.build().stateDict();
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String k : a.keySet()) {
            assertThat(b.get(k).toDoubleArray()).as(k).isEqualTo(a.get(k).toDoubleArray());
        }
        Map<String, Tensor> other = new ModelConfig(Architecture.GLOW, 2, 8, 4, 0, 4).build().stateDict();
        assertThat(other.get("module_list.0.subnet1.0.weight").toDoubleArray())
                .isNotEqualTo(a.get("module_list.0.subnet1.0.weight").toDoubleArray());
    }

    /** A small saved model whose metadata entry {@code key} was then replaced by {@code value}. */
    private Path smallModelWith(String name, String key, String value) throws IOException {
        ModelConfig small = new ModelConfig(Architecture.ALLINONE, 2, 8, 3, 0, 1);
        Path file = dir.resolve("m.safetensors");
        new ModelFile(small, transform(0), Map.of(), small.build()).save(file);
        SafeTensorsFile f = SafeTensors.read(file);
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        meta.put(key, value);
        Path changed = dir.resolve(name);
        SafeTensors.write(changed, f.tensors(), meta);
        return changed;
    }

    @Test
    void weightsThatDoNotFitTheirArchitectureAreRejected() throws IOException {
        Path lying = smallModelWith("lying.safetensors", "jinn.model.hidden", "9");
        assertThatThrownBy(() -> ModelFile.load(lying)).isInstanceOf(IOException.class)
                .hasMessageContaining("lying.safetensors").hasMessageContaining("do not fit")
                .hasMessageContaining("module_list.0.subnet.0.weight");
    }

    @Test
    void malformedNumbersInTheMetadataAreNamedWithTheirText() throws IOException {
        Map<String, String> cases = Map.of("jinn.model.seed", "12x", "jinn.model.blocks", "two",
                "jinn.data.dequantize_levels", "1.5");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path corrupt = smallModelWith("corrupt.safetensors", c.getKey(), c.getValue());
            assertThatThrownBy(() -> ModelFile.load(corrupt)).isInstanceOf(IOException.class)
                    .hasMessageContaining("corrupt.safetensors")
                    .hasMessageContaining("the metadata entry " + c.getKey() + " is not an integer: '" + c.getValue()
                            + "'");
        }
    }

    @Test
    void invalidConfigsAreRejectedWithTheirOptionNames() {
        assertThatThrownBy(() -> new ModelConfig(Architecture.GLOW, 0, 8, 2, 0, 1)).hasMessageContaining("--blocks");
        assertThatThrownBy(() -> new ModelConfig(Architecture.GLOW, 2, 0, 2, 0, 1)).hasMessageContaining("--hidden");
        assertThatThrownBy(() -> new ModelConfig(Architecture.GLOW, 2, 8, 1, 0, 1))
                .hasMessageContaining("at least 2 data dimensions");
        assertThatThrownBy(() -> new ModelConfig(Architecture.IRESNET, 2, 8, 2, 3, 1))
                .hasMessageContaining("takes no condition");
        assertThatThrownBy(() -> new ModelConfig(Architecture.NSF, 2, 8, 2, 0, 1, 0))
                .hasMessage("--bins must be between 1 and 4096, got 0");
    }

    @Test
    void splineBinsAreRecordedAndOlderFilesGetTheDefault() throws IOException {
        ModelConfig nsf = new ModelConfig(Architecture.NSF, 2, 8, 3, 0, 1, 5);
        assertThat(nsf.metadata()).containsEntry("jinn.model.bins", "5");
        assertThat(nsf.describe()).isEqualTo("nsf, 2 blocks, hidden 8, 5 bins, 3 dims");
        Path file = dir.resolve("nsf.safetensors");
        new ModelFile(nsf, transform(0), Map.of(), nsf.build()).save(file);
        assertThat(ModelFile.load(file).config()).isEqualTo(nsf);
        // Each more bin is one more width, height and derivative per dimension out of MADE's last layer.
        String last = "module_list.0.made.net.4.bias";
        int six = new ModelConfig(Architecture.NSF, 2, 8, 3, 0, 1, 6).build().stateDict().get(last).shape()[0];
        assertThat(six - nsf.build().stateDict().get(last).shape()[0]).isEqualTo(3 * 3);

        // Models without splines keep exactly their former metadata, and files without bins still load.
        ModelConfig glow = new ModelConfig(Architecture.GLOW, 2, 8, 3, 0, 1);
        assertThat(glow.metadata()).doesNotContainKey("jinn.model.bins");
        Map<String, String> old = new LinkedHashMap<>(nsf.metadata());
        old.remove("jinn.model.bins");
        assertThat(ModelConfig.read(old).bins()).isEqualTo(ModelConfig.DEFAULT_BINS);
    }

    @Test
    void buildsOnSeveralThreadsAtOnceGiveEachTheNetworkOfItsSeed() throws Exception {
        List<ModelConfig> configs = List.of(new ModelConfig(Architecture.ALLINONE, 3, 16, 3, 0, 11),
                new ModelConfig(Architecture.GLOW, 3, 16, 3, 0, 12), new ModelConfig(Architecture.NSF, 2, 8, 3, 0, 13));
        List<Map<String, Tensor>> alone = new java.util.ArrayList<>();
        for (ModelConfig c : configs) {
            alone.add(c.build().stateDict());
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            for (int round = 0; round < 5; round++) {
                List<java.util.concurrent.Future<Map<String, Tensor>>> built = new java.util.ArrayList<>();
                for (ModelConfig c : configs) {
                    built.add(pool.submit(() -> c.build().stateDict()));
                }
                for (int i = 0; i < configs.size(); i++) {
                    Map<String, Tensor> together = built.get(i).get();
                    assertThat(together.keySet()).containsExactlyElementsOf(alone.get(i).keySet());
                    for (String k : together.keySet()) {
                        assertThat(together.get(k).toDoubleArray()).as(configs.get(i) + " " + k)
                                .containsExactly(alone.get(i).get(k).toDoubleArray());
                    }
                }
            }
        } finally {
            pool.shutdown();
        }
    }
}
