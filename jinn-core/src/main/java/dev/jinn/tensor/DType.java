package dev.jinn.tensor;

/**
 * Element type of a {@link Tensor}.
 *
 * <p>{@link #FLOAT32} is the default for new floating-point tensors; {@link #FLOAT64} is supported everywhere
 * (tests and gradient checks use it). {@link #INT64} holds indices and integer buffers such as permutations,
 * {@link #BOOL} holds masks; neither of the two is differentiable.
 */
public enum DType {
    /** 32-bit IEEE 754 floating point, stored as {@code float[]}. */
    FLOAT32(4, true),
    /** 64-bit IEEE 754 floating point, stored as {@code double[]}. */
    FLOAT64(8, true),
    /** 64-bit signed integer, stored as {@code long[]}. */
    INT64(8, false),
    /** Boolean, stored as {@code boolean[]}. */
    BOOL(1, false);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /**
     * Returns the size of one element in bytes, as stored on disk.
     *
     * @return bytes per element
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Tells whether tensors of this type can carry gradients.
     *
     * @return true for {@link #FLOAT32} and {@link #FLOAT64}
     */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /**
     * The type of the result of a binary operation, following PyTorch's promotion for tensor operands:
     * float64 beats float32 beats int64 beats bool.
     *
     * @param a first operand type
     * @param b second operand type
     * @return the promoted type
     */
    public static DType promote(DType a, DType b) {
        return a.ordinalRank() >= b.ordinalRank() ? a : b;
    }

    /** Rank in the promotion lattice (higher wins). */
    private int ordinalRank() {
        switch (this) {
            case FLOAT64: return 3;
            case FLOAT32: return 2;
            case INT64: return 1;
            default: return 0;
        }
    }

    /** The lower-case name PyTorch prints, e.g. {@code float32}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
