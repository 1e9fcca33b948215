package dev.jinn.io;

import static dev.jinn.io.HandBuiltFile.f32;
import static dev.jinn.io.HandBuiltFile.f64;
import static dev.jinn.io.HandBuiltFile.i32;
import static dev.jinn.io.HandBuiltFile.i64;
import static dev.jinn.io.HandBuiltFile.u16;
import static dev.jinn.io.HandBuiltFile.u8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files assembled by hand are read correctly, and the writer's bytes match the format read independently. */
class SafeTensorsFormatTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryDtypeFromAHandBuiltFile() throws Exception {
        HandBuiltFile f = new HandBuiltFile()
                .metadata("{\"format\": \"pt\", \"note\": \"caf\\u00e9\\nline\"}")
                // 1, -2.5, 65504, 2^-24 (smallest subnormal), largest subnormal, smallest normal, +inf, -inf, NaN, -0
                .add("half", "F16", "[10]", u16(0x3C00, 0xC100, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x7C00, 0xFC00,
                        0x7E00, 0x8000))
                // 1, -2.5, 3.140625, inf, NaN, 2^-133 (smallest subnormal)
                .add("brain", "BF16", "[2, 3]", u16(0x3F80, 0xC020, 0x4049, 0x7F80, 0x7FC0, 0x0001))
                .add("int32", "I32", "[3]", i32(Integer.MIN_VALUE, 0, Integer.MAX_VALUE))
                .add("int8", "I8", "[4]", u8(-128, -1, 0, 127))
                .add("uint8", "U8", "[3]", u8(0, 200, 255))
                .add("int16", "I16", "[2]", u16(0x8000, 0x7FFF))
                .add("uint16", "U16", "[2]", u16(0xFFFF, 1))
                .add("uint32", "U32", "[1]", i32(-1))
                .add("uint64", "U64", "[1]", i64(Long.MAX_VALUE))
                .add("scalar", "F64", "[]", f64(-0.125))
                .add("flags", "BOOL", "[2]", u8(1, 0))
                .add("long", "I64", "[2, 1]", i64(Long.MIN_VALUE, 7))
                .add("empty", "F32", "[0, 3]", new byte[0])
                .add("float", "F32", "[2]", f32(1.5f, -3f));
        Path p = dir.resolve("hand.safetensors");
        Files.write(p, f.bytes(5));

        SafeTensorsFile file = SafeTensors.read(p);
        assertThat(file.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("note", "café\nline"));
        assertThat(file.tensors().keySet()).containsExactly("half", "brain", "int32", "int8", "uint8", "int16",
                "uint16", "uint32", "uint64", "scalar", "flags", "long", "empty", "float");

