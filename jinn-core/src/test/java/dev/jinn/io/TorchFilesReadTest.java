package dev.jinn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files made by a real {@code torch.save} (PyTorch's zip format and the legacy stream) read back with the
 * values torch wrote: state dicts, checkpoints with optimizer state and plain values, every dtype, views.
 */
class TorchFilesReadTest {
    @ParameterizedTest
    @ValueSource(strings = {"zip", "legacy"})
    void stateDictHasTorchsKeysShapesDtypesAndValues(String format) throws Exception {
        TorchFile file = TorchFiles.read(TorchFixture.path("state_dict_" + format + ".pt"));
        Map<String, TorchFixture.Expected> expected = TorchFixture.expected("state_dict");
        assertThat(file.tensors().keySet()).containsExactlyElementsOf(expected.keySet());
        for (Map.Entry<String, TorchFixture.Expected> e : expected.entrySet()) {
            Tensor t = file.tensor(e.getKey());
            assertThat(t.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
            assertThat(t.dtype()).as(e.getKey()).isEqualTo(TorchFixture.jinnType(e.getValue().dtype()));
            assertThat(t.toDoubleArray()).as(e.getKey()).containsExactly(e.getValue().values());
            assertThat(t.requiresGrad()).isFalse();
        }
        assertThat(file.tensor("1.num_batches_tracked").dim()).isZero();
        assertThat(file.tensor("1.num_batches_tracked").item()).isEqualTo(1.0);
        assertThat(file.values()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zip", "legacy"})
    void checkpointFlattensModelOptimizerAndPlainValues(String format) throws Exception {
        TorchFile file = TorchFiles.read(TorchFixture.path("checkpoint_" + format + ".pt"));
        assertThat(file.tensors()).containsKeys("model_state_dict.0.weight", "model_state_dict.2.bias",
                "optimizer_state_dict.state.0.exp_avg", "optimizer_state_dict.state.5.exp_avg_sq");
        for (Map.Entry<String, TorchFixture.Expected> e : TorchFixture.expected("checkpoint_adam_state_0").entrySet()) {
            Tensor t = file.tensor("optimizer_state_dict.state.0." + e.getKey());
            assertThat(t.shape()).containsExactly(e.getValue().shape());
            assertThat(t.toDoubleArray()).as(e.getKey()).containsExactly(e.getValue().values());
        }
        Map<String, Object> v = file.values();
        assertThat(v.get("epoch")).isEqualTo(7L);
        assertThat(v.get("config.hidden")).isEqualTo(4L);
        assertThat(v.get("config.lr")).isEqualTo(0.001);
        assertThat(v.get("config.name")).isEqualTo("tiny");
        assertThat(v.get("config.flag")).isEqualTo(Boolean.TRUE);
        assertThat(v).containsKey("config.nothing");
        assertThat(v.get("config.nothing")).isNull();
        assertThat(v.get("config.betas.1")).isEqualTo(0.999);
        assertThat(v.get("config.big")).isEqualTo(BigInteger.TWO.pow(70));
        assertThat(v.get("config.neg")).isEqualTo(-5L);
        assertThat(v.get("config.dtype")).isEqualTo("torch.float32");
        assertThat(v.get("config.device")).isEqualTo("cpu");
        assertThat((byte[]) v.get("config.blob")).containsExactly(0, 1, 'j', 'i', 'n', 'n');
        assertThat(v.get("optimizer_state_dict.param_groups.0.lr")).isEqualTo(0.001);
        assertThat(v.get("optimizer_state_dict.param_groups.0.params.5")).isEqualTo(5L);

        Map<?, ?> root = (Map<?, ?>) file.root();
        assertThat(List.<Object>copyOf(root.keySet())).isEqualTo(List.of("epoch", "model_state_dict", "optimizer_state_dict", "config"));
        Map<?, ?> config = (Map<?, ?>) root.get("config");
        assertThat(config.get("sizes")).isEqualTo(List.of(3L, 4L, 2L));
        assertThat(config.get("betas")).isEqualTo(List.of(0.9, 0.999));
        assertThat(((Map<?, ?>) root.get("model_state_dict")).get("0.bias"))
                .isSameAs(file.tensor("model_state_dict.0.bias"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"zip", "legacy"})
    void everyDtypeWidensExactly(String format) throws Exception {
        TorchFile file = TorchFiles.read(TorchFixture.path("dtypes_" + format + ".pt"));
        assertThat(file.tensor("f64").toDoubleArray()).containsExactly(1.5, -2.25, 1e-310, Double.POSITIVE_INFINITY);
        assertThat(file.tensor("f32").dtype()).isEqualTo(DType.FLOAT32);
        assertThat(file.tensor("f32").toFloatArray()).containsExactly(1.5f, -2.25f, 1e-40f, Float.NEGATIVE_INFINITY);
        Tensor f16 = file.tensor("f16");
        assertThat(f16.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f16.toFloatArray()).containsExactly(1.5f, -2.25f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, -0.0f);
        assertThat(Float.floatToRawIntBits(f16.toFloatArray()[5])).isEqualTo(0x8000_0000);
        Tensor bf16 = file.tensor("bf16");
        assertThat(bf16.dtype()).isEqualTo(DType.FLOAT32);
        // 3.0e38 is not a bfloat16: torch rounds it to the nearest one, 0x7F62 in the upper half.
        assertThat(bf16.toFloatArray()).containsExactly(1.5f, -2.25f, Float.intBitsToFloat(0x7F62_0000), 0x1p-126f);
        assertThat(file.tensor("i64").toLongArray()).containsExactly(Long.MIN_VALUE, Long.MAX_VALUE, 0);
        assertThat(file.tensor("i32").toLongArray()).containsExactly(Integer.MIN_VALUE, Integer.MAX_VALUE, 7);
        assertThat(file.tensor("i16").toLongArray()).containsExactly(Short.MIN_VALUE, Short.MAX_VALUE);
        assertThat(file.tensor("i8").toLongArray()).containsExactly(-128, 127);
        assertThat(file.tensor("u8").toLongArray()).containsExactly(0, 255, 128);
        for (String k : List.of("i64", "i32", "i16", "i8", "u8")) {
            assertThat(file.tensor(k).dtype()).as(k).isEqualTo(DType.INT64);
        }
        assertThat(file.tensor("bool").dtype()).isEqualTo(DType.BOOL);
        assertThat(file.tensor("bool").toBooleanArray()).containsExactly(true, false, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"zip", "legacy"})
    void viewsOfOneStorageKeepTheirOffsetsAndStrides(String format) throws Exception {
        Path path = TorchFixture.path("views_" + format + ".pt");
        for (long threshold : new long[] {0, Long.MAX_VALUE}) {            // memory-mapped and read
            TorchFile file = TorchFiles.read(path, threshold);
            assertThat(file.tensor("base").toDoubleArray()).containsExactly(arange(0, 24, 1));
            Tensor t = file.tensor("t");
            assertThat(t.shape()).containsExactly(6, 4);
            assertThat(t.toDoubleArray()).containsExactly(file.tensor("base").t().toDoubleArray());
            assertThat(file.tensor("row").toDoubleArray()).containsExactly(arange(6, 12, 1));
            assertThat(file.tensor("col").toDoubleArray()).containsExactly(2, 8, 14, 20);
            assertThat(file.tensor("block").shape()).containsExactly(2, 3);
            assertThat(file.tensor("block").toDoubleArray()).containsExactly(6, 8, 10, 12, 14, 16);
            assertThat(file.tensor("item").dim()).isZero();
            assertThat(file.tensor("item").item()).isEqualTo(15.0);
            assertThat(file.tensor("scalar").dim()).isZero();
            assertThat(file.tensor("scalar").dtype()).isEqualTo(DType.FLOAT32);
            assertThat(file.tensor("scalar").item()).isEqualTo(3.5);
            assertThat(file.tensor("empty").shape()).containsExactly(0, 3);
            assertThat(file.tensor("tail").shape()).containsExactly(0);
            assertThat(file.tensor("expanded").shape()).containsExactly(3, 2);
            assertThat(file.tensor("expanded").toLongArray()).containsExactly(2, 5, 2, 5, 2, 5);
            assertThat(file.tensor("nested.0").toDoubleArray()).containsExactly(arange(18, 24, 1));
            assertThat(file.tensor("nested.1.0").toBooleanArray()).containsExactly(true);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zip", "legacy"})
    void stateDictSearchFindsTheModelInACheckpoint(String format) throws Exception {
        Path path = TorchFixture.path("checkpoint_" + format + ".pt");
        Map<String, Tensor> sd = TorchFiles.readStateDict(path, null);
        assertThat(sd.keySet()).containsExactlyElementsOf(TorchFixture.expected("state_dict").keySet());
        Map<String, Tensor> adam = TorchFiles.readStateDict(path, "optimizer_state_dict.state.0");
        assertThat(adam.keySet()).containsExactly("step", "exp_avg", "exp_avg_sq");
        assertThatThrownBy(() -> TorchFiles.readStateDict(path, "encoder."))
                .isInstanceOf(TorchFileException.class).hasMessageContaining("no tensor under the prefix 'encoder.'");
        Path plain = TorchFixture.path("state_dict_" + format + ".pt");
        assertThat(TorchFiles.readStateDict(plain, null).keySet()).containsExactlyElementsOf(sd.keySet());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void protocolsTwoAndFourGiveTheSameValues(int protocol) throws Exception {
        TorchFile file = TorchFiles.read(TorchFixture.path("protocol" + protocol + "_zip.pt"));
        assertThat(file.tensor("w").toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(file.tensor("shared.0")).isSameAs(file.tensor("w"));
        assertThat(file.tensor("shared.1")).isSameAs(file.tensor("w"));
        Map<?, ?> root = (Map<?, ?>) file.root();
        assertThat(root.get("tags")).isEqualTo(java.util.Set.of("a", "b"));
        assertThat(root.get("frozen")).isEqualTo(java.util.Set.of(3L));
        assertThat(file.values().get("big")).isEqualTo(BigInteger.TWO.pow(100));
        assertThat(file.values().get("neg")).isEqualTo(-(1L << 40));
        assertThat(file.values().get("text")).isEqualTo("\u00fc\u20ac\uD83D\uDE00");
        assertThat((byte[]) file.values().get("raw")).containsExactly(0xff, 0x00);
    }

    private static double[] arange(int from, int to, int step) {
        double[] out = new double[(to - from + step - 1) / step];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i * step;
        }
        return out;
    }
}
