package dev.jinn.flow.elementwise;

import dev.jinn.flow.Shape;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * An invertible leaky-ReLU-like activation with learned per-channel slopes on both sides, FrEIA's
 * {@code InvAutoActTwoSided}.
 *
 * <p>Formula: {@code ℓ = α₊ + ½(α₋ − α₊)(1 − sign x)}, i.e. {@code α₊} for {@code x > 0}, {@code α₋} for
 * {@code x < 0} (and their mean at 0); {@code y = x ⊙ e^ℓ}; reverse {@code x = y ⊙ e^{−ℓ}} with ℓ evaluated on y
 * (same sign). Log-det: {@code Σ ℓ} over all non-batch axes, negated in reverse.
 *
 * <p>Parameters {@code alpha_pos = ln(initPos)} and {@code alpha_neg = ln(initNeg)}, shape {@code (1, C, 1, …)}:
 * one slope pair per channel. Defaults {@code initPos = 2}, {@code initNeg = 0.5}.
 */
public final class InvAutoActTwoSided extends SignDependentSlope {
    /**
     * The activation with FrEIA's defaults (slopes 2 and 0.5, learnable).
     *
     * @param dimsIn one input shape {@code (C, …)}
     */
    public InvAutoActTwoSided(List<Shape> dimsIn) {
        this(dimsIn, 2.0, 0.5, true);
    }

    /**
     * The activation.
     *
     * @param dimsIn    one input shape {@code (C, …)}
     * @param initPos   the initial slope for positive inputs, positive
     * @param initNeg   the initial slope for negative inputs, positive
     * @param learnable whether the slopes are trained (else fixed buffers)
     */
    public InvAutoActTwoSided(List<Shape> dimsIn, double initPos, double initNeg, boolean learnable) {
        super(dimsIn, learnable);
        registerLogSlope("alpha_pos", initPos);
        registerLogSlope("alpha_neg", initNeg);
    }

    /**
     * The spec with FrEIA's defaults.
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return InvAutoActTwoSided::new;
    }

    /**
     * The spec with chosen initial slopes.
     *
     * @param initPos   the initial slope for positive inputs, positive
     * @param initNeg   the initial slope for negative inputs, positive
     * @param learnable whether the slopes are trained
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(double initPos, double initNeg, boolean learnable) {
        return in -> new InvAutoActTwoSided(in, initPos, initNeg, learnable);
    }

    @Override
    Tensor logSlopeFor(Tensor sign) {
        Tensor pos = logSlope("alpha_pos");
        Tensor neg = logSlope("alpha_neg");
        return pos.add(neg.sub(pos).mul(sign.neg().add(1)).mul(0.5));
    }
}
