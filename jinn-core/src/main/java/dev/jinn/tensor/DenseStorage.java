package dev.jinn.tensor;

/**
 * The elements of a contiguous floating-point tensor as one run of its storage array: element {@code i} (in
 * row-major order) is {@code floats()[offset() + i]} or {@code doubles()[offset() + i]}. This is how code
 * outside the tensor layer, such as an optimizer's one-pass update, reads and writes a tensor in place
 * without a chain of tensor operations; everything else should use tensor operations. Obtained from
 * {@link Tensor#denseStorage()} (reading) and {@link Tensor#writableStorage(String)} (writing).
 */
public interface DenseStorage {
    /**
     * The element type.
     *
     * @return {@link DType#FLOAT32} or {@link DType#FLOAT64}
     */
    DType dtype();

    /**
     * Where the tensor's first element sits in the array.
     *
     * @return the offset
     */
    int offset();

    /**
     * The number of elements.
     *
     * @return the tensor's {@link Tensor#numel()}
     */
    int length();

    /**
     * The storage array of a float32 tensor (shared with the tensor and its views, not a copy).
     *
     * @return the array
     * @throws IllegalStateException when the tensor is not float32
     */
    float[] floats();

    /**
     * The storage array of a float64 tensor (shared with the tensor and its views, not a copy).
     *
     * @return the array
     * @throws IllegalStateException when the tensor is not float64
     */
    double[] doubles();

    /**
     * Whether two runs live in one array, so that writing one may change the other.
     *
     * @param other another run
     * @return true when both share a storage array
     */
    boolean sharesArrayWith(DenseStorage other);
}
