package dev.jinn.io;

import dev.jinn.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes safetensors files in the reference implementation's layout, so the same tensors give the same bytes:
 * {@code __metadata__} first (keys sorted), then the tensors by dtype (larger items first, so each is aligned to
 * its item size) and name, data contiguous in that order, the header padded with spaces to a multiple of 8. Every
 * argument is checked before the file is touched; the data then streams through {@link AtomicFile}.
 */
final class SafeTensorsWriter {
    private static final int WRITE_CHUNK = 1 << 20;
    private static final String METADATA = SafeTensorsHeader.METADATA;

    private SafeTensorsWriter() {
    }

    /** Writes tensors and metadata atomically; see {@link SafeTensors#write(Path, Map, Map, Map)}. */
    static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata,
            Map<String, SafeTensorsDType> storeAs) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensors, "tensors");
        Map<String, String> meta = metadata == null ? Map.of() : metadata;
        Map<String, SafeTensorsDType> types = storeAs == null ? Map.of() : storeAs;
        String where = "SafeTensors.write(" + path + "): ";
        List<Planned> plan = plan(where, tensors, types);
        ByteBuffer head = header(where, plan, meta, metadataKeys(where, meta));
        AtomicFile.write(path, ch -> {
            ChannelIO.writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(WRITE_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Planned p : plan) {
                encode(ch, buf, where, p);
            }
        });
    }

    /** The tensors with their on-disk types, in the order of the file. */
    private static List<Planned> plan(String where, Map<String, Tensor> tensors, Map<String, SafeTensorsDType> types) {
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
        return plan;
    }

    /** The metadata keys, checked and in the order of the file. */
    private static List<String> metadataKeys(String where, Map<String, String> meta) {
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
        metaKeys.sort(SafeTensorsWriter::compareCodePoints);
        return metaKeys;
    }

    /** The length field and the JSON header, padded with spaces to a multiple of 8 bytes. */
    private static ByteBuffer header(String where, List<Planned> plan, Map<String, String> meta,
            List<String> metaKeys) {
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
        if (padded > SafeTensors.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(where + "the header would have " + padded + " bytes, more than the "
                    + SafeTensors.MAX_HEADER_BYTES + " readers accept");
        }
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(headerBytes);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        return head.flip();
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

    /** Streams one tensor's data through {@code buf}, a chunk at a time. */
    private static void encode(FileChannel ch, ByteBuffer buf, String where, Planned p) throws IOException {
        Object values = SafeTensorsCodec.values(p.tensor);
        int n = p.tensor.numel();
        int item = p.type.itemSize();
        int chunk = WRITE_CHUNK / item;
        for (int done = 0; done < n; done += chunk) {
            int k = Math.min(chunk, n - done);
            buf.clear();
            SafeTensorsCodec.encode(buf, where, p.name, p.type, values, done, k);
            buf.position(0).limit(k * item);
            ChannelIO.writeFully(ch, buf);
        }
    }
}