        Tensor half = file.tensor("half");
        assertThat(half.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(half.shape()).containsExactly(10);
        float[] h = half.toFloatArray();
        assertThat(h[0]).isEqualTo(1.0f);
        assertThat(h[1]).isEqualTo(-2.5f);
        assertThat(h[2]).isEqualTo(65504f);
        assertThat(h[3]).isEqualTo((float) Math.pow(2, -24));
        assertThat(h[4]).isEqualTo(1023 * (float) Math.pow(2, -24));
        assertThat(h[5]).isEqualTo((float) Math.pow(2, -14));
        assertThat(h[6]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(h[7]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(h[8]).isNaN();
        assertThat(Float.floatToRawIntBits(h[9])).isEqualTo(0x8000_0000);

        Tensor brain = file.tensor("brain");
        assertThat(brain.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(brain.shape()).containsExactly(2, 3);
        float[] b = brain.toFloatArray();
        assertThat(b[0]).isEqualTo(1.0f);
        assertThat(b[1]).isEqualTo(-2.5f);
        assertThat(b[2]).isEqualTo(3.140625f);
        assertThat(b[3]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(b[4]).isNaN();
        assertThat(b[5]).isEqualTo((float) Math.pow(2, -133)).isGreaterThan(0f);

        assertThat(file.tensor("int32").dtype()).isEqualTo(DType.INT64);
        assertThat(file.tensor("int32").toLongArray()).containsExactly(Integer.MIN_VALUE, 0, Integer.MAX_VALUE);
        assertThat(file.tensor("int8").toLongArray()).containsExactly(-128, -1, 0, 127);
        assertThat(file.tensor("uint8").toLongArray()).containsExactly(0, 200, 255);
        assertThat(file.tensor("int16").toLongArray()).containsExactly(-32768, 32767);
        assertThat(file.tensor("uint16").toLongArray()).containsExactly(65535, 1);
        assertThat(file.tensor("uint32").toLongArray()).containsExactly(4294967295L);
        assertThat(file.tensor("uint64").toLongArray()).containsExactly(Long.MAX_VALUE);

        Tensor scalar = file.tensor("scalar");
        assertThat(scalar.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(scalar.dim()).isZero();
        assertThat(scalar.item()).isEqualTo(-0.125);
        assertThat(file.tensor("flags").dtype()).isEqualTo(DType.BOOL);
        assertThat(file.tensor("flags").toBooleanArray()).containsExactly(true, false);
        assertThat(file.tensor("long").shape()).containsExactly(2, 1);
        assertThat(file.tensor("long").toLongArray()).containsExactly(Long.MIN_VALUE, 7);
        assertThat(file.tensor("empty").shape()).containsExactly(0, 3);
        assertThat(file.tensor("empty").numel()).isZero();
        assertThat(file.tensor("float").toFloatArray()).containsExactly(1.5f, -3f);
        assertThat(file.tensors().values()).noneMatch(Tensor::requiresGrad);
    }

    @Test
    void everyHalfBitPatternConvertsExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = SafeTensorsCodec.halfToFloat((short) bits);
            int exponent = (bits >>> 10) & 0x1F;
            int mantissa = bits & 0x3FF;
            double sign = (bits & 0x8000) != 0 ? -1 : 1;
            if (exponent == 0x1F) {
                assertThat(mantissa == 0 ? Float.isInfinite(f) : Float.isNaN(f)).as("bits %04x", bits).isTrue();
                continue;
            }
            double expected = exponent == 0
                    ? sign * mantissa * Math.pow(2, -24)
                    : sign * (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            assertThat((double) f).as("bits %04x", bits).isEqualTo(expected);
            assertThat(Math.copySign(1.0, f)).isEqualTo(sign);
        }
    }

    @Test
    void mappedAndPlainReadsAgree() throws Exception {
        float[] big = new float[300_000]; // more than one 1 MiB read chunk
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.5f;
        }
        HandBuiltFile f = new HandBuiltFile().add("big", "F32", "[300000]", f32(big))
                .add("half", "F16", "[2]", u16(0x3C00, 0xC100))
                .add("bytes", "U8", "[3]", u8(1, 2, 255));
        Path p = dir.resolve("big.safetensors");
        Files.write(p, f.bytes(0));
        SafeTensorsFile plain = SafeTensors.read(p, Long.MAX_VALUE);
        SafeTensorsFile mapped = SafeTensors.read(p, 0);
        assertThat(plain.tensor("big").toFloatArray()).isEqualTo(big);
        assertThat(mapped.tensor("big").toFloatArray()).isEqualTo(big);
        assertThat(mapped.tensor("half").toFloatArray()).containsExactly(1f, -2.5f);
        assertThat(mapped.tensor("bytes").toLongArray()).containsExactly(1, 2, 255);
    }

    @Test
    void writerBytesFollowTheFormat() throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensors.of(new float[] {1f, -2f, 0.5f, 3f}, 2, 2));
        tensors.put("flag", Tensors.of(new boolean[] {true, false, true}));
        tensors.put("idx", Tensors.of(new long[] {-1, 1L << 40}));
        tensors.put("b", Tensors.of(new double[] {0.25}, 1));
        tensors.put("small", Tensors.of(new long[] {-5, 100}));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("z", "last \"quoted\"");
        metadata.put("a", "first");
        Path p = dir.resolve("ours.safetensors");
        SafeTensors.write(p, tensors, metadata, Map.of("small", SafeTensorsDType.I8));

        byte[] bytes = Files.readAllBytes(p);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String json = header.stripTrailing();
        assertThat(header.substring(json.length())).matches(" *");
        // metadata first with sorted keys, then by dtype (I64 > F64 > F32 > I8 > BOOL), data contiguous
        assertThat(json).isEqualTo("{\"__metadata__\":{\"a\":\"first\",\"z\":\"last \\\"quoted\\\"\"},"
                + "\"idx\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[24,40]},"
                + "\"small\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[40,42]},"
                + "\"flag\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[42,45]}}");
        int d = 8 + (int) n;
        assertThat(bytes.length).isEqualTo(d + 45);
        assertThat(buf.getLong(d)).isEqualTo(-1L);
        assertThat(buf.getLong(d + 8)).isEqualTo(1L << 40);
        assertThat(buf.getDouble(d + 16)).isEqualTo(0.25);
        assertThat(new float[] {buf.getFloat(d + 24), buf.getFloat(d + 28), buf.getFloat(d + 32),
            buf.getFloat(d + 36)}).containsExactly(1f, -2f, 0.5f, 3f);
        assertThat(new byte[] {bytes[d + 40], bytes[d + 41]}).containsExactly(-5, 100);
        assertThat(new byte[] {bytes[d + 42], bytes[d + 43], bytes[d + 44]}).containsExactly(1, 0, 1);
    }

    @Test
    void writingIsDeterministicWhateverTheMapOrder() throws Exception {
        Map<String, Tensor> one = new LinkedHashMap<>();
        one.put("b", Tensors.of(new float[] {1f}));
        one.put("a", Tensors.of(new float[] {2f}));
        one.put("é", Tensors.of(new float[] {3f}));
        one.put("\uD83D\uDE00", Tensors.of(new float[] {4f})); // a supplementary character sorts after é by UTF-8
        Map<String, Tensor> two = new LinkedHashMap<>();
        for (String k : new String[] {"\uD83D\uDE00", "é", "a", "b"}) {
            two.put(k, one.get(k));
        }
        SafeTensors.write(dir.resolve("1"), one, Map.of("k", "v"));
        SafeTensors.write(dir.resolve("2"), two, Map.of("k", "v"));
        assertThat(Files.readAllBytes(dir.resolve("1"))).isEqualTo(Files.readAllBytes(dir.resolve("2")));
        assertThat(SafeTensors.read(dir.resolve("1")).tensors().keySet()).containsExactly("a", "b", "é",
                "\uD83D\uDE00");
    }

    @Test
    void emptyFileHasAPaddedEmptyHeader() throws Exception {
        Path p = dir.resolve("empty.safetensors");
        SafeTensors.write(p, Map.of());
        byte[] bytes = Files.readAllBytes(p);
        assertThat(bytes).hasSize(16);
        assertThat(new String(bytes, 8, 8, StandardCharsets.UTF_8)).isEqualTo("{}      ");
        SafeTensorsFile file = SafeTensors.read(p);
        assertThat(file.tensors()).isEmpty();
        assertThat(file.metadata()).isEmpty();
    }
}
