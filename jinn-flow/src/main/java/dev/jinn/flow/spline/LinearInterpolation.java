package dev.jinn.flow.spline;

import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * A straight line through the two knots of each bin (FrEIA's {@code linear_spline}): a piecewise-linear,
 * continuous, monotone map.
 *
 * <p>Inside bin k: {@code y = y_k + (x − x_k)·Δy/Δx}, inverse {@code x = x_k + (y − y_k)·Δx/Δy}, log-derivative
 * {@code ln Δy − ln Δx}. It needs no parameters beyond the bins.
 */
public final class LinearInterpolation implements KnotInterpolation {
    /** The shared instance (the interpolation has no state). */
    public static final LinearInterpolation INSTANCE = new LinearInterpolation();

    private LinearInterpolation() {
    }

    @Override
    public int extraParameterCount(int bins) {
        return 0;
    }

    @Override
    public List<Tensor> knotValues(Tensor rawExtras, Tensor boundarySlope) {
        return List.of();
    }

    @Override
    public SplineValue forward(Bin bin, Tensor x) {
        Tensor dx = bin.right().sub(bin.left());
        Tensor dy = bin.top().sub(bin.bottom());
        Tensor y = bin.bottom().add(x.sub(bin.left()).mul(dy).div(dx));
        return new SplineValue(y, dy.log().sub(dx.log()));
    }

    @Override
    public SplineValue inverse(Bin bin, Tensor y) {
        Tensor dx = bin.right().sub(bin.left());
        Tensor dy = bin.top().sub(bin.bottom());
        Tensor x = bin.left().add(y.sub(bin.bottom()).mul(dx).div(dy));
        return new SplineValue(x, dy.log().sub(dx.log()));
    }

    @Override
    public String toString() {
        return "linear";
    }
}
