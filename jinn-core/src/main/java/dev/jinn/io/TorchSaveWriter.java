package dev.jinn.io;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes tensors in the zip format of {@code torch.save}: an {@code OrderedDict} of tensors, each with its own
 * contiguous storage {@code archive/data/<i>} in its own dtype, little-endian. The pickle is the one PyTorch
 * writes for a state dict (minus the {@code _metadata} attribute, which {@code load_state_dict} does not need).
 */
final class TorchSaveWriter {
    private static final String ROOT = "archive/";
    private static final String FORMAT_VERSION = "3\n";
    private static final int CHUNK = 1 << 16;

    private TorchSaveWriter() {
    }

    static void write(FileChannel ch, Map<String, Tensor> tensors) throws IOException {
        List<Tensor> ordered = new ArrayList<>(tensors.values());
        ZipWriter zip = new ZipWriter(ch);
        zip.entry(ROOT + "data.pkl", pickle(tensors));
        zip.entry(ROOT + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < ordered.size(); i++) {
            Tensor t = ordered.get(i);
            zip.entry(ROOT + "data/" + i, sink -> encode(t, sink));
        }
        zip.entry(ROOT + "version", FORMAT_VERSION.getBytes(StandardCharsets.US_ASCII));
        zip.finish();
    }

    private static byte[] pickle(Map<String, Tensor> tensors) {
        PickleWriter p = new PickleWriter().proto();
        p.global("collections", "OrderedDict").emptyTuple().reduce().mark();
        int key = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            int[] shape = t.shape();
            p.string(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2").mark();
            p.mark().string("storage").global("torch", TorchDType.forWriting(t.dtype()).storageClass())
                    .string(Integer.toString(key++)).string("cpu").integer(t.numel()).tuple().persistentId();
            p.integer(0);
            ints(p, shape);
            p.mark();
            for (int d = 0; d < shape.length; d++) {
                p.integer(rowMajorStride(shape, d));
            }
            p.tuple();
            p.bool(false);
            p.global("collections", "OrderedDict").emptyTuple().reduce();
            p.tuple().reduce();
        }
        return p.setItems().stop().toByteArray();
    }

    private static void ints(PickleWriter p, int[] values) {
        p.mark();
        for (int v : values) {
            p.integer(v);
        }
        p.tuple();
    }

    /** PyTorch's contiguous stride of dim {@code d}: the product of the later sizes, a size 0 counting as 1. */
    private static long rowMajorStride(int[] shape, int d) {
        long s = 1;
        for (int i = d + 1; i < shape.length; i++) {
            s *= Math.max(shape[i], 1);
        }
        return s;
    }

    /** The tensor's values in row-major order as little-endian bytes of its own dtype, in chunks. */
    private static void encode(Tensor t, ZipWriter.Sink sink) throws IOException {
        DType dtype = t.dtype();
        int n = t.numel();
        int size = dtype.byteSize();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        Object values = values(t);
        for (int i = 0; i < n; i += CHUNK / size) {
            int k = Math.min(CHUNK / size, n - i);
            buf.clear();
            switch (dtype) {
                case FLOAT32: buf.asFloatBuffer().put((float[]) values, i, k); break;
                case FLOAT64: buf.asDoubleBuffer().put((double[]) values, i, k); break;
                case INT64: buf.asLongBuffer().put((long[]) values, i, k); break;
                default:
                    for (int j = 0; j < k; j++) {
                        buf.put(j, (byte) (((boolean[]) values)[i + j] ? 1 : 0));
                    }
            }
            sink.write(buf.limit(k * size));
        }
    }

    /** A row-major copy of the values (a copy detached from any autograd graph). */
    private static Object values(Tensor t) {
        try (var g = Grad.disabled()) {
            switch (t.dtype()) {
                case FLOAT32: return t.toFloatArray();
                case FLOAT64: return t.toDoubleArray();
                case INT64: return t.toLongArray();
                default: return t.toBooleanArray();
            }
        }
    }
}
