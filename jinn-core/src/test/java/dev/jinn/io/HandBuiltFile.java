package dev.jinn.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent safetensors writer for tests: tensors are given as raw little-endian bytes, the JSON header
 * is assembled as a string here, and the file is the 8-byte length, the header and the data.
 */
final class HandBuiltFile {
    private final List<String> entries = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private String metadataJson;

    /** Adds a tensor: its JSON dtype, its shape as JSON text (e.g. {@code [2,3]}) and its bytes. */
    HandBuiltFile add(String name, String dtype, String shapeJson, byte[] bytes) {
        int begin = data.size();
        data.writeBytes(bytes);
        entries.add("\"" + name + "\": {\"dtype\": \"" + dtype + "\", \"shape\": " + shapeJson
                + ", \"data_offsets\": [" + begin + ", " + data.size() + "]}");
        return this;
    }

    HandBuiltFile metadata(String json) {
        metadataJson = json;
        return this;
    }

    String header() {
        List<String> all = new ArrayList<>(entries);
        if (metadataJson != null) {
            all.add(0, "\"__metadata__\": " + metadataJson);
        }
        return "{" + String.join(", ", all) + "}";
    }

    /** The file, with {@code padding} spaces after the header. */
    byte[] bytes(int padding) {
        return assemble(header() + " ".repeat(padding), data.toByteArray());
    }

    /** A file made of a header text and data bytes, with the correct length field. */
    static byte[] assemble(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    /** A file whose length field is {@code length}, whatever follows. */
    static byte[] withLength(long length, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(length).put(rest).array();
    }

    static byte[] f32(float... v) {
        ByteBuffer b = le(4 * v.length);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    static byte[] f64(double... v) {
        ByteBuffer b = le(8 * v.length);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    static byte[] i64(long... v) {
        ByteBuffer b = le(8 * v.length);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    static byte[] i32(int... v) {
        ByteBuffer b = le(4 * v.length);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    /** 16-bit values (F16, BF16, I16, U16) given as their bit patterns. */
    static byte[] u16(int... bits) {
        ByteBuffer b = le(2 * bits.length);
        for (int x : bits) {
            b.putShort((short) x);
        }
        return b.array();
    }

    static byte[] u8(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
