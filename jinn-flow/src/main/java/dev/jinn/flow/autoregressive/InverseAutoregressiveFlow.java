package dev.jinn.flow.autoregressive;

import dev.jinn.flow.Shape;
import java.util.List;

/**
 * IAF's transform (Kingma et al., "Improved Variational Inference with Inverse Autoregressive Flow", 2016), the
 * inverse of {@link MaskedAffineAutoregressive}: sampling (reverse) is one MADE pass,
 * {@code x_d = z_d·e^{s_d} + t_d} with {@code (s_d, t_d) = MADE(z_{<d}, c)}; the density direction (forward)
 * takes D passes. Use it where samples are drawn more often than densities are evaluated.
 */
public final class InverseAutoregressiveFlow extends AutoregressiveTransform {
    private InverseAutoregressiveFlow(List<Shape> dimsIn, List<Shape> dimsC, MADEFactory made, ElementwiseMap map) {
        super(dimsIn, dimsC, made, map, false);
    }

    /**
     * A builder with MADE hidden widths (64, 64), natural order, ReLU, clamp 2 (ATAN).
     *
     * @return the builder, a module spec
     */
    public static AutoregressiveBuilder builder() {
        return new AutoregressiveBuilder("InverseAutoregressiveFlow", false, InverseAutoregressiveFlow::new);
    }
}
