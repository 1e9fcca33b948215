package dev.jinn.flow.autoregressive;

import dev.jinn.flow.Shape;
import java.util.List;

/**
 * The autoregressive neural spline flow transform (Durkan et al., "Neural Spline Flows", 2019):
 * {@code z_d = S(x_d; θ_d)} with {@code θ_d = MADE(x_{<d}, c)} the widths, heights and derivatives of a monotone
 * rational-quadratic spline on the bins, domain and tails of the spline modules; log-det
 * {@code Σ_d ln S'(x_d)}. One MADE pass forward (density), D passes in reverse (sampling).
 */
public final class MaskedRationalQuadraticAutoregressive extends AutoregressiveTransform {
    private MaskedRationalQuadraticAutoregressive(List<Shape> dimsIn, List<Shape> dimsC, MADEFactory made, ElementwiseMap map) {
        super(dimsIn, dimsC, made, map, true);
    }

    /**
     * A builder with MADE hidden widths (64, 64), natural order, ReLU, 8 bins on {@code [−3, 3]²} with linear
     * tails and minimum bin sizes 0.1.
     *
     * @return the builder, a module spec
     */
    public static AutoregressiveBuilder builder() {
        return new AutoregressiveBuilder("MaskedRationalQuadraticAutoregressive", true, MaskedRationalQuadraticAutoregressive::new);
    }
}
