package dev.jinn.flow.spline;

import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The bin each element falls in: its corners {@code (left, bottom)} and {@code (right, top)}, and the
 * interpolation's per-knot quantities at its two knots. All tensors share one shape, element by element.
 *
 * @param left      {@code x_k}
 * @param right     {@code x_{k+1}}
 * @param bottom    {@code y_k}
 * @param top       {@code y_{k+1}}
 * @param atLeft    the interpolation's knot values at knot k (in {@link KnotInterpolation#knotValues} order)
 * @param atRight   the same at knot k + 1
 */
public record Bin(Tensor left, Tensor right, Tensor bottom, Tensor top, List<Tensor> atLeft, List<Tensor> atRight) {
    /**
     * Copies the lists.
     *
     * @param left    {@code x_k}
     * @param right   {@code x_{k+1}}
     * @param bottom  {@code y_k}
     * @param top     {@code y_{k+1}}
     * @param atLeft  knot values at knot k
     * @param atRight knot values at knot k + 1
     */
    public Bin {
        atLeft = List.copyOf(atLeft);
        atRight = List.copyOf(atRight);
    }
}
