package dev.jinn.io;

import dev.jinn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format: an 8-byte
 * little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON, then the raw little-endian tensor
 * data. The header maps each tensor name to {@code {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]}}
 * (offsets relative to the first byte after the header) and may hold a string map under
 * {@code __metadata__}.
 *
 * <h2>Reading</h2>
 * {@link #read(Path)} validates the whole header before any data is touched or any tensor created: the header
 * length (at most {@link #MAX_HEADER_BYTES} and inside the file), strict JSON (no duplicate keys), every
 * entry's fields and dtype, non-negative integer shapes, offsets inside the data region whose length equals
 * {@code numel × itemsize}, entries that neither overlap nor leave holes and together cover the data region
 * exactly, and {@code __metadata__} values that are all strings. Data values are then decoded (a BOOL byte
 * other than 0 or 1, or a U64 value above {@link Long#MAX_VALUE}, is also an error) and only then are tensors
 * created. Every problem is one {@link SafeTensorsException} naming the file, the tensor and what is wrong.
 * Types map as described in {@link SafeTensorsDType}: F16 and BF16 become FLOAT32 (exactly), the smaller and
 * unsigned integer types become INT64. Large files are memory-mapped.
 *
 * <h2>Writing</h2>
 * {@link #write(Path, Map, Map, Map)} stores FLOAT32, FLOAT64, INT64 and BOOL tensors as F32, F64, I64 and BOOL,
 * or an INT64 tensor as a smaller integer type on request (every value range-checked). The layout follows the
 * reference implementation, so the same tensors give the same bytes: {@code __metadata__} first (keys sorted),
 * then the tensors ordered by dtype (larger item sizes first, so each is aligned to its item size) and name,
 * data contiguous in that order, and the header padded with spaces to a multiple of 8 bytes. Views that are not
 * contiguous are written in row-major order. The file is written to a temporary file in the same directory,
 * forced to disk and atomically moved over the target; if anything fails, the temporary file is removed and an
 * existing target is left untouched.
 *
 * <p>This class is the format's entry point; the work is done by {@code SafeTensorsHeader} (parsing and validating
 * the header), {@code SafeTensorsReader}, {@code SafeTensorsWriter} and {@code SafeTensorsCodec} (bytes to and from
 * primitive arrays).
 */
public final class SafeTensors {
    /** The largest header accepted when reading (as in the reference implementation): 100 MB. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Files at least this large are memory-mapped when read; smaller ones are read with plain reads. */
    static final long DEFAULT_MMAP_THRESHOLD = 64L << 20;

    private SafeTensors() {
    }

    /**
     * Reads a safetensors file, validating it completely before creating any tensor.
     *
     * @param path the file
     * @return its tensors (in header order, none requiring gradients) and metadata
     * @throws SafeTensorsException when the file is not a valid safetensors file
     * @throws IOException          when it cannot be read
     */
    public static SafeTensorsFile read(Path path) throws IOException {
        return read(path, DEFAULT_MMAP_THRESHOLD);
    }

    /**
     * Reads a safetensors file, memory-mapping it when it has at least {@code mmapThreshold} bytes.
     *
     * @param path          the file
     * @param mmapThreshold the smallest file size that is memory-mapped
     * @return its tensors and metadata
     * @throws IOException when the file cannot be read or is invalid
     */
    static SafeTensorsFile read(Path path, long mmapThreshold) throws IOException {
        return SafeTensorsReader.read(path, mmapThreshold);
    }

    /**
     * Reads only the {@code __metadata__} map of a file (the whole header is still validated; no tensor data is
     * read).
     *
     * @param path the file
     * @return the metadata, empty when the file has none
     * @throws SafeTensorsException when the header is invalid
     * @throws IOException          when the file cannot be read
     */
    public static Map<String, String> readMetadata(Path path) throws IOException {
        return SafeTensorsReader.readMetadata(path);
    }

    /**
     * Writes tensors without metadata; see {@link #write(Path, Map, Map, Map)}.
     *
     * @param path    the file to create or replace
     * @param tensors name → tensor
     * @throws IOException when the file cannot be written (an existing file is then unchanged)
     */
    public static void write(Path path, Map<String, Tensor> tensors) throws IOException {
        write(path, tensors, Map.of(), Map.of());
    }

    /**
     * Writes tensors and metadata, each tensor in its native type; see {@link #write(Path, Map, Map, Map)}.
     *
     * @param path     the file to create or replace
     * @param tensors  name → tensor
     * @param metadata key → value stored under {@code __metadata__}, or null for none
     * @throws IOException when the file cannot be written (an existing file is then unchanged)
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(path, tensors, metadata, Map.of());
    }

    /**
     * Writes tensors and metadata atomically, storing the named INT64 tensors as smaller integer types.
     *
     * @param path     the file to create or replace
     * @param tensors  name → tensor; names must not be {@code __metadata__}
     * @param metadata key → value stored under {@code __metadata__}, or null (an empty map writes none)
     * @param storeAs  name → on-disk type for tensors not stored in their native type, or null; only INT64
     *                 tensors may be given a different (integer) type, and every value must fit it
     * @throws IllegalArgumentException when an argument is invalid or a value does not fit its {@code storeAs}
     *                                  type (an existing file is then unchanged)
     * @throws IOException              when the file cannot be written (an existing file is then unchanged)
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata,
            Map<String, SafeTensorsDType> storeAs) throws IOException {
        SafeTensorsWriter.write(path, tensors, metadata, storeAs);
    }
}
