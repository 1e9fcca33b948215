package dev.jinn.io;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The safetensors data codec: little-endian bytes of each on-disk type to and from jinn's primitive arrays
 * (F16 and BF16 widened exactly, the smaller and unsigned integers to int64 and back with range checks).
 * Buffers come in little-endian order; the reader and writer move them to and from the file in chunks.
 */
final class SafeTensorsCodec {
    private SafeTensorsCodec() {
    }

    /**
     * A new array of the Java type a dtype is read into.
     *
     * @return {@code float[]}, {@code double[]}, {@code long[]} or {@code boolean[]}
     */
    static Object allocate(DType dtype, int n) {
        switch (dtype) {
            case FLOAT32: return new float[n];
            case FLOAT64: return new double[n];
            case INT64: return new long[n];
            default: return new boolean[n];
        }
    }

    /**
     * Decodes {@code k} little-endian values of {@code type} from {@code buf} into {@code out[off, off + k)}.
     *
     * @throws SafeTensorsException naming the tensor when a U64 value exceeds int64 or a BOOL byte is not 0 or 1
     */
    static void decode(Path path, String name, SafeTensorsDType type, ByteBuffer buf, Object out, int off, int k)
            throws SafeTensorsException {
        switch (type) {
            case F32: buf.asFloatBuffer().get((float[]) out, off, k); break;
            case F64: buf.asDoubleBuffer().get((double[]) out, off, k); break;
            case I64: buf.asLongBuffer().get((long[]) out, off, k); break;
            case U64: {
                long[] o = (long[]) out;
                buf.asLongBuffer().get(o, off, k);
                for (int i = off; i < off + k; i++) {
                    if (o[i] < 0) {
                        throw new SafeTensorsException(path, name, "U64 value " + Long.toUnsignedString(o[i])
                                + " at index " + i + " exceeds the int64 range of jinn tensors");
                    }
                }
                break;
            }
            case I32: case U32: case I16: case U16: case I8: case U8: {
                long[] o = (long[]) out;
                for (int i = 0; i < k; i++) {
                    o[off + i] = narrowInteger(buf, type, i);
                }
                break;
            }
            case BOOL: {
                boolean[] o = (boolean[]) out;
                for (int i = 0; i < k; i++) {
                    byte b = buf.get(i);
                    if (b != 0 && b != 1) {
                        throw new SafeTensorsException(path, name, "BOOL value " + (b & 0xFF) + " at index "
                                + (off + i) + " is neither 0 nor 1");
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
                throw new AssertionError(type);
        }
    }

    /**
     * Value {@code i} of a buffer of a narrower integer type, widened to int64 (unsigned types without sign).
     * Files seldom hold these types, so one loop with a switch per value serves all six.
     */
    private static long narrowInteger(ByteBuffer buf, SafeTensorsDType type, int i) {
        switch (type) {
            case I32: return buf.getInt(4 * i);
            case U32: return buf.getInt(4 * i) & 0xFFFF_FFFFL;
            case I16: return buf.getShort(2 * i);
            case U16: return buf.getShort(2 * i) & 0xFFFF;
            case I8: return buf.get(i);
            case U8: return buf.get(i) & 0xFF;
            default: throw new AssertionError(type);
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

    /** A tensor's values as its primitive array, row-major whatever its strides. */
    static Object values(Tensor t) {
        try (Grad.Scope g = Grad.disabled()) {
            switch (t.dtype()) {
                case FLOAT32: return t.toFloatArray();
                case FLOAT64: return t.toDoubleArray();
                case INT64: return t.toLongArray();
                default: return t.toBooleanArray();
            }
        }
    }

    /**
     * Encodes {@code values[done, done + k)} as {@code type} into {@code buf} from index 0.
     *
     * @throws IllegalArgumentException naming the tensor when a value does not fit a narrower integer type
     */
    static void encode(ByteBuffer buf, String where, String name, SafeTensorsDType type, Object values, int done,
            int k) {
        switch (type) {
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
            default: encodeNarrowed(buf, where, name, type, (long[]) values, done, k); break;
        }
    }

    private static void encodeNarrowed(ByteBuffer buf, String where, String name, SafeTensorsDType type, long[] v,
            int done, int k) {
        long min;
        long max;
        switch (type) {
            case I8: min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; break;
            case U8: min = 0; max = 0xFF; break;
            case I16: min = Short.MIN_VALUE; max = Short.MAX_VALUE; break;
            case U16: min = 0; max = 0xFFFF; break;
            case I32: min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; break;
            case U32: min = 0; max = 0xFFFF_FFFFL; break;
            case U64: min = 0; max = Long.MAX_VALUE; break;
            default: throw new AssertionError(type);
        }
        for (int i = 0; i < k; i++) {
            long x = v[done + i];
            if (x < min || x > max) {
                throw new IllegalArgumentException(where + "tensor '" + name + "': value " + x + " at index "
                        + (done + i) + " does not fit " + type + " (range " + min + ".." + max + ")");
            }
            switch (type.itemSize()) {
                case 1: buf.put(i, (byte) x); break;
                case 2: buf.putShort(2 * i, (short) x); break;
                case 4: buf.putInt(4 * i, (int) x); break;
                default: buf.putLong(8 * i, x); break;
            }
        }
    }
}
