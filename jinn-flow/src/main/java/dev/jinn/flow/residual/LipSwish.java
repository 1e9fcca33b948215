package dev.jinn.flow.residual;

import dev.jinn.nn.Layer;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;

/**
 * The 1-Lipschitz Swish activation of Residual Flows (Chen et al. 2019): {@code f(x) = x·σ(βx) / 1.1} with a
 * learned {@code β = softplus(beta) > 0}. The largest slope of {@code x·σ(βx)} is about 1.0998 whatever β is, so
 * dividing by 1.1 keeps {@code f} 1-Lipschitz while β shapes the curve between linear (β → 0, slope 0.5/1.1)
 * and ReLU-like (β → ∞).
 *
 * <p>Parameter: {@code beta} of shape {@code [1]}, the raw value before softplus, initialised to 0.5.
 */
public final class LipSwish extends Layer {
    /** A LipSwish with {@code beta = 0.5} (β = softplus(0.5) ≈ 0.974). */
    public LipSwish() {
        registerParameter("beta", Tensors.of(new float[] {0.5f}, 1));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor raw = parameter("beta");
        if (raw.dtype() != x.dtype()) {
            throw new IllegalArgumentException("LipSwish: input dtype " + x.dtype() + " differs from the parameter's "
                    + raw.dtype() + " (convert the layer with to(dtype))");
        }
        Tensor beta = raw.softplus();
        return x.mul(x.mul(beta).sigmoid()).div(1.1);
    }

    /**
     * The current slope parameter β = softplus(beta).
     *
     * @return β
     */
    public double beta() {
        return parameter("beta").to(DType.FLOAT64).softplus().item();
    }
}
