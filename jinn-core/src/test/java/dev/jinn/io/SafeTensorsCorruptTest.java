package dev.jinn.io;

import static dev.jinn.io.HandBuiltFile.assemble;
import static dev.jinn.io.HandBuiltFile.f32;
import static dev.jinn.io.HandBuiltFile.i64;
import static dev.jinn.io.HandBuiltFile.u8;
import static dev.jinn.io.HandBuiltFile.withLength;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of broken file gives one SafeTensorsException naming the file, the tensor and the problem. */
class SafeTensorsCorruptTest {
    @TempDir
    Path dir;

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    /** A valid two-float file with the last {@code cut} bytes removed. */
    private static byte[] truncated(int cut) {
        byte[] ok = assemble("{" + entry("w", "F32", "[2]", 0, 8) + "}", f32(1f, 2f));
        return Arrays.copyOf(ok, ok.length - cut);
    }

    static Stream<Arguments> corruptFiles() {
        byte[] eight = f32(1f, 2f);
        return Stream.of(
                // case, bytes, tensor named in the exception (or null), message fragment
                Arguments.of("shorter than the length field", new byte[5], null, "fewer than the 8"),
                Arguments.of("truncated data", truncated(3), "w", "run past the end of the data region (5 bytes)"),
                Arguments.of("truncated header", truncated(20), null, "runs past the end of the file"),
                Arguments.of("header length beyond the file", withLength(1000, "{}".getBytes(StandardCharsets.UTF_8)),
                        null, "header length 1000 runs past the end of the file"),
                Arguments.of("header length negative", withLength(-8, new byte[16]), null,
                        "header length 18446744073709551608 is negative"),
                Arguments.of("header length huge", withLength(1L << 40, new byte[16]), null,
                        "header length 1099511627776 exceeds the limit of 100000000 bytes"),
                Arguments.of("header length zero", withLength(0, new byte[8]), null, "the header is empty"),
                Arguments.of("bad JSON: unterminated", assemble("{\"w\":{\"dtype\":\"F32\",", eight), null,
                        "not valid JSON: unexpected end of text"),
                Arguments.of("bad JSON: trailing comma", assemble("{" + entry("w", "F32", "[2]", 0, 8) + ",}", eight),
                        null, "not valid JSON: unexpected '}', expected a key string"),
                Arguments.of("bad JSON: single quotes", assemble("{'w':1}", eight), null, "not valid JSON"),
                Arguments.of("bad JSON: padding that is not whitespace",
                        assemble("{" + entry("w", "F32", "[2]", 0, 8) + "}\0\0", eight), null,
                        "after the end of the value"),
                Arguments.of("header not UTF-8", withLength(4, new byte[] {'{', (byte) 0xC3, '(', '}'}), null,
                        "not valid UTF-8"),
                Arguments.of("header not an object", assemble("[1, 2]", new byte[0]), null,
                        "the header is an array, expected a JSON object"),
                Arguments.of("entry not an object", assemble("{\"w\":[0, 8]}", eight), "w", "the entry is an array"),
                Arguments.of("unknown dtype", assemble("{" + entry("w", "F17", "[2]", 0, 8) + "}", eight), "w",
                        "unknown dtype \"F17\""),
                Arguments.of("dtype not a string", assemble("{\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}",
                        eight), "w", "dtype is a number"),
                Arguments.of("missing field", assemble("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", eight), "w",
                        "\"shape\" is missing"),
                Arguments.of("unknown field", assemble("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],"
                        + "\"extra\":1}}", eight), "w", "unknown field \"extra\""),
                Arguments.of("negative shape", assemble("{" + entry("w", "F32", "[-2]", 0, 8) + "}", eight), "w",
                        "shape must be an array of non-negative integers, got [-2]"),
                Arguments.of("fractional shape", assemble("{" + entry("w", "F32", "[2.0]", 0, 8) + "}", eight), "w",
                        "shape must be an array of non-negative integers, got [2.0]"),
                Arguments.of("shape not an array", assemble("{" + entry("w", "F32", "2", 0, 8) + "}", eight), "w",
                        "shape must be an array of non-negative integers, got a number"),
                Arguments.of("three offsets", assemble("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}",
                        eight), "w", "data_offsets must be an array of 2 non-negative integers, got 3 values"),
                Arguments.of("offset beyond 64 bits", assemble("{" + entry("w", "F32", "[2]", 0, 8).replace("[0,8]",
                        "[0,18446744073709551616]") + "}", eight), "w", "data_offsets must be an array of 2"),
                Arguments.of("offsets out of range", assemble("{" + entry("w", "F32", "[4]", 0, 16) + "}", eight), "w",
                        "data_offsets [0, 16] run past the end of the data region (8 bytes)"),
                Arguments.of("offsets reversed", assemble("{" + entry("w", "F32", "[2]", 8, 0) + "}", eight), "w",
                        "data_offsets [8, 0] end before they begin"),
                Arguments.of("overlapping offsets", assemble("{" + entry("a", "F32", "[2]", 0, 8) + ","
                        + entry("b", "F32", "[2]", 4, 12) + "}", f32(1f, 2f, 3f)), "b",
                        "data_offsets [4, 12] overlap those of tensor 'a' [0, 8]"),
                Arguments.of("same offsets twice", assemble("{" + entry("a", "F32", "[2]", 0, 8) + ","
                        + entry("b", "F32", "[2]", 0, 8) + "}", eight), "b", "overlap those of tensor 'a'"),
                Arguments.of("hole between tensors", assemble("{" + entry("a", "F32", "[1]", 0, 4) + ","
                        + entry("b", "F32", "[1]", 8, 12) + "}", f32(1f, 2f, 3f)), "b",
                        "leave a hole: bytes [4, 8) of the data region belong to no tensor"),
                Arguments.of("hole before the first tensor", assemble("{" + entry("a", "F32", "[1]", 4, 8) + "}", eight),
                        "a", "bytes [0, 4) of the data region belong to no tensor"),
                Arguments.of("bytes after the last tensor", assemble("{" + entry("a", "F32", "[1]", 0, 4) + "}", eight),
                        null, "the data region has 8 bytes but the tensors cover only 4"),
                Arguments.of("shape/size mismatch", assemble("{" + entry("w", "F32", "[3]", 0, 8) + "}", eight), "w",
                        "shape [3] of F32 needs 12 bytes but data_offsets [0, 8] hold 8"),
                Arguments.of("shape overflowing 64 bits", assemble("{" + entry("w", "F32",
                        "[65536,65536,65536,65536]", 0, 8) + "}", eight), "w", "needs more than"),
                Arguments.of("size above Integer.MAX_VALUE", assemble("{" + entry("w", "U8", "[4294967296]", 0, 8) + "}",
                        eight), "w", "has a size above 2147483647"),
                Arguments.of("duplicate key", assemble("{" + entry("w", "F32", "[1]", 0, 4) + ","
                        + entry("w", "F32", "[1]", 4, 8) + "}", eight), null, "duplicate key \"w\""),
                Arguments.of("duplicate field", assemble("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,8]}}", eight), null, "duplicate key \"dtype\""),
                Arguments.of("non-string metadata", assemble("{\"__metadata__\":{\"epoch\":3}," + entry("w", "F32", "[2]",
                        0, 8) + "}", eight), null, "__metadata__ value of \"epoch\" is a number, expected a string"),
                Arguments.of("null metadata value", assemble("{\"__metadata__\":{\"k\":null}}", new byte[0]), null,
                        "__metadata__ value of \"k\" is null"),
                Arguments.of("metadata not an object", assemble("{\"__metadata__\":\"x\"}", new byte[0]), null,
                        "__metadata__ is a string, expected an object of strings"),
                Arguments.of("BOOL byte other than 0 or 1", assemble("{" + entry("m", "BOOL", "[2]", 0, 2) + "}",
                        u8(1, 2)), "m", "BOOL value 2 at index 1 is neither 0 nor 1"),
                Arguments.of("U64 beyond int64", assemble("{" + entry("u", "U64", "[1]", 0, 8) + "}", i64(-1)), "u",
                        "U64 value 18446744073709551615 at index 0 exceeds the int64 range"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptFiles")
    void corruptFileGivesOneClearError(String name, byte[] bytes, String tensor, String fragment) throws Exception {
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, bytes);
        for (long threshold : new long[] {Long.MAX_VALUE, 0}) { // plain reads and memory-mapped
            SafeTensorsException e = catchThrowableOfType(() -> SafeTensors.read(p, threshold),
                    SafeTensorsException.class);
            assertThat(e).as(name).isNotNull();
            assertThat(e.getMessage()).startsWith("invalid safetensors file " + p + ": ").contains(fragment);
            assertThat(e.file()).isEqualTo(p);
            assertThat(e.tensor()).isEqualTo(tensor);
            if (tensor != null) {
                assertThat(e.getMessage()).contains("tensor '" + tensor + "': ");
            }
        }
    }
}
