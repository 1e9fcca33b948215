package dev.jinn.flow.spline;

import dev.jinn.tensor.Tensor;

/**
 * What an elementwise spline gives for each element: the mapped value and the log of the forward map's
 * derivative there.
 *
 * @param value         the mapped values
 * @param logDerivative {@code log f'(x)} per element, shaped like {@code value}
 */
public record SplineValue(Tensor value, Tensor logDerivative) {
}
