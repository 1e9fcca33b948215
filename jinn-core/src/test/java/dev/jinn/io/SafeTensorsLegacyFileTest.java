package dev.jinn.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file written by jinn before {@link SafeTensors} was split into header, reader, writer and codec
 * ({@code legacy-format.safetensors}, written at commit {@code cebdc7f} by that commit's {@code SafeTensors.write}
 * with every writable type, the narrowed integer types through {@code storeAs}, a transposed view, a 0-dim and an
 * empty tensor, non-ASCII names and metadata) still reads to the same values, and writing those tensors again
 * gives the same bytes.
 */
class SafeTensorsLegacyFileTest {
    private static final Map<String, SafeTensorsDType> NARROWED = new LinkedHashMap<>();

    static {
        for (String n : new String[] {"i8", "u8", "i16", "u16", "i32", "u32", "u64"}) {
            NARROWED.put(n, SafeTensorsDType.valueOf(n.toUpperCase(java.util.Locale.ROOT)));
        }
    }

    private static Path fixture() throws Exception {
        return Path.of(SafeTensorsLegacyFileTest.class.getResource("legacy-format.safetensors").toURI());
    }

    @Test
    void readsTheValuesThatWereWritten() throws Exception {
        SafeTensorsFile f = SafeTensors.read(fixture());
        assertThat(f.metadata()).containsEntry("format", "pt").containsEntry("ünï", "côdé \u2603");
        assertThat(f.tensor("weight").shape()).containsExactly(2, 3);
        assertThat(f.tensor("weight").toFloatArray()).containsExactly(1.5f, -2.25f, 3e-8f, Float.MAX_VALUE, -0f, 7f);
        assertThat(f.tensor("weight.T").shape()).containsExactly(3, 2);
        assertThat(f.tensor("weight.T").toFloatArray()).containsExactly(1f, 4f, 2f, 5f, 3f, 6f);
        assertThat(f.tensor("double").toDoubleArray()).containsExactly(Math.PI, -1e300, Double.MIN_VALUE);
        assertThat(f.tensor("scalar").dim()).isZero();
        assertThat(f.tensor("scalar").item()).isEqualTo(0.125);
        assertThat(f.tensor("empty").shape()).containsExactly(0, 4);
        assertThat(f.tensor("index").toLongArray()).containsExactly(Long.MIN_VALUE, -1, 0, Long.MAX_VALUE);
        assertThat(f.tensor("mask").toBooleanArray()).containsExactly(true, false, true);
        assertThat(f.tensor("i8").toLongArray()).containsExactly(-128, 0, 127);
        assertThat(f.tensor("u8").toLongArray()).containsExactly(0, 200, 255);
        assertThat(f.tensor("i16").toLongArray()).containsExactly(-32768, 1, 32767);
        assertThat(f.tensor("u16").toLongArray()).containsExactly(0, 65535);
        assertThat(f.tensor("i32").toLongArray()).containsExactly(Integer.MIN_VALUE, Integer.MAX_VALUE);
        assertThat(f.tensor("u32").toLongArray()).containsExactly(0, 0xFFFF_FFFFL);
        assertThat(f.tensor("u64").toLongArray()).containsExactly(0, Long.MAX_VALUE);
        assertThat(f.tensor("u64").dtype()).isEqualTo(DType.INT64);
        assertThat(f.tensor("é名").toFloatArray()).containsExactly(42f);
        assertThat(SafeTensors.readMetadata(fixture())).isEqualTo(f.metadata());
    }

    @Test
    void writingTheSameTensorsGivesTheSameBytes(@TempDir Path dir) throws Exception {
        SafeTensorsFile f = SafeTensors.read(fixture());
        Map<String, Tensor> tensors = new LinkedHashMap<>(f.tensors());
        Path again = dir.resolve("again.safetensors");
        SafeTensors.write(again, tensors, f.metadata(), NARROWED);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(fixture()));
    }
}
