package dev.jinn.io;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Grad;
import dev.jinn.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
 */
public final class SafeTensors {
    /** The largest header accepted when reading (as in the reference implementation): 100 MB. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Files at least this large are memory-mapped when read; smaller ones are read with plain reads. */
    static final long DEFAULT_MMAP_THRESHOLD = 64L << 20;

    private static final String METADATA = "__metadata__";
    private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");
    /** The largest Java array the JVMs in use reliably allocate. */
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final int READ_CHUNK = 1 << 20;
    private static final int MAP_CHUNK = 1 << 30;
    private static final int WRITE_CHUNK = 1 << 20;

    private SafeTensors() {
    }

    /** One validated header entry. */
    private record Entry(String name, SafeTensorsDType dtype, int[] shape, int numel, long begin, long end) {
        String offsets() {
            return "[" + begin + ", " + end + "]";
        }
    }

    /** A validated header. */
    private record Header(long length, List<Entry> entries, Map<String, String> metadata) {
    }

    // ------------------------------------------------------------------------------------------------
    // Reading

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
        Objects.requireNonNull(path, "path");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            Header header = readHeader(path, ch, size);
            long dataStart = 8 + header.length();
            boolean map = size >= mmapThreshold;
            List<Object> arrays = new ArrayList<>(header.entries().size());
            for (Entry e : header.entries()) {
                arrays.add(decode(path, ch, map, dataStart, e));
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < arrays.size(); i++) {
                Entry e = header.entries().get(i);
                tensors.put(e.name(), toTensor(e, arrays.get(i)));
            }
            return new SafeTensorsFile(tensors, header.metadata());
        }
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
        Objects.requireNonNull(path, "path");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return readHeader(path, ch, ch.size()).metadata();
        }
    }

    private static SafeTensorsException bad(Path path, String tensor, String problem) {
        return new SafeTensorsException(path, tensor, problem);
    }

    private static Header readHeader(Path path, FileChannel ch, long size) throws IOException {
        if (size < 8) {
            throw bad(path, null, "the file has " + size + " bytes, fewer than the 8 of the header length");
        }
        ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(path, ch, lengthField, 0);
        long n = lengthField.getLong(0);
        if (n < 0) {
            throw bad(path, null, "header length " + Long.toUnsignedString(n)
                    + " is negative as a signed 64-bit number; this is not a safetensors file");
        }
        if (n > MAX_HEADER_BYTES) {
            throw bad(path, null, "header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw bad(path, null, "header length " + n + " runs past the end of the file (only " + (size - 8)
                    + " bytes follow the length field); the file may be truncated");
        }
        if (n == 0) {
            throw bad(path, null, "the header is empty (header length 0)");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) n);
        readFully(path, ch, raw, 8);
        raw.flip();
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(raw);
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException(path, null, "the header is not valid UTF-8", e);
        }
        Object json;
        try {
            json = Json.parse(text);
        } catch (Json.ParseException e) {
            throw new SafeTensorsException(path, null, "the header is not valid JSON: " + e.getMessage(), e);
        }
        if (!(json instanceof Map)) {
            throw bad(path, null, "the header is " + Json.typeName(json) + ", expected a JSON object");
        }
        long dataSize = size - 8 - n;
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> kv : ((Map<?, ?>) json).entrySet()) {
            String name = (String) kv.getKey();
            if (METADATA.equals(name)) {
                metadata = parseMetadata(path, kv.getValue());
            } else {
                entries.add(parseEntry(path, name, kv.getValue(), dataSize));
            }
        }
        checkLayout(path, entries, dataSize);
        return new Header(n, entries, metadata);
    }

    private static Map<String, String> parseMetadata(Path path, Object value) throws SafeTensorsException {
        if (!(value instanceof Map)) {
            throw bad(path, null, METADATA + " is " + Json.typeName(value) + ", expected an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> kv : ((Map<?, ?>) value).entrySet()) {
            if (!(kv.getValue() instanceof String)) {
                throw bad(path, null, METADATA + " value of \"" + kv.getKey() + "\" is "
                        + Json.typeName(kv.getValue()) + ", expected a string");
            }
            out.put((String) kv.getKey(), (String) kv.getValue());
        }
        return out;
    }

    private static Entry parseEntry(Path path, String name, Object value, long dataSize) throws SafeTensorsException {
        if (!(value instanceof Map)) {
            throw bad(path, name, "the entry is " + Json.typeName(value)
                    + ", expected an object with dtype, shape and data_offsets");
        }
        Map<?, ?> m = (Map<?, ?>) value;
        for (Object k : m.keySet()) {
            if (!FIELDS.contains(k)) {
                throw bad(path, name, "unknown field \"" + k + "\" (expected dtype, shape and data_offsets)");
            }
        }
        for (String f : List.of("dtype", "shape", "data_offsets")) {
            if (!m.containsKey(f)) {
                throw bad(path, name, "the field \"" + f + "\" is missing");
            }
        }
        Object dt = m.get("dtype");
        if (!(dt instanceof String)) {
            throw bad(path, name, "dtype is " + Json.typeName(dt) + ", expected a string");
        }
        SafeTensorsDType dtype = SafeTensorsDType.fromName((String) dt);
        if (dtype == null) {
            throw bad(path, name, "unknown dtype \"" + dt + "\" (jinn reads " + Arrays.toString(SafeTensorsDType.values())
                    + ")");
        }
        long[] shapeL = integers(path, name, "shape", m.get("shape"), -1);
        long[] off = integers(path, name, "data_offsets", m.get("data_offsets"), 2);
        int[] shape = new int[shapeL.length];
        long numel = 1;
        for (int i = 0; i < shapeL.length; i++) {
            if (shapeL[i] > Integer.MAX_VALUE) {
                throw bad(path, name, "shape " + Arrays.toString(shapeL) + " has a size above " + Integer.MAX_VALUE);
            }
            shape[i] = (int) shapeL[i];
            numel = saturatingMultiply(numel, shapeL[i]);
        }
        long begin = off[0];
        long end = off[1];
        String offsets = "[" + begin + ", " + end + "]";
        if (begin > end) {
            throw bad(path, name, "data_offsets " + offsets + " end before they begin");
        }
        if (end > dataSize) {
            throw bad(path, name, "data_offsets " + offsets + " run past the end of the data region (" + dataSize
                    + " bytes); the file may be truncated");
        }
        long bytes = saturatingMultiply(numel, dtype.itemSize());
        if (bytes != end - begin) {
            throw bad(path, name, "shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + (bytes == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : String.valueOf(bytes))
                    + " bytes but data_offsets " + offsets + " hold " + (end - begin));
        }
        if (numel > MAX_ELEMENTS) {
            throw bad(path, name, "shape " + Arrays.toString(shape) + " has " + numel
                    + " elements, more than a jinn tensor can hold (" + MAX_ELEMENTS + ")");
        }
        return new Entry(name, dtype, shape, (int) numel, begin, end);
    }

    /** a × b for non-negative values, or {@link Long#MAX_VALUE} on overflow. */
    private static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    /** A JSON array of non-negative integers, of the given length unless {@code length < 0}. */
    private static long[] integers(Path path, String name, String field, Object value, int length)
            throws SafeTensorsException {
        String expected = field + " must be an array of " + (length < 0 ? "" : length + " ") + "non-negative integers";
        if (!(value instanceof List)) {
            throw bad(path, name, expected + ", got " + Json.typeName(value));
        }
        List<?> list = (List<?>) value;
        if (length >= 0 && list.size() != length) {
            throw bad(path, name, expected + ", got " + list.size() + " values " + list);
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            Long x = v instanceof Json.Num ? ((Json.Num) v).asLong() : null;
            if (x == null || x < 0) {
                throw bad(path, name, expected + ", got " + list);
            }
            out[i] = x;
        }
        return out;
    }

    /** Entries must tile the data region: sorted by offset, each begins where the previous ends. */
    private static void checkLayout(Path path, List<Entry> entries, long dataSize) throws SafeTensorsException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw bad(path, e.name(), "data_offsets " + e.offsets() + " overlap those of tensor '"
                        + previous.name() + "' " + previous.offsets());
            }
            if (e.begin() > covered) {
                throw bad(path, e.name(), "data_offsets " + e.offsets() + " leave a hole: bytes [" + covered + ", "
                        + e.begin() + ") of the data region belong to no tensor");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataSize) {
            throw bad(path, null, "the data region has " + dataSize + " bytes but the tensors cover only "
                    + covered + "; " + (dataSize - covered) + " bytes at its end belong to no tensor");
        }
    }

    private static void readFully(Path path, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw bad(path, null, "the file ended at byte " + pos + " while reading (was it changed meanwhile?)");
            }
            pos += n;
        }
    }

    private static Object decode(Path path, FileChannel ch, boolean map, long dataStart, Entry e) throws IOException {
        SafeTensorsDType type = e.dtype();
        int n = e.numel();
        int item = type.itemSize();
        Object out = allocate(type.readsAs(), n);
        int chunkElements = (map ? MAP_CHUNK : READ_CHUNK) / item;
        ByteBuffer readBuffer = null;
        for (int done = 0; done < n; ) {
            int k = Math.min(chunkElements, n - done);
            long pos = dataStart + e.begin() + (long) done * item;
            int len = k * item;
            ByteBuffer buf;
            if (map) {
                buf = ch.map(FileChannel.MapMode.READ_ONLY, pos, len);
            } else {
                if (readBuffer == null) {
                    readBuffer = ByteBuffer.allocate((int) Math.min(READ_CHUNK, (long) n * item));
                }
                readBuffer.clear().limit(len);
                readFully(path, ch, readBuffer, pos);
                readBuffer.flip();
                buf = readBuffer;
            }
            buf.order(ByteOrder.LITTLE_ENDIAN);
            decodeChunk(path, e, buf, out, done, k);
            done += k;
        }
        return out;
    }

    private static Object allocate(DType dtype, int n) {
        switch (dtype) {
            case FLOAT32: return new float[n];
            case FLOAT64: return new double[n];
            case INT64: return new long[n];
            default: return new boolean[n];
        }
    }

    private static void decodeChunk(Path path, Entry e, ByteBuffer buf, Object out, int off, int k)
            throws SafeTensorsException {
        switch (e.dtype()) {
            case F32: buf.asFloatBuffer().get((float[]) out, off, k); break;
            case F64: buf.asDoubleBuffer().get((double[]) out, off, k); break;
            case I64: buf.asLongBuffer().get((long[]) out, off, k); break;
            case U64: {
                long[] o = (long[]) out;
                buf.asLongBuffer().get(o, off, k);
                for (int i = off; i < off + k; i++) {
                    if (o[i] < 0) {
                        throw bad(path, e.name(), "U64 value " + Long.toUnsignedString(o[i]) + " at index " + i
                                + " exceeds the int64 range of jinn tensors");
                    }
                }
                break;
            }
            case I32: {
                long[] o = (long[]) out;
                for (int i = 0; i < k; i++) {
                    o[off + i] = buf.getInt(4 * i);
                }
                break;
            }
            case U32: {
                long[] o = (long[]) out;
                for (int i = 0; i < k; i++) {
                    o[off + i] = buf.getInt(4 * i) & 0xFFFF_FFFFL;
                }
                break;
            }
            case I16: {
                long[] o = (long[]) out;
                for (int i = 0; i < k; i++) {
                    o[off + i] = buf.getShort(2 * i);
                }
                break;
            }
            case U16: {
                long[] o = (long[]) out;
                for (int i = 0; i < k; i++) {
                    o[off + i] = buf.getShort(2 * i) & 0xFFFF;
                }
                break;
            }
            case I8: {
                long[] o = (long[]) out;
                for (int i = 0; i < k; i++) {
                    o[off + i] = buf.get(i);
                }
                break;
            }
            case U8: {
                long[] o = (long[]) out;
                for (int i = 0; i < k; i++) {
                    o[off + i] = buf.get(i) & 0xFF;
                }
                break;
            }
            case BOOL: {
                boolean[] o = (boolean[]) out;
                for (int i = 0; i < k; i++) {
                    byte b = buf.get(i);
                    if (b != 0 && b != 1) {
                        throw bad(path, e.name(), "BOOL value " + (b & 0xFF) + " at index " + (off + i)
                                + " is neither 0 nor 1");
                    }
                    o[off + i] = b == 1;
                }
                break;
            }
            case F16: {
                float[] o = (float[]) out;
                for (int i = 0; i < k; i++) {
                    o[off + i] = halfToFloat(buf.getShort(2 * i));
                }
                break;
            }
            case BF16: {
                float[] o = (float[]) out;
                for (int i = 0; i < k; i++) {
                    o[off + i] = Float.intBitsToFloat((buf.getShort(2 * i) & 0xFFFF) << 16);
                }
                break;
            }
            default:
                throw new AssertionError(e.dtype());
        }
    }

    /**
     * Converts IEEE 754 half precision to float exactly: every half value, subnormals, infinities and NaN
     * payloads included, is representable as a float.
     *
     * @param half the 16 bits
     * @return the same value as a float
     */
    static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float v = mantissa * 0x1p-24f; // exact: mantissa has at most 10 bits
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    private static Tensor toTensor(Entry e, Object array) {
        int[] shape = e.shape();
        Tensor t;
        switch (e.dtype().readsAs()) {
            case FLOAT32: t = Tensor.of((float[]) array, shape.length == 0 ? new int[] {1} : shape); break;
            case FLOAT64: t = Tensor.of((double[]) array, shape.length == 0 ? new int[] {1} : shape); break;
            case INT64: t = Tensor.of((long[]) array, shape.length == 0 ? new int[] {1} : shape); break;
            default: t = Tensor.of((boolean[]) array, shape.length == 0 ? new int[] {1} : shape); break;
        }
        return shape.length == 0 ? t.reshape() : t;
    }

    // ------------------------------------------------------------------------------------------------
    // Writing

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
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensors, "tensors");
        Map<String, String> meta = metadata == null ? Map.of() : metadata;
        Map<String, SafeTensorsDType> types = storeAs == null ? Map.of() : storeAs;
        String where = "SafeTensors.write(" + path + "): ";

        for (Map.Entry<String, SafeTensorsDType> e : types.entrySet()) {
            if (e.getKey() == null || !tensors.containsKey(e.getKey())) {
                throw new IllegalArgumentException(where + "storeAs names '" + e.getKey() + "', which is not among the tensors");
            }
        }
        List<Planned> plan = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null) {
                throw new IllegalArgumentException(where + "a tensor name is null");
            }
            if (METADATA.equals(name)) {
                throw new IllegalArgumentException(where + "'" + METADATA + "' is reserved and cannot name a tensor");
            }
            checkText(where, "tensor name", name);
            if (t == null) {
                throw new IllegalArgumentException(where + "tensor '" + name + "' is null");
            }
            SafeTensorsDType type = types.containsKey(name) ? types.get(name) : SafeTensorsDType.nativeFor(t.dtype());
            if (type == null || !type.isWritable() || !type.canStore(t.dtype())) {
                throw new IllegalArgumentException(where + "tensor '" + name + "' of type " + t.dtype()
                        + " cannot be stored as " + type + " (" + (type != null && !type.isWritable()
                                ? type + " is read-only" : "only int64 tensors may be stored as another integer type")
                        + ")");
            }
            plan.add(new Planned(name, t, type));
        }
        plan.sort(Comparator.<Planned, SafeTensorsDType>comparing(p -> p.type).reversed()
                .thenComparing((a, b) -> compareCodePoints(a.name, b.name)));

        List<String> metaKeys = new ArrayList<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException(where + "metadata keys and values must not be null (key '"
                        + e.getKey() + "')");
            }
            checkText(where, "metadata key", e.getKey());
            checkText(where, "metadata value", e.getValue());
            metaKeys.add(e.getKey());
        }
        metaKeys.sort(SafeTensors::compareCodePoints);

        StringBuilder json = new StringBuilder("{");
        if (!metaKeys.isEmpty()) {
            Json.writeString(json, METADATA);
            json.append(":{");
            for (int i = 0; i < metaKeys.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                Json.writeString(json, metaKeys.get(i));
                json.append(':');
                Json.writeString(json, meta.get(metaKeys.get(i)));
            }
            json.append('}');
        }
        long offset = 0;
        for (Planned p : plan) {
            long bytes = (long) p.tensor.numel() * p.type.itemSize();
            if (json.length() > 1) {
                json.append(',');
            }
            Json.writeString(json, p.name);
            json.append(":{\"dtype\":\"").append(p.type.name()).append("\",\"shape\":[");
            int[] shape = p.tensor.shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i > 0 ? "," : "").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        json.append('}');
        byte[] headerBytes = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        if (padded > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(where + "the header would have " + padded + " bytes, more than the "
                    + MAX_HEADER_BYTES + " readers accept");
        }
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(headerBytes);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        AtomicFile.write(path, ch -> {
            writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(WRITE_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Planned p : plan) {
                encode(ch, buf, where, p);
            }
        });
    }

    /** A tensor to write and the type it is stored as. */
    private static final class Planned {
        final String name;
        final Tensor tensor;
        final SafeTensorsDType type;

        Planned(String name, Tensor tensor, SafeTensorsDType type) {
            this.name = name;
            this.tensor = tensor;
            this.type = type;
        }
    }

    private static void checkText(String where, String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(where + what + " '" + s + "' holds an unpaired surrogate at index "
                        + i + " and cannot be encoded as UTF-8");
            }
        }
    }

    /** Orders strings by code point, which is the order of their UTF-8 bytes. */
    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void encode(FileChannel ch, ByteBuffer buf, String where, Planned p) throws IOException {
        Object values;
        try (Grad.Scope g = Grad.disabled()) {
            switch (p.tensor.dtype()) {
                case FLOAT32: values = p.tensor.toFloatArray(); break;
                case FLOAT64: values = p.tensor.toDoubleArray(); break;
                case INT64: values = p.tensor.toLongArray(); break;
                default: values = p.tensor.toBooleanArray(); break;
            }
        }
        int n = p.tensor.numel();
        int item = p.type.itemSize();
        int chunk = WRITE_CHUNK / item;
        for (int done = 0; done < n; done += chunk) {
            int k = Math.min(chunk, n - done);
            buf.clear();
            switch (p.type) {
                case F32: buf.asFloatBuffer().put((float[]) values, done, k); break;
                case F64: buf.asDoubleBuffer().put((double[]) values, done, k); break;
                case I64: buf.asLongBuffer().put((long[]) values, done, k); break;
                case BOOL: {
                    boolean[] v = (boolean[]) values;
                    for (int i = 0; i < k; i++) {
                        buf.put(i, v[done + i] ? (byte) 1 : (byte) 0);
                    }
                    break;
                }
                default: encodeNarrowed(buf, where, p, (long[]) values, done, k); break;
            }
            buf.position(0).limit(k * item);
            writeFully(ch, buf);
        }
    }

    private static void encodeNarrowed(ByteBuffer buf, String where, Planned p, long[] v, int done, int k) {
        long min;
        long max;
        switch (p.type) {
            case I8: min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; break;
            case U8: min = 0; max = 0xFF; break;
            case I16: min = Short.MIN_VALUE; max = Short.MAX_VALUE; break;
            case U16: min = 0; max = 0xFFFF; break;
            case I32: min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; break;
            case U32: min = 0; max = 0xFFFF_FFFFL; break;
            case U64: min = 0; max = Long.MAX_VALUE; break;
            default: throw new AssertionError(p.type);
        }
        for (int i = 0; i < k; i++) {
            long x = v[done + i];
            if (x < min || x > max) {
                throw new IllegalArgumentException(where + "tensor '" + p.name + "': value " + x + " at index "
                        + (done + i) + " does not fit " + p.type + " (range " + min + ".." + max + ")");
            }
            switch (p.type.itemSize()) {
                case 1: buf.put(i, (byte) x); break;
                case 2: buf.putShort(2 * i, (short) x); break;
                case 4: buf.putInt(4 * i, (int) x); break;
                default: buf.putLong(8 * i, x); break;
            }
        }
    }
}
