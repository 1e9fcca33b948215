package dev.jinn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.nn.Module;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Module.save and Module.load through safetensors files. */
class ModuleFileTest {
    @TempDir
    Path dir;

    /** A parameter pair, an int64 and a bool buffer, a non-persistent buffer, and a child. */
    static final class Tiny extends Module {
        Tiny(long seed, int width) {
            Rng rng = new Rng(seed);
            registerParameter("weight", Tensors.randn(rng, 2, width));
            registerParameter("bias", Tensors.randn(rng, width));
            registerBuffer("steps", Tensors.of(new long[] {seed}), true);
            registerBuffer("mask", Tensors.of(new boolean[] {seed % 2 == 0, true}), true);
            registerBuffer("cache", Tensors.zeros(3), false);
            registerModule("inner", new Inner(rng));
        }
    }

    static final class Inner extends Module {
        Inner(Rng rng) {
            registerParameter("scale", Tensors.randn(rng, DType.FLOAT64, 3));
        }
    }

    /** Copies of every state value, to check that nothing changed. */
    private static Map<String, double[]> snapshot(Module m) {
        Map<String, double[]> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, v.toDoubleArray()));
        return out;
    }

    private static void assertSameState(Map<String, double[]> a, Map<String, double[]> b) {
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        a.forEach((k, v) -> assertThat(Arrays.equals(v, b.get(k))).as(k).isTrue());
    }

    @Test
    void saveThenLoadRestoresEveryValue() throws Exception {
        Tiny source = new Tiny(1, 3);
        Path p = dir.resolve("tiny.safetensors");
        source.save(p);

        SafeTensorsFile file = SafeTensors.read(p);
        assertThat(file.metadata()).containsEntry("format", "jinn").containsEntry("module", Tiny.class.getName());
        assertThat(file.tensors().keySet()).containsExactlyInAnyOrder("weight", "bias", "steps", "mask",
                "inner.scale");
        assertThat(file.tensor("inner.scale").dtype()).isEqualTo(DType.FLOAT64);

        Tiny target = new Tiny(2, 3);
        assertThat(snapshot(target).get("weight")).isNotEqualTo(snapshot(source).get("weight"));
        Tensor weightBefore = target.parameter("weight");
        target.load(p);
        assertSameState(snapshot(target), snapshot(source));
        assertThat(target.parameter("weight")).isSameAs(weightBefore); // loaded in place
        assertThat(target.parameter("weight").requiresGrad()).isTrue();
        assertThat(target.buffer("steps").dtype()).isEqualTo(DType.INT64);
        assertThat(target.buffer("mask").toBooleanArray()).containsExactly(false, true);
    }

    @Test
    void aFileOfAnotherShapeLeavesTheModuleUnchanged() throws Exception {
        Path p = dir.resolve("wide.safetensors");
        new Tiny(1, 4).save(p);
        Tiny target = new Tiny(2, 3);
        Map<String, double[]> before = snapshot(target);
        assertThatThrownBy(() -> target.load(p))
                .isInstanceOf(StateDictException.class)
                .hasMessageContaining("Tiny from " + p)
                .hasMessageContaining("weight: expected [2, 3], got [2, 4]")
                .hasMessageContaining("nothing was loaded");
        assertSameState(snapshot(target), before);
    }

    @Test
    void aCorruptFileLeavesTheModuleUnchanged() throws Exception {
        Path p = dir.resolve("tiny.safetensors");
        new Tiny(1, 3).save(p);
        byte[] bytes = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(bytes, bytes.length - 1));
        Tiny target = new Tiny(2, 3);
        Map<String, double[]> before = snapshot(target);
        assertThatThrownBy(() -> target.load(p))
                .isInstanceOf(SafeTensorsException.class)
                .hasMessageContaining("run past the end of the data region");
        assertSameState(snapshot(target), before);
    }

    @Test
    void strictLoadingRejectsExtraOrMissingKeysAndLenientLoadingAcceptsThem() throws Exception {
        Tiny source = new Tiny(1, 3);
        Map<String, Tensor> extra = new LinkedHashMap<>(source.stateDict());
        extra.put("unused", Tensors.zeros(1));
        extra.remove("bias");
        Path p = dir.resolve("extra.safetensors");
        SafeTensors.write(p, extra);

        Tiny target = new Tiny(2, 3);
        Map<String, double[]> before = snapshot(target);
        assertThatThrownBy(() -> target.load(p))
                .isInstanceOf(StateDictException.class)
                .hasMessageContaining("missing keys: bias")
                .hasMessageContaining("unexpected keys: unused");
        assertSameState(snapshot(target), before);

        target.load(p, false);
        assertThat(target.parameter("weight").toDoubleArray()).isEqualTo(source.parameter("weight").toDoubleArray());
        assertThat(target.parameter("bias").toDoubleArray()).isEqualTo(before.get("bias"));
    }

    @Test
    void valuesAreConvertedToTheModulesDtypes() throws Exception {
        Tiny source = new Tiny(1, 3);
        Map<String, Tensor> asDoubles = new LinkedHashMap<>();
        source.stateDict().forEach((k, v) -> asDoubles.put(k, v.dtype().isFloatingPoint() ? v.to(DType.FLOAT64) : v));
        Path p = dir.resolve("f64.safetensors");
        SafeTensors.write(p, asDoubles);
        Tiny target = new Tiny(2, 3);
        target.load(p);
        assertThat(target.parameter("weight").dtype()).isEqualTo(DType.FLOAT32);
        assertThat(target.parameter("weight").toFloatArray()).isEqualTo(source.parameter("weight").toFloatArray());
    }
}
