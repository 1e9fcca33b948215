package dev.jinn.flow.spline;

import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The monotone map a binned spline applies inside one bin, between two neighbouring knots
 * {@code (x_k, y_k)} and {@code (x_{k+1}, y_{k+1})}. {@link BinnedSpline} finds the bin of each element and hands
 * over its corners; an interpolation only adds its own per-knot quantities (the knot derivatives of
 * {@link RationalQuadraticInterpolation}) and the formulas.
 *
 * <p>Every tensor an interpolation sees has the same shape (the elements, with a trailing axis of size 1), and
 * every element lies inside its bin: elements outside the spline's domain never reach it.
 */
public interface KnotInterpolation {
    /**
     * How many raw values per element the interpolation needs beyond the bin layout.
     *
     * @param bins the number of bins
     * @return the count (0 for a linear spline, {@code bins − 1} for the rational-quadratic one)
     */
    int extraParameterCount(int bins);

    /**
     * Turns the raw extra values into per-knot quantities.
     *
     * @param rawExtras     the raw values, {@code [..., extraParameterCount]}
     * @param boundarySlope the slope of the tails, {@code [..., 1]}, which the spline must meet at its two ends
     * @return tensors of shape {@code [..., bins + 1]}, one value per knot each (empty if none)
     */
    List<Tensor> knotValues(Tensor rawExtras, Tensor boundarySlope);

    /**
     * The map inside the bin.
     *
     * @param bin the bin of each element
     * @param x   the inputs, each inside its bin
     * @return the outputs and {@code log f'(x)}
     */
    SplineValue forward(Bin bin, Tensor x);

    /**
     * The inverse map inside the bin.
     *
     * @param bin the bin of each element (in output coordinates {@code bottom < y ≤ top})
     * @param y   the outputs, each inside its bin
     * @return the inputs {@code x = f⁻¹(y)} and the forward {@code log f'(x)} at them (the caller negates it)
     */
    SplineValue inverse(Bin bin, Tensor y);
}
