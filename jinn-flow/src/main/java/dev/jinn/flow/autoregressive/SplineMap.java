package dev.jinn.flow.autoregressive;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.spline.BinSettings;
import dev.jinn.flow.spline.BinnedSpline;
import dev.jinn.flow.spline.RationalQuadraticInterpolation;
import dev.jinn.tensor.Tensor;

/**
 * A monotone rational-quadratic spline per dimension, on the bins, domain and tails of the spline modules
 * ({@link BinnedSpline}): the same parameter layout, constraints and log-derivatives.
 */
final class SplineMap implements ElementwiseMap {
    private final BinnedSpline spline;

    SplineMap(BinSettings settings) {
        this.spline = new BinnedSpline(settings, RationalQuadraticInterpolation.INSTANCE);
    }

    @Override
    public int parametersPerValue() {
        return spline.parameterCount();
    }

    @Override
    public FlowResult apply(Tensor x, Tensor raw, boolean reverse) {
        return spline.apply(x, raw, reverse);
    }

    @Override
    public String describe() {
        return "rational-quadratic spline, " + spline.settings().bins() + " bins";
    }
}
