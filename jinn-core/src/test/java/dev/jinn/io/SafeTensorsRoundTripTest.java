package dev.jinn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Write then read gives back the same tensors; failed writes leave nothing behind. */
class SafeTensorsRoundTripTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> allKinds() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("f32", Tensors.of(new float[] {1.5f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE,
            Float.MAX_VALUE}, 2, 3));
        m.put("f64", Tensors.of(new double[] {Math.PI, -0.0, Double.NEGATIVE_INFINITY, Double.MIN_VALUE}, 4, 1));
        m.put("i64", Tensors.of(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, 2, 2));
        m.put("bool", Tensors.of(new boolean[] {true, false, false, true, true}));
        m.put("scalar_f32", Tensors.scalar(2.5));
        m.put("scalar_f64", Tensors.scalar(-7.25, DType.FLOAT64));
        m.put("scalar_i64", Tensors.of(new long[] {42}).reshape());
        m.put("scalar_bool", Tensors.of(new boolean[] {true}).reshape());
        m.put("empty_f32", Tensors.of(new float[0], 0));
        m.put("empty_f64", Tensors.of(new double[0], 2, 0, 3));
        m.put("empty_i64", Tensors.of(new long[0], 0, 5));
        m.put("empty_bool", Tensors.of(new boolean[0], 3, 0));
        Tensor base = Tensors.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4);
        m.put("transposed", base.t());
        m.put("strided", base.slice(1, 0, 4, 2));
        m.put("expanded", Tensors.of(new long[] {1, 2, 3}).expand(2, 3));
        m.put("requires_grad", Tensors.randn(new Rng(1), 3, 2).requiresGrad(true));
        return m;
    }

    private static void assertSameTensor(String name, Tensor actual, Tensor expected) {
        assertThat(actual.shape()).as(name).containsExactly(expected.shape());
        assertThat(actual.dtype()).as(name).isEqualTo(expected.dtype());
        if (actual.numel() > 0) { // Tensor reports e.g. a fresh [2, 0, 3] tensor as non-contiguous
            assertThat(actual.isContiguous()).as(name).isTrue();
        }
        switch (expected.dtype()) {
            case FLOAT32: {
                float[] a = actual.toFloatArray();
                float[] e = expected.toFloatArray();
                assertThat(a).as(name).hasSameSizeAs(e);
                for (int i = 0; i < e.length; i++) {
                    assertThat(Float.floatToRawIntBits(a[i])).as(name + "[" + i + "]")
                            .isEqualTo(Float.floatToRawIntBits(e[i]));
                }
                break;
            }
            case FLOAT64: {
                double[] a = actual.toDoubleArray();
                double[] e = expected.toDoubleArray();
                assertThat(a).as(name).hasSameSizeAs(e);
                for (int i = 0; i < e.length; i++) {
                    assertThat(Double.doubleToRawLongBits(a[i])).as(name + "[" + i + "]")
                            .isEqualTo(Double.doubleToRawLongBits(e[i]));
                }
                break;
            }
            case INT64: assertThat(actual.toLongArray()).as(name).containsExactly(expected.toLongArray()); break;
            default: assertThat(actual.toBooleanArray()).as(name).containsExactly(expected.toBooleanArray()); break;
        }
    }

    @Test
    void everyDtypeAndShapeRoundTrips() throws Exception {
        Map<String, Tensor> tensors = allKinds();
        Map<String, String> metadata = Map.of("format", "jinn", "note", "äöü \"quoted\" \\ \n", "", "empty key");
        Path p = dir.resolve("all.safetensors");
        SafeTensors.write(p, tensors, metadata);
        for (long threshold : new long[] {Long.MAX_VALUE, 0}) {
            SafeTensorsFile file = SafeTensors.read(p, threshold);
            assertThat(file.tensors().keySet()).containsExactlyInAnyOrderElementsOf(tensors.keySet());
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                assertSameTensor(e.getKey(), file.tensor(e.getKey()), e.getValue());
            }
            assertThat(file.metadata()).isEqualTo(metadata);
            assertThat(file.tensors().values()).noneMatch(Tensor::requiresGrad);
        }
        assertThat(SafeTensors.readMetadata(p)).isEqualTo(metadata);
        assertThat(Files.list(dir).map(Path::getFileName).map(Path::toString)).containsExactly("all.safetensors");
    }

    @Test
    void largeTensorsCrossChunkBoundaries() throws Exception {
        Tensor big = Tensors.randn(new Rng(7), DType.FLOAT64, 400, 700); // 2.2 MB: several write and read chunks
        Tensor ints = Tensors.randint(new Rng(8), -100, 100, 300_000);
        Path p = dir.resolve("big.safetensors");
        SafeTensors.write(p, Map.of("big", big, "ints", ints), null, Map.of("ints", SafeTensorsDType.I8));
        SafeTensorsFile file = SafeTensors.read(p);
        assertThat(file.tensor("big").toDoubleArray()).isEqualTo(big.toDoubleArray());
        assertThat(file.tensor("ints").toLongArray()).isEqualTo(ints.toLongArray());
        assertThat(Files.size(p)).isLessThan(8L * 400 * 700 + 300_000 + 200);
    }

    @ParameterizedTest
    @EnumSource(value = SafeTensorsDType.class, names = {"U8", "I8", "I16", "U16", "I32", "U32", "U64", "I64"})
    void int64CanBeStoredAsASmallerIntegerType(SafeTensorsDType type) throws Exception {
        long[][] ranges = {
            {0, 255}, {-128, 127}, {-32768, 32767}, {0, 65535}, {Integer.MIN_VALUE, Integer.MAX_VALUE},
            {0, 4294967295L}, {0, Long.MAX_VALUE}, {Long.MIN_VALUE, Long.MAX_VALUE}};
        long[] range = ranges[List.of("U8", "I8", "I16", "U16", "I32", "U32", "U64", "I64").indexOf(type.name())];
        Tensor t = Tensors.of(new long[] {range[0], range[1], 0, 1}, 2, 2);
        Path p = dir.resolve("ints.safetensors");
        SafeTensors.write(p, Map.of("t", t), Map.of(), Map.of("t", type));
        String header = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        assertThat(header).contains("\"dtype\":\"" + type + "\"");
        Tensor back = SafeTensors.read(p).tensor("t");
        assertThat(back.dtype()).isEqualTo(DType.INT64);
        assertThat(back.shape()).containsExactly(2, 2);
        assertThat(back.toLongArray()).containsExactly(range[0], range[1], 0, 1);

        if (type != SafeTensorsDType.I64) {
            long outside = range[0] == 0 ? -1 : range[1] + 1;
            Tensor bad = Tensors.of(new long[] {0, outside});
            assertThatThrownBy(() -> SafeTensors.write(dir.resolve("bad"), Map.of("b", bad), null, Map.of("b", type)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tensor 'b': value " + outside + " at index 1 does not fit " + type);
            assertThat(dir.resolve("bad")).doesNotExist();
        }
    }

    @Test
    void invalidWriteArgumentsAreRejectedBeforeTouchingTheDisk() {
        Tensor f = Tensors.of(new float[] {1f});
        Tensor i = Tensors.of(new long[] {1});
        Path p = dir.resolve("x.safetensors");
        assertThatThrownBy(() -> SafeTensors.write(p, Map.of("f", f), null, Map.of("f", SafeTensorsDType.I32)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 'f' of type float32 cannot be stored as I32");
        assertThatThrownBy(() -> SafeTensors.write(p, Map.of("f", f), null, Map.of("f", SafeTensorsDType.F16)))
                .hasMessageContaining("F16 is read-only");
        assertThatThrownBy(() -> SafeTensors.write(p, Map.of("i", i), null, Map.of("j", SafeTensorsDType.I32)))
                .hasMessageContaining("storeAs names 'j', which is not among the tensors");
        assertThatThrownBy(() -> SafeTensors.write(p, Map.of("__metadata__", f)))
                .hasMessageContaining("'__metadata__' is reserved");
        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("n", null);
        assertThatThrownBy(() -> SafeTensors.write(p, withNull)).hasMessageContaining("tensor 'n' is null");
        assertThatThrownBy(() -> SafeTensors.write(p, Map.of("bad\uD800", f)))
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> SafeTensors.write(p, Map.of(), Map.of("k", "v\uDC00")))
                .hasMessageContaining("metadata value");
        assertThat(p).doesNotExist();
    }

    private List<String> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void aWriteFailingHalfwayLeavesTheExistingFileByteIdentical() throws Exception {
        Path p = dir.resolve("model.safetensors");
        SafeTensors.write(p, Map.of("w", Tensors.of(new float[] {1f, 2f})), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(p);

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensors.randn(new Rng(3), 1000)); // written before the failing tensor
        tensors.put("z", Tensors.of(new long[] {1, 2, 300})); // 300 does not fit U8: fails while writing data
        assertThatThrownBy(() -> SafeTensors.write(p, tensors, Map.of("v", "2"), Map.of("z", SafeTensorsDType.U8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value 300 at index 2 does not fit U8 (range 0..255)");

        assertThat(Files.readAllBytes(p)).isEqualTo(before);
        assertThat(listing()).containsExactly("model.safetensors");
        assertThat(SafeTensors.read(p).metadata()).containsEntry("v", "1");
    }

    @Test
    void aSuccessfulWriteReplacesTheFileAndLeavesNoTemporaryFiles() throws Exception {
        Path p = dir.resolve("model.safetensors");
        SafeTensors.write(p, Map.of("w", Tensors.of(new float[] {1f, 2f})));
        SafeTensors.write(p, Map.of("w", Tensors.of(new float[] {3f, 4f, 5f})));
        assertThat(SafeTensors.read(p).tensor("w").toFloatArray()).containsExactly(3f, 4f, 5f);
        assertThat(listing()).containsExactly("model.safetensors");
    }

    @Test
    void writingIntoAMissingDirectoryOrOverADirectoryFailsCleanly() throws Exception {
        Map<String, Tensor> t = Map.of("w", Tensors.of(new float[] {1f}));
        assertThatThrownBy(() -> SafeTensors.write(dir.resolve("missing/model.safetensors"), t))
                .isInstanceOf(NoSuchFileException.class);
        Files.createDirectory(dir.resolve("sub"));
        assertThatThrownBy(() -> SafeTensors.write(dir.resolve("sub"), t))
                .hasMessageContaining("it is a directory");
        assertThat(listing()).containsExactly("sub");
        assertThatThrownBy(() -> SafeTensors.read(dir.resolve("nothing.safetensors")))
                .isInstanceOf(NoSuchFileException.class);
    }
}
