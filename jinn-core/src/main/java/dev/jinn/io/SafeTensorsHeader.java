package dev.jinn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors header, read and validated completely before any tensor data is touched: the length field, strict
 * UTF-8 JSON, every entry's fields, dtype, shape and offsets, entries that tile the data region exactly, and
 * string-valued {@code __metadata__} (see {@link SafeTensors} for the rules).
 *
 * @param length   the header's length in bytes (the data region starts at {@code 8 + length})
 * @param entries  the tensors, in header order
 * @param metadata the {@code __metadata__} map, empty when there is none
 */
record SafeTensorsHeader(long length, List<SafeTensorsHeader.Entry> entries, Map<String, String> metadata) {
    /** The reserved key of the string map. */
    static final String METADATA = "__metadata__";
    private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");
    private static final long MAX_BYTES = SafeTensors.MAX_HEADER_BYTES;
    /** The largest Java array the JVMs in use reliably allocate. */
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** One validated entry: where a tensor's bytes lie in the data region and what they hold. */
    record Entry(String name, SafeTensorsDType dtype, int[] shape, int numel, long begin, long end) {
        String offsets() {
            return "[" + begin + ", " + end + "]";
        }
    }

    private static SafeTensorsException bad(Path path, String tensor, String problem) {
        return new SafeTensorsException(path, tensor, problem);
    }

    /** Reads and validates the header of a file of {@code size} bytes. */
    static SafeTensorsHeader read(Path path, FileChannel ch, long size) throws IOException {
        if (size < 8) {
            throw bad(path, null, "the file has " + size + " bytes, fewer than the 8 of the header length");
        }
        ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ChannelIO.readFully(path, ch, lengthField, 0);
        long n = lengthField.getLong(0);
        if (n < 0) {
            throw bad(path, null, "header length " + Long.toUnsignedString(n)
                    + " is negative as a signed 64-bit number; this is not a safetensors file");
        }
        if (n > MAX_BYTES) {
            throw bad(path, null, "header length " + n + " exceeds the limit of " + MAX_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw bad(path, null, "header length " + n + " runs past the end of the file (only " + (size - 8)
                    + " bytes follow the length field); the file may be truncated");
        }
        if (n == 0) {
            throw bad(path, null, "the header is empty (header length 0)");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) n);
        ChannelIO.readFully(path, ch, raw, 8);
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
        return new SafeTensorsHeader(n, entries, metadata);
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
}
