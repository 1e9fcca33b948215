package dev.jinn.tensor;

/**
 * The result of a reduction that picks elements, such as {@link Tensor#max(int, boolean)}: the picked values
 * (differentiable) and their int64 positions along the reduced dim.
 *
 * @param values  the picked values
 * @param indices their positions along the reduced dim
 */
public record ValuesIndices(Tensor values, Tensor indices) {
}
