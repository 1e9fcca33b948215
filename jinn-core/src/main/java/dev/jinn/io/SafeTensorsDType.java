package dev.jinn.io;

import dev.jinn.tensor.DType;

/**
 * The element types of the safetensors format that jinn reads, and how each maps onto a {@link DType}.
 *
 * <ul>
 *   <li>{@link #F32}, {@link #F64}, {@link #I64} and {@link #BOOL} are jinn's own types and are read and
 *       written natively.</li>
 *   <li>{@link #F16} and {@link #BF16} are read as {@link DType#FLOAT32}; the conversion is exact for every
 *       value (subnormals, infinities and NaN payloads included). They cannot be written.</li>
 *   <li>The other integer types ({@link #I8}, {@link #U8}, {@link #I16}, {@link #U16}, {@link #I32},
 *       {@link #U32}, {@link #U64}) are read as {@link DType#INT64}. An INT64 tensor may be written as any of
 *       them on request; every value is range-checked. A {@link #U64} value above {@link Long#MAX_VALUE} cannot
 *       be read.</li>
 * </ul>
 *
 * <p>Constants are declared in the order the safetensors reference implementation ranks dtypes (larger item
 * sizes last); {@link SafeTensors#write} lays tensors out by descending rank, so every tensor's data is
 * aligned to its item size.
 */
public enum SafeTensorsDType {
    /** Boolean, one byte (0 or 1). */
    BOOL(1, DType.BOOL),
    /** Unsigned 8-bit integer. */
    U8(1, DType.INT64),
    /** Signed 8-bit integer. */
    I8(1, DType.INT64),
    /** Signed 16-bit integer. */
    I16(2, DType.INT64),
    /** Unsigned 16-bit integer. */
    U16(2, DType.INT64),
    /** IEEE 754 half precision (read only). */
    F16(2, DType.FLOAT32),
    /** bfloat16: the upper half of a float32 (read only). */
    BF16(2, DType.FLOAT32),
    /** Signed 32-bit integer. */
    I32(4, DType.INT64),
    /** Unsigned 32-bit integer. */
    U32(4, DType.INT64),
    /** IEEE 754 single precision. */
    F32(4, DType.FLOAT32),
    /** IEEE 754 double precision. */
    F64(8, DType.FLOAT64),
    /** Signed 64-bit integer. */
    I64(8, DType.INT64),
    /** Unsigned 64-bit integer (values above {@link Long#MAX_VALUE} cannot be read). */
    U64(8, DType.INT64);

    private final int itemSize;
    private final DType readsAs;

    SafeTensorsDType(int itemSize, DType readsAs) {
        this.itemSize = itemSize;
        this.readsAs = readsAs;
    }

    /**
     * The size of one element on disk.
     *
     * @return bytes per element
     */
    public int itemSize() {
        return itemSize;
    }

    /**
     * The jinn type a tensor of this safetensors type is read as.
     *
     * @return the dtype of tensors read from the file
     */
    public DType readsAs() {
        return readsAs;
    }

    /**
     * Whether {@link SafeTensors#write} can store tensors of this type ({@link #F16} and {@link #BF16} cannot).
     *
     * @return true when writable
     */
    public boolean isWritable() {
        return this != F16 && this != BF16;
    }

    /**
     * Whether a tensor of type {@code dtype} can be stored as this type: its native type, or for INT64 tensors
     * any integer type (range-checked when written).
     *
     * @param dtype the tensor's type
     * @return true when allowed
     */
    public boolean canStore(DType dtype) {
        if (this == nativeFor(dtype)) {
            return true;
        }
        return dtype == DType.INT64 && readsAs == DType.INT64;
    }

    /**
     * The safetensors type a jinn type is stored as by default.
     *
     * @param dtype the tensor's type
     * @return F32, F64, I64 or BOOL
     */
    public static SafeTensorsDType nativeFor(DType dtype) {
        switch (dtype) {
            case FLOAT32: return F32;
            case FLOAT64: return F64;
            case INT64: return I64;
            case BOOL: return BOOL;
            default: throw new IllegalArgumentException("no safetensors type for " + dtype);
        }
    }

    /**
     * The type with a given name as written in a header ({@code "F32"}, {@code "BF16"}, ...).
     *
     * @param name the header name, case-sensitive
     * @return the type, or null when jinn does not know it
     */
    public static SafeTensorsDType fromName(String name) {
        for (SafeTensorsDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
