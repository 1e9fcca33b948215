package dev.jinn.io;

import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Makes a jinn tensor of a {@link TensorRef}: its elements gathered in row-major order from the strided window
 * of the storage (which {@link TensorRef#of} already checked to lie inside the storage), widened to the jinn
 * dtype. Views of one storage each get their own copy. A contiguous float64, float32 or int64 tensor (most of a
 * big file) is one bulk copy from the (mapped) storage.
 */
final class TensorRebuild {
    private TensorRebuild() {
    }

    static Tensor rebuild(Path file, TensorRef ref, ByteBuffer storage) throws TorchFileException {
        TorchDType type = ref.storage().type();
        int n = ref.numel();
        Object out = type.newArray(n);
        int[] size = ref.size();
        int[] stride = ref.stride();
        int dims = size.length;
        // An empty tensor reads nothing, wherever its (unchecked) offset points.
        if (n == 0 || rowMajor(size, stride) && type.readRun(storage, (int) ref.offset(), n, out)) {
            return toTensor(out, size);
        }
        int[] index = new int[dims];
        long at = ref.offset();
        for (int i = 0; i < n; i++) {
            if (!type.read(storage, (int) at, out, i)) {
                throw new TorchFileException(file, "storage '" + ref.storage().key() + "' element " + at
                        + " is not a valid bool (neither 0 nor 1)");
            }
            // Odometer over the multi-index: the last dim moves fastest, as in row-major order.
            for (int d = dims - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    at += stride[d];
                    break;
                }
                index[d] = 0;
                at -= (long) (size[d] - 1) * stride[d];
            }
        }
        return toTensor(out, size);
    }

    /** Whether the elements are consecutive in the storage (a size-1 dim's stride does not matter). */
    private static boolean rowMajor(int[] size, int[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    private static Tensor toTensor(Object array, int[] size) {
        // Tensors.of reads an empty shape as "1-D of the array's length", so a 0-d tensor is made 1-D and reshaped.
        int[] shape = size.length == 0 ? new int[] {1} : size;
        Tensor t;
        if (array instanceof float[] f) {
            t = Tensors.of(f, shape);
        } else if (array instanceof double[] d) {
            t = Tensors.of(d, shape);
        } else if (array instanceof long[] l) {
            t = Tensors.of(l, shape);
        } else {
            t = Tensors.of((boolean[]) array, shape);
        }
        return size.length == 0 ? t.reshape() : t;
    }
}
