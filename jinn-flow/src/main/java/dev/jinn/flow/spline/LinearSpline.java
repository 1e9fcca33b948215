package dev.jinn.flow.spline;

import dev.jinn.flow.Shape;
import java.util.List;

/**
 * FrEIA's {@code LinearSpline}: a two-sided coupling block with monotone piecewise-linear splines on each half;
 * see {@link BinnedSplineCoupling} for the scheme and {@link LinearInterpolation} for the map inside each bin.
 *
 * <p>{@code y1 = S(x1; subnet1([x2, c]))}, {@code y2 = S(x2; subnet2([y1, c]))}; in bin k,
 * {@code S(x) = y_k + (x − x_k)·Δy/Δx}; log-det {@code Σ (ln Δy − ln Δx)} over the bins of all elements inside
 * the domain, plus {@code ln(H/W)} (or 0 for identity tails) per element outside. Spline parameters per
 * element: {@code P = 2·bins + 2} (widths, heights, bottom, left), {@code 2·bins + 1} with identity tails.
 *
 * <p>Built with {@code LinearSpline.builder().subnet(Subnets.mlp(64)).bins(8)}.
 */
public final class LinearSpline extends BinnedSplineCoupling {
    private LinearSpline(List<Shape> dimsIn, List<Shape> dimsC, BinnedSplineCoupling.Builder<?> b) {
        super(dimsIn, dimsC, b.splitLength(), b.subnetOrFail("LinearSpline"), b.binSettings("LinearSpline"),
                LinearInterpolation.INSTANCE);
    }

    /**
     * A builder with FrEIA's defaults ({@code split_len=0.5}, 10 bins, domain {@code [−3, 3]²}, minimum bin
     * sizes 0.1, affine tails); a subnet is required.
     *
     * @return the builder
     */
    public static SplineCouplingSpec<LinearSpline> builder() {
        return new SplineCouplingSpec<>(LinearSpline::new);
    }
}
