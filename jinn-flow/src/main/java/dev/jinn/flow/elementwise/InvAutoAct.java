package dev.jinn.flow.elementwise;

import dev.jinn.flow.Shape;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * An invertible leaky-ReLU-like activation with one learned per-channel slope used symmetrically, FrEIA's
 * {@code InvAutoAct}.
 *
 * <p>Formula: {@code ℓ = α·sign x}; {@code y = x ⊙ e^ℓ} (positive inputs multiplied by {@code e^α}, negative ones
 * divided by it); reverse {@code x = y ⊙ e^{−ℓ}} with ℓ evaluated on y. Log-det: {@code Σ ℓ} over all non-batch
 * axes, negated in reverse.
 *
 * <p>Parameter {@code alpha = ln(slopeInit)}, shape {@code (1, C, 1, …)}; default {@code slopeInit = 2}.
 */
public class InvAutoAct extends SignDependentSlope {
    /**
     * The activation with FrEIA's default slope 2, learnable.
     *
     * @param dimsIn one input shape {@code (C, …)}
     */
    public InvAutoAct(List<Shape> dimsIn) {
        this(dimsIn, 2.0, true);
    }

    /**
     * The activation.
     *
     * @param dimsIn    one input shape {@code (C, …)}
     * @param slopeInit the initial slope on the positive side, positive
     * @param learnable whether the slope is trained (else a fixed buffer)
     */
    public InvAutoAct(List<Shape> dimsIn, double slopeInit, boolean learnable) {
        super(dimsIn, learnable);
        registerLogSlope("alpha", slopeInit);
    }

    /**
     * The spec with FrEIA's defaults.
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return InvAutoAct::new;
    }

    /**
     * The spec with a chosen initial slope.
     *
     * @param slopeInit the initial slope on the positive side, positive
     * @param learnable whether the slope is trained
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(double slopeInit, boolean learnable) {
        return in -> new InvAutoAct(in, slopeInit, learnable);
    }

    @Override
    final Tensor logSlopeFor(Tensor sign) {
        return logSlope("alpha").mul(sign);
    }
}
