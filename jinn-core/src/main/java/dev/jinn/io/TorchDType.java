package dev.jinn.io;

import dev.jinn.tensor.DType;
import java.nio.ByteBuffer;

/**
 * The element types of PyTorch storages that jinn reads, by the storage class a pickle names
 * ({@code torch.FloatStorage} …), with the jinn dtype each becomes: float64 and float32 are kept, float16 and
 * bfloat16 widen exactly to FLOAT32, the integer types widen to INT64 and bool stays BOOL.
 */
enum TorchDType {
    /** {@code torch.float64}. */
    DOUBLE("DoubleStorage", 8, DType.FLOAT64),
    /** {@code torch.float32}. */
    FLOAT("FloatStorage", 4, DType.FLOAT32),
    /** {@code torch.float16}, widened to float32 (every half value is a float). */
    HALF("HalfStorage", 2, DType.FLOAT32),
    /** {@code torch.bfloat16}, widened to float32 (the upper 16 bits of a float). */
    BFLOAT16("BFloat16Storage", 2, DType.FLOAT32),
    /** {@code torch.int64}. */
    LONG("LongStorage", 8, DType.INT64),
    /** {@code torch.int32}. */
    INT("IntStorage", 4, DType.INT64),
    /** {@code torch.int16}. */
    SHORT("ShortStorage", 2, DType.INT64),
    /** {@code torch.int8}. */
    CHAR("CharStorage", 1, DType.INT64),
    /** {@code torch.uint8}. */
    BYTE("ByteStorage", 1, DType.INT64),
    /** {@code torch.bool}: one byte, 0 or 1. */
    BOOL("BoolStorage", 1, DType.BOOL);

    private final String storageClass;
    private final int itemSize;
    private final DType jinnType;

    TorchDType(String storageClass, int itemSize, DType jinnType) {
        this.storageClass = storageClass;
        this.itemSize = itemSize;
        this.jinnType = jinnType;
    }

    /** The class name in module {@code torch}, e.g. {@code FloatStorage}. */
    String storageClass() {
        return storageClass;
    }

    int itemSize() {
        return itemSize;
    }

    DType jinnType() {
        return jinnType;
    }

    /** The type whose storage class is {@code name}, or null. */
    static TorchDType byStorageClass(String name) {
        for (TorchDType t : values()) {
            if (t.storageClass.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The type jinn writes a tensor of {@code dtype} as (no narrowing: every jinn type has an exact match). */
    static TorchDType forWriting(DType dtype) {
        switch (dtype) {
            case FLOAT64: return DOUBLE;
            case FLOAT32: return FLOAT;
            case INT64: return LONG;
            default: return BOOL;
        }
    }

    /** A zeroed array of {@link #jinnType()} for {@code n} elements. */
    Object newArray(int n) {
        switch (this) {
            case DOUBLE: return new double[n];
            case FLOAT: case HALF: case BFLOAT16: return new float[n];
            case BOOL: return new boolean[n];
            default: return new long[n];
        }
    }

    /**
     * Reads {@code n} consecutive elements from {@code first} on into {@code out} in one bulk copy, for the types
     * stored exactly as jinn holds them.
     *
     * @return false (nothing read) for the types that need widening or checking element by element
     */
    boolean readRun(ByteBuffer storage, int first, int n, Object out) {
        // A slice starts big-endian whatever its parent's order: the file's order is set again.
        ByteBuffer run = storage.slice(first * itemSize, n * itemSize).order(storage.order());
        switch (this) {
            case DOUBLE: run.asDoubleBuffer().get((double[]) out); return true;
            case FLOAT: run.asFloatBuffer().get((float[]) out); return true;
            case LONG: run.asLongBuffer().get((long[]) out); return true;
            default: return false;
        }
    }

    /**
     * Reads element {@code index} of {@code storage} into {@code out[at]}; {@code out} is the array of
     * {@link #jinnType()}.
     *
     * @return false when the element is not a valid value of this type (a bool byte other than 0 or 1)
     */
    boolean read(ByteBuffer storage, int index, Object out, int at) {
        int b = index * itemSize;
        switch (this) {
            case DOUBLE: ((double[]) out)[at] = storage.getDouble(b); return true;
            case FLOAT: ((float[]) out)[at] = storage.getFloat(b); return true;
            case HALF: ((float[]) out)[at] = SafeTensorsCodec.halfToFloat(storage.getShort(b)); return true;
            case BFLOAT16: ((float[]) out)[at] = Float.intBitsToFloat((storage.getShort(b) & 0xFFFF) << 16); return true;
            case LONG: ((long[]) out)[at] = storage.getLong(b); return true;
            case INT: ((long[]) out)[at] = storage.getInt(b); return true;
            case SHORT: ((long[]) out)[at] = storage.getShort(b); return true;
            case CHAR: ((long[]) out)[at] = storage.get(b); return true;
            case BYTE: ((long[]) out)[at] = storage.get(b) & 0xFF; return true;
            default: {
                byte v = storage.get(b);
                ((boolean[]) out)[at] = v == 1;
                return v == 0 || v == 1;
            }
        }
    }
}
