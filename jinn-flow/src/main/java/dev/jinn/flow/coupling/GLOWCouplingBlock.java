package dev.jinn.flow.coupling;

import dev.jinn.flow.Shape;
import java.util.List;

/**
 * The affine coupling of GLOW (Kingma and Dhariwal 2018), FrEIA's {@code GLOWCouplingBlock}: RealNVP's two
 * affine steps with one subnet per step predicting scale and shift together,
 * <pre>
 *   [r2, t2] = subnet2([x2, c]),  s2 = clamp·f(r2):   y1 = e^{s2} ⊙ x1 + t2
 *   [r1, t1] = subnet1([y1, c]),  s1 = clamp·f(r1):   y2 = e^{s1} ⊙ x2 + t1
 * </pre>
 * ({@code r2}, {@code t2} are the first and second {@code len1} output channels of {@code subnet2}; {@code r1},
 * {@code t1} the first and second {@code len2} of {@code subnet1}). Log-det {@code Σ s2 + Σ s1} over all
 * non-batch axes; the inverse undoes the second step first, {@code x2 = (y2 − t1) ⊙ e^{−s1}}, then
 * {@code x1 = (y1 − t2) ⊙ e^{−s2}}, log-det negated.
 *
 * <p>Subnets (FrEIA's names): {@code subnet1}: {@code len1 + Σkᵢ → 2·len2}, used by the <em>second</em> step;
 * {@code subnet2}: {@code len2 + Σkᵢ → 2·len1}, used by the first. Only the coupling itself: no ActNorm or
 * 1×1 convolution (see {@link AllInOneBlock}). Clamp, split and conditions as in {@link CouplingBlock}:
 * <pre>{@code
 * GLOWCouplingBlock.builder().subnet(Subnets.mlp(64)).clamp(2.0).clampActivation(ClampActivation.ATAN).splitLen(0.5)
 * }</pre>
 */
public final class GLOWCouplingBlock extends JointAffineCoupling {
    private GLOWCouplingBlock(List<Shape> dimsIn, List<Shape> dimsC, AffineCouplingBuilder<?> b) {
        super(dimsIn, dimsC, b, false);
    }

    /**
     * A builder with FrEIA's defaults (clamp 2, ATAN, split 0.5); a subnet is required.
     *
     * @return the builder
     */
    public static AffineCouplingSpec<GLOWCouplingBlock> builder() {
        return new AffineCouplingSpec<>(GLOWCouplingBlock::new);
    }
}
