package dev.jinn.flow.coupling;

import dev.jinn.flow.Shape;
import java.util.List;

/**
 * The volume-preserving coupling of GIN (Sorrenson et al. 2020), FrEIA's {@code GINCouplingBlock}: a
 * {@link GLOWCouplingBlock} whose clamped log-scales are centred over the channel axis before use,
 * <pre>
 *   s ← s − mean_channels(s)      (per pixel for images; over axis 1 only)
 *   y1 = e^{s2} ⊙ x1 + t2,   y2 = e^{s1} ⊙ x2 + t1
 * </pre>
 * so {@code Σ s = 0} at every pixel and the Jacobian determinant is exactly 1: the log-det is 0 in both
 * directions. Individual dimensions are still scaled, which makes GIN more expressive than NICE. (The
 * original paper rescales the last scale component instead; FrEIA and jinn subtract the mean, which keeps
 * every factor within {@code e^{±2·clamp}}.)
 *
 * <p>Subnets {@code subnet1} ({@code len1 + Σkᵢ → 2·len2}, second step) and {@code subnet2}
 * ({@code len2 + Σkᵢ → 2·len1}, first step), as in GLOW. Note that a half of a single channel always gets the
 * log-scale 0. Clamp, split and conditions as in {@link CouplingBlock}.
 */
public final class GINCouplingBlock extends JointAffineCoupling {
    private GINCouplingBlock(List<Shape> dimsIn, List<Shape> dimsC, AffineCouplingBuilder<?> b) {
        super(dimsIn, dimsC, b, true);
    }

    /**
     * A builder with FrEIA's defaults (clamp 2, ATAN, split 0.5); a subnet is required.
     *
     * @return the builder
     */
    public static AffineCouplingSpec<GINCouplingBlock> builder() {
        return new AffineCouplingSpec<>(GINCouplingBlock::new);
    }
}
