package dev.jinn.flow.spline;

import dev.jinn.flow.Shape;
import java.util.List;

/**
 * FrEIA's {@code RationalQuadraticSpline}: a two-sided coupling block with monotone rational-quadratic splines
 * (Durkan et al., "Neural Spline Flows", 2019) on each half; see {@link BinnedSplineCoupling} for the scheme and
 * {@link RationalQuadraticInterpolation} for the map inside each bin.
 *
 * <p>{@code y1 = S(x1; subnet1([x2, c]))}, {@code y2 = S(x2; subnet2([y1, c]))}; log-det
 * {@code Σ ln S'(x1) + Σ ln S'(x2)} with
 * {@code ln S'(x) = ln(s²(d_{k+1}ξ² + 2sξ(1−ξ) + d_k(1−ξ)²)) − 2 ln(s + (d_{k+1} + d_k − 2s)ξ(1−ξ))} inside the
 * domain and {@code ln(H/W)} (or 0 for identity tails) outside. Spline parameters per element:
 * {@code P = 3·bins + 1} (widths, heights, bottom, left, inner derivatives), {@code 3·bins} with identity tails.
 *
 * <p>Built with {@code RationalQuadraticSpline.builder().subnet(Subnets.mlp(64)).bins(8)}.
 */
public final class RationalQuadraticSpline extends BinnedSplineCoupling {
    private RationalQuadraticSpline(List<Shape> dimsIn, List<Shape> dimsC, BinnedSplineCoupling.Builder<?> b) {
        super(dimsIn, dimsC, b.splitLength(), b.subnetOrFail("RationalQuadraticSpline"),
                b.binSettings("RationalQuadraticSpline"), RationalQuadraticInterpolation.INSTANCE);
    }

    /**
     * A builder with FrEIA's defaults ({@code split_len=0.5}, 10 bins, domain {@code [−3, 3]²}, minimum bin
     * sizes 0.1, affine tails); a subnet is required.
     *
     * @return the builder
     */
    public static SplineCouplingSpec<RationalQuadraticSpline> builder() {
        return new SplineCouplingSpec<>(RationalQuadraticSpline::new);
    }
}
