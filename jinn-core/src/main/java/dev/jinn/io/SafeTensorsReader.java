package dev.jinn.io;

import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads safetensors files: the header first ({@link SafeTensorsHeader}, validated completely), then every entry's
 * data decoded into arrays ({@link SafeTensorsCodec}) in chunks, memory-mapped for large files, and only when
 * all of it has decoded are tensors created, so a bad value anywhere leaves nothing half made.
 */
final class SafeTensorsReader {
    private static final int READ_CHUNK = 1 << 20;
    private static final int MAP_CHUNK = 1 << 30;

    private SafeTensorsReader() {
    }

    /** Reads a whole file, memory-mapping it when it has at least {@code mmapThreshold} bytes. */
    static SafeTensorsFile read(Path path, long mmapThreshold) throws IOException {
        Objects.requireNonNull(path, "path");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            SafeTensorsHeader header = SafeTensorsHeader.read(path, ch, size);
            long dataStart = 8 + header.length();
            boolean map = size >= mmapThreshold;
            List<Object> arrays = new ArrayList<>(header.entries().size());
            for (SafeTensorsHeader.Entry e : header.entries()) {
                arrays.add(decode(path, ch, map, dataStart, e));
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < arrays.size(); i++) {
                SafeTensorsHeader.Entry e = header.entries().get(i);
                tensors.put(e.name(), toTensor(e, arrays.get(i)));
            }
            return new SafeTensorsFile(tensors, header.metadata());
        }
    }

    /** Reads only the header's metadata. */
    static Map<String, String> readMetadata(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return SafeTensorsHeader.read(path, ch, ch.size()).metadata();
        }
    }

    /** One entry's values as an array of the type it is read into. */
    private static Object decode(Path path, FileChannel ch, boolean map, long dataStart,
            SafeTensorsHeader.Entry e) throws IOException {
        SafeTensorsDType type = e.dtype();
        int n = e.numel();
        int item = type.itemSize();
        Object out = SafeTensorsCodec.allocate(type.readsAs(), n);
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
                ChannelIO.readFully(path, ch, readBuffer, pos);
                readBuffer.flip();
                buf = readBuffer;
            }
            buf.order(ByteOrder.LITTLE_ENDIAN);
            SafeTensorsCodec.decode(path, e.name(), type, buf, out, done, k);
            done += k;
        }
        return out;
    }

    /** A tensor over a decoded array; a 0-dim entry becomes a scalar tensor. */
    private static Tensor toTensor(SafeTensorsHeader.Entry e, Object array) {
        int[] shape = e.shape();
        Tensor t;
        switch (e.dtype().readsAs()) {
            case FLOAT32: t = Tensors.of((float[]) array, shape.length == 0 ? new int[] {1} : shape); break;
            case FLOAT64: t = Tensors.of((double[]) array, shape.length == 0 ? new int[] {1} : shape); break;
            case INT64: t = Tensors.of((long[]) array, shape.length == 0 ? new int[] {1} : shape); break;
            default: t = Tensors.of((boolean[]) array, shape.length == 0 ? new int[] {1} : shape); break;
        }
        return shape.length == 0 ? t.reshape() : t;
    }
}
