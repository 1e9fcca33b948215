package dev.jinn.flow.autoregressive;

import dev.jinn.flow.Shape;
import java.util.List;

/**
 * MAF's transform (Papamakarios et al., "Masked Autoregressive Flow for Density Estimation", 2017):
 * {@code z_d = x_d·e^{s_d} + t_d} with {@code (s_d, t_d) = MADE(x_{<d}, c)} and {@code s} softly clamped;
 * log-det {@code Σ_d s_d}. The density direction (forward) takes one MADE pass; sampling (reverse) takes D.
 *
 * <pre>{@code
 * var inn = new SequenceINN(8);
 * for (int k = 0; k < 5; k++)
 *     inn.append(MaskedAffineAutoregressive.builder().hidden(256, 256)
 *             .order(k % 2 == 0 ? InputOrder.natural() : InputOrder.reversed()));
 * }</pre>
 */
public final class MaskedAffineAutoregressive extends AutoregressiveTransform {
    private MaskedAffineAutoregressive(List<Shape> dimsIn, List<Shape> dimsC, MADEFactory made, ElementwiseMap map) {
        super(dimsIn, dimsC, made, map, true);
    }

    /**
     * A builder with MADE hidden widths (64, 64), natural order, ReLU, clamp 2 (ATAN).
     *
     * @return the builder, a module spec
     */
    public static AutoregressiveBuilder builder() {
        return new AutoregressiveBuilder("MaskedAffineAutoregressive", false, MaskedAffineAutoregressive::new);
    }
}
